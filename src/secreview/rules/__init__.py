"""Rules as data: the ruleset model, the condition compiler, loading and rule selection."""
