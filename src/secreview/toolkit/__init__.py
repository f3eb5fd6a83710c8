"""The security officer's tools over rulesets: lint, rule tests, catalogue and docs, diff."""
