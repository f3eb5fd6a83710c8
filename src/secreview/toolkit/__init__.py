"""The security officer's tools over rulesets: lint, rule tests, catalogue, docs, ruleset diff."""
