# The twenty comparison rules of rules.yaml, written in Rego for regopy.
#
# Rego has no "unknown": a missing input field makes a rule undefined, which reads as "no
# violation". To compare like with like, the harness sends every fact the rules use, with null
# for an unanswered one, and these helpers implement Kleene logic over true/false/null by hand.
# The value sets (eea, adequacy) come from a module the harness generates from secreview's own
# sets.yaml, as data.bench.sets.
package bench

import data.bench.sets

# --- three-valued helpers: null means unknown -------------------------------------------------

eq3(x, v) := null if { x == null } else := r if { r := x == v }

ne3(x, v) := null if { x == null } else := r if { r := x != v }

lt3(x, v) := null if { x == null } else := r if { r := x < v }

gt3(x, v) := null if { x == null } else := r if { r := x > v }

gte3(x, v) := null if { x == null } else := r if { r := x >= v }

in3(x, s) := null if { x == null } else := r if { r := x in s }

not_in3(x, s) := null if { x == null } else := r if { r := not_member(x, s) }

not_member(x, s) if not x in s

not3(x) := null if { x == null } else := r if { r := x == false }

any3(vs) := true if { some v in vs; v == true } else := null if { some v in vs; v == null } else := false

all3(vs) := false if { some v in vs; v == false } else := null if { some v in vs; v == null } else := true

at_least3(n, vs) := true if { count([v | some v in vs; v == true]) >= n } else := false if { count([v | some v in vs; v != false]) < n } else := null

subset3(xs, s) := null if { xs == null } else := r if { r := count({x | some x in xs; not x in s}) == 0 }

intersects3(xs, s) := null if { xs == null } else := r if { r := count({x | some x in xs; x in s}) > 0 }

contains3(xs, v) := null if { xs == null } else := r if { r := v in xs }

non_empty3(xs) := null if { xs == null } else := r if { r := count(xs) > 0 }

missing(x) := r if { r := x == null }

decide(a, f, u) := "not_applicable" if { a == false } else := "pass" if { f == false } else := "finding" if { f == true; a == true } else := u

# --- quantifiers over lists of objects ----------------------------------------------------------

subprocessor_outside(items) := null if { items == null } else := r if {
	r := any3([all3([not_in3(s.country, sets.eea), not_in3(s.country, sets.adequacy)]) | some s in items])
}

no_certificate_covers(items) := null if { items == null } else := r if {
	r := all3([ne3(c.covers_service, true) | some c in items])
}

unencrypted_integration(items) := null if { items == null } else := r if {
	r := any3([all3([eq3(i.personal_data, true), ne3(i.encrypted, true)]) | some i in items])
}

# --- the rules: rule id -> finding | pass | unknown | not_applicable ----------------------------

processing := eq3(input.personal_data.processed, true)

status["bench.gdpr.processor_agreement"] := decide(processing, ne3(input.contract.processor_agreement.signed, true), "unknown")

status["bench.gdpr.storage_outside_eea"] := decide(processing, not3(subset3(input.hosting.content.countries, sets.eea)), "unknown")

status["bench.supplier.subprocessor_third_country"] := decide(true, subprocessor_outside(input.hosting.subprocessors), "unknown")

status["bench.supplier.third_country_law"] := decide(processing, all3([eq3(input.vendor.third_country_law_access, true), ne3(input.hosting.content.customer_held_keys, true)]), "unknown")

status["bench.gdpr.article_9_exception"] := decide(non_empty3(input.personal_data.special_categories), missing(input.personal_data.article_9_exception), "unknown")

status["bench.gdpr.consent_dependent"] := decide(true, all3([eq3(input.personal_data.consent_used, true), eq3(input.personal_data.subjects_depend_on_controller, true)]), "unknown")

dpia_criteria := [
	eq3(input.dpia_screening.evaluation_or_scoring, true),
	eq3(input.dpia_screening.sensitive_data, true),
	eq3(input.dpia_screening.large_scale, true),
	eq3(input.dpia_screening.vulnerable_subjects, true),
	eq3(input.dpia_screening.innovative_technology, true),
]

status["bench.gdpr.dpia_not_approved"] := decide(at_least3(2, dpia_criteria), ne3(input.personal_data.dpia.status, "approved"), "unknown")

status["bench.gdpr.retention"] := decide(processing, any3([eq3(input.personal_data.retention_defined, false), eq3(input.personal_data.retention_follows_disposal_decision, false)]), "unknown")

status["bench.classification.not_done"] := decide(true, ne3(input.classification.done, true), "unknown")

status["bench.classification.confidential_cloud"] := decide(gte3(input.classification.confidentiality, 3), all3([in3(input.hosting.deployment, {"saas", "paas"}), ne3(input.hosting.content.customer_held_keys, true)]), "unknown")

status["bench.classification.osl_outsourcing"] := decide(eq3(input.classification.osl_secrecy, true), all3([ne3(input.hosting.technical_processing_only, true), ne3(input.hosting.osl_disclosure_assessment, true)]), "unknown")

status["bench.access.mfa_admins"] := decide(true, ne3(input.access.mfa_admins, true), "finding")

status["bench.access.assurance_level"] := decide(gte3(input.classification.confidentiality, 2), lt3(input.access.assurance_level, 3), "unknown")

status["bench.supplier.certification_scope"] := decide(true, no_certificate_covers(input.vendor.certifications), "pass")

status["bench.access.staff_eid"] := decide(eq3(input.users.staff, true), not3(intersects3(input.access.staff_eid, {"siths", "freja_plus", "bankid"})), "unknown")

status["bench.logging.security_events"] := decide(true, not3(all3([contains3(input.logging.security_events, "unauthorised_access"), contains3(input.logging.security_events, "privileged_changes")])), "unknown")

status["bench.logging.retention"] := decide(true, any3([lt3(input.logging.retention_days, 180), eq3(input.logging.tamper_protected, false)]), "unknown")

status["bench.supplier.penetration_tests"] := decide(true, any3([eq3(input.security_testing.penetration_tests, false), gt3(input.security_testing.interval_months, 12)]), "unknown")

status["bench.integration.unencrypted_personal_data"] := decide(true, unencrypted_integration(input.integrations), "unknown")

status["bench.archiving.no_export"] := decide(eq3(input.archiving.public_records, true), not3(any3([eq3(input.archiving.e_archive_export, true), eq3(input.exit.open_format_export, true)])), "unknown")
