"""Rules as data: the ruleset model, loading, the condition compiler and evaluation."""
