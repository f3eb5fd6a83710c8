"""The ruleset linter: every problem found at once, located, with a hint."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from secreview.cli import main
from secreview.errors import InputError
from secreview.facts import core_facts
from secreview.rules.compiler import CompileContext, compile_condition
from secreview.rules.loader import builtin_sets
from secreview.rules.model import AllOf
from secreview.toolkit.lint import LintReport, lint_files, lint_paths, lint_profile

LINT = Path(__file__).resolve().parent / "fixtures" / "lint"
BROKEN = LINT / "broken"

# (file, line, column, severity, code, rule id): every problem the broken fixtures hold.
EXPECTED = [
    ("conditions.yaml", 9, 5, "warning", "unused-fact", None),
    ("conditions.yaml", 13, 5, "warning", "missing-examples", "lint.type_errors"),
    ("conditions.yaml", 22, 31, "error", "type-mismatch", "lint.type_errors"),
    ("conditions.yaml", 23, 38, "error", "type-mismatch", "lint.type_errors"),
    ("conditions.yaml", 24, 30, "error", "type-mismatch", "lint.type_errors"),
    ("conditions.yaml", 25, 5, "warning", "missing-examples", "lint.contradiction"),
    ("conditions.yaml", 33, 7, "error", "never-true", "lint.contradiction"),
    ("conditions.yaml", 36, 5, "warning", "missing-examples", "lint.enum_set"),
    ("conditions.yaml", 43, 44, "error", "never-true", "lint.enum_set"),
    ("conditions.yaml", 44, 56, "error", "never-true", "lint.enum_set"),
    ("conditions.yaml", 56, 9, "warning", "mitigation-no-effect", "lint.mitigations"),
    ("conditions.yaml", 59, 9, "warning", "mitigation-always", "lint.mitigations"),
    ("conditions.yaml", 62, 9, "error", "duplicate-mitigation", "lint.mitigations"),
    ("conditions.yaml", 65, 9, "warning", "mitigation-no-effect", "lint.mitigations"),
    ("conditions.yaml", 71, 5, "warning", "title-placeholder", "lint.placeholders"),
    ("conditions.yaml", 72, 5, "warning", "placeholder-mismatch", "lint.placeholders"),
    ("conditions.yaml", 72, 15, "error", "placeholder", "lint.placeholders"),
    ("conditions.yaml", 72, 68, "error", "placeholder", "lint.placeholders"),
    ("conditions.yaml", 77, 5, "warning", "routing-open", "lint.placeholders"),
    ("conditions.yaml", 77, 5, "warning", "routing-open", "lint.placeholders"),
    ("conditions.yaml", 80, 32, "error", "example-failed", "lint.placeholders"),
    ("conditions.yaml", 81, 58, "error", "example-invalid", "lint.placeholders"),
    ("duplicate.yaml", 2, 3, "error", "duplicate-id", None),
    ("duplicate.yaml", 9, 5, "error", "duplicate-id", "lint.contradiction"),
    ("syntax.yaml", 4, 1, "error", "yaml", None),
    ("texts.yaml", 9, 5, "warning", "missing-examples", "lint.texts_missing"),
    ("texts.yaml", 10, 5, "error", "missing-text", "lint.texts_missing"),
    ("texts.yaml", 11, 5, "error", "missing-text", "lint.texts_missing"),
    ("texts.yaml", 12, 19, "error", "missing-text", "lint.texts_missing"),
    ("texts.yaml", 16, 5, "warning", "routing-open", "lint.texts_missing"),
    ("texts.yaml", 17, 5, "warning", "missing-examples", "lint.typo_fact"),
    ("texts.yaml", 24, 18, "error", "unknown-fact", "lint.typo_fact"),
]


@pytest.fixture(scope="module")
def broken() -> LintReport:
    return lint_paths([BROKEN])


def test_clean_ruleset_has_no_problems() -> None:
    report = lint_paths([LINT / "clean"])
    assert report.clean
    assert (report.files, report.rules) == (1, 1)
    assert report.summary() == "1 file, 1 rule: no problems"


def test_every_problem_is_found_with_its_position(broken: LintReport) -> None:
    found = [(Path(p.file or "").name, p.line, p.column, p.severity, p.code, p.rule_id)
             for p in broken.problems]
    assert found == EXPECTED


def test_every_problem_says_what_to_do(broken: LintReport) -> None:
    assert all(p.suggestion for p in broken.problems)


def test_unknown_fact_and_placeholder_suggest_the_right_name(broken: LintReport) -> None:
    hints = {(p.code, p.rule_id): p.suggestion for p in broken.problems}
    assert hints[("unknown-fact", "lint.typo_fact")] == "did you mean 'personal_data.processed'?"
    assert hints[("placeholder", "lint.placeholders")] == "did you mean 'vendor.name'?"


def test_missing_language_messages_name_rule_field_and_language(broken: LintReport) -> None:
    messages = [p.message for p in broken.problems if p.code == "missing-text"]
    assert messages == [
        "'title' has no English text (en)",
        "'message' is written in one language only; it needs both Swedish (sv) and English (en)",
        "'remediation' has an empty Swedish text (sv)",
    ]
    # The friendlier message replaces pydantic's: no schema error repeats it.
    assert not any(p.code == "schema" for p in broken.problems)


def test_a_broken_rule_does_not_hide_the_valid_rules_of_its_file(tmp_path: Path) -> None:
    text = (BROKEN / "texts.yaml").read_text(encoding="utf-8").replace(
        "consequence: 2\n    likelihood: 2\n    finding_if: {fact: personal_data.ropa_entry",
        "consequence: 9\n    likelihood: 2\n    finding_if: {fact: personal_data.ropa_entry")
    (tmp_path / "texts.yaml").write_text(text, encoding="utf-8")
    report = lint_files([tmp_path / "texts.yaml"])
    codes = {(p.code, p.rule_id) for p in report.problems}
    assert ("schema", "lint.texts_missing") not in codes  # schema problems carry no rule id
    assert any(p.code == "schema" and p.line == 14 for p in report.problems)
    assert ("unknown-fact", "lint.typo_fact") in codes  # the next rule is still checked


def test_a_rule_missing_only_a_translation_is_still_compiled(broken: LintReport) -> None:
    codes = {(p.code, p.rule_id) for p in broken.problems}
    assert ("missing-examples", "lint.texts_missing") in codes


def test_a_broken_file_does_not_hide_the_others(broken: LintReport) -> None:
    files = {Path(p.file or "").name for p in broken.problems}
    assert files == {"conditions.yaml", "duplicate.yaml", "syntax.yaml", "texts.yaml"}
    assert broken.files == 4


def test_text_format_has_location_severity_rule_and_hint(broken: LintReport) -> None:
    text = broken.format_text()
    assert ("conditions.yaml:33:7: error: [lint.contradiction] finding_if can never be true"
            in text)
    assert "  hint: did you mean 'personal_data.processed'?" in text
    assert text.rstrip().endswith("4 files, 7 rules: 18 errors, 14 warnings")


def _ruleset(tmp_path: Path, finding_if: str, name: str = "r.yaml") -> Path:
    body = textwrap.indent(textwrap.dedent(finding_if).strip(), "      ")
    file = tmp_path / name
    file.write_text(textwrap.dedent("""\
        ruleset:
          id: t.rules
          version: 1.0.0
          title: {sv: T, en: T}
          owner: tests
          date: 2026-11-26
          aspect: gdpr
        rules:
          - id: t.rule
            title: {sv: T, en: T}
            message: {sv: M, en: M}
            remediation: {sv: R, en: R}
            references: [{source: GDPR}]
            consequence: 2
            likelihood: 2
            finding_if:
        """) + body + "\n", encoding="utf-8")
    return file


NEVER = [
    "all: [{fact: users.number_of_users, gt: 10}, {fact: users.number_of_users, lt: 5}]",
    "all: [{fact: users.number_of_users, gt: 5}, {fact: users.number_of_users, lte: 5}]",
    "all: [{fact: hosting.deployment, eq: saas}, {fact: hosting.deployment, in: [paas, iaas]}]",
    "all: [{fact: vendor.name, eq: A}, {fact: vendor.name, eq: B}]",
    "all: [{fact: vendor.name, eq: A}, {fact: vendor.name, ne: A}]",
    "all: [{fact: vendor.name, missing: true}, {fact: vendor.name, eq: A}]",
    "all: [{all: [{fact: access.sso, eq: true}]}, {fact: access.sso, eq: false}]",
    "{fact: vendor.name, in: []}",
    "{fact: hosting.deployment, not_in: [saas, paas, iaas, on_premises, hybrid]}",
    "{fact: classification.confidentiality, lt: 0}",
    "any: [{fact: access.assurance_level, gt: 4}, {fact: access.assurance_level, lt: 1}]",
    "at_least: 2\nof: [{fact: access.sso, eq: true}, {fact: classification.integrity, gt: 4},"
    " {fact: access.assurance_level, lt: 1}]",
    "for_any: hosting.subprocessors\nwhere: {all: [{fact: country, eq: US},"
    " {fact: country, ne: US}]}",
]

POSSIBLE = [
    "all: [{fact: users.number_of_users, gte: 5}, {fact: users.number_of_users, lte: 5}]",
    "all: [{fact: hosting.deployment, ne: saas}, {fact: hosting.deployment, in: [saas, paas]}]",
    "all: [{fact: vendor.name, exists: true}, {fact: vendor.name, eq: A}]",
    "all: [{fact: vendor.name, eq: A}, {fact: vendor.country, eq: SE}]",
    "at_least: 2\nof: [{fact: access.sso, eq: true}, {fact: classification.integrity, gt: 3},"
    " {fact: access.assurance_level, lt: 1}]",
    "not: {all: [{fact: access.sso, eq: true}, {fact: access.sso, eq: false}]}",
    "for_all: hosting.subprocessors\nwhere: {all: [{fact: country, eq: US},"
    " {fact: country, ne: US}]}",
]


@pytest.mark.parametrize("condition", NEVER)
def test_conditions_that_can_never_be_true(tmp_path: Path, condition: str) -> None:
    report = lint_files([_ruleset(tmp_path, condition)])
    codes = [p.code for p in report.problems if p.severity == "error"]
    assert codes == ["never-true"], report.format_text()


@pytest.mark.parametrize("condition", POSSIBLE)
def test_conditions_that_can_be_true_are_not_flagged(tmp_path: Path, condition: str) -> None:
    report = lint_files([_ruleset(tmp_path, condition)])
    assert not [p for p in report.problems if p.code == "never-true"], report.format_text()


ENUM_FACT = "hosting.deployment"
ENUM_VALUES = ("saas", "paas", "iaas", "on_premises", "hybrid")
_enum_leaf = st.one_of(
    st.builds(lambda v: {"fact": ENUM_FACT, "eq": v}, st.sampled_from(ENUM_VALUES)),
    st.builds(lambda v: {"fact": ENUM_FACT, "ne": v}, st.sampled_from(ENUM_VALUES)),
    st.builds(lambda vs: {"fact": ENUM_FACT, "in": vs},
              st.lists(st.sampled_from(ENUM_VALUES), max_size=3, unique=True)),
    st.builds(lambda vs: {"fact": ENUM_FACT, "not_in": vs},
              st.lists(st.sampled_from(ENUM_VALUES), max_size=3, unique=True)),
)
_int_leaf = st.builds(lambda op, v: {"fact": "users.number_of_users", op: v},
                      st.sampled_from(["eq", "ne", "gt", "gte", "lt", "lte"]),
                      st.integers(min_value=0, max_value=12))


def _satisfiable(condition: dict[str, object], values: list[object], fact: str) -> bool:
    ctx = CompileContext(facts=core_facts(), sets=builtin_sets())
    predicate = compile_condition(AllOf.model_validate(condition), ctx)
    return any(predicate({fact: value}) is True for value in values)


@given(st.lists(_enum_leaf, min_size=1, max_size=4))
def test_never_true_on_an_enum_is_exactly_unsatisfiable(leaves: list[dict[str, object]]) -> None:
    """Law: over a finite enumeration the linter is exact, neither missing nor inventing."""
    from secreview.rules.satisfiability import Possibility

    condition = {"all": leaves}
    flagged = Possibility(builtin_sets()).impossible(
        AllOf.model_validate(condition), core_facts(), ()) is not None
    assert flagged == (not _satisfiable(condition, list(ENUM_VALUES), ENUM_FACT))


@given(st.lists(_int_leaf, min_size=1, max_size=4))
def test_never_true_is_never_a_false_alarm(leaves: list[dict[str, object]]) -> None:
    """Law: when the linter says "never true", no value makes the condition true."""
    from secreview.rules.satisfiability import Possibility

    condition = {"all": leaves}
    flagged = Possibility(builtin_sets()).impossible(
        AllOf.model_validate(condition), core_facts(), ()) is not None
    if flagged:
        assert not _satisfiable(condition, list(range(0, 30)), "users.number_of_users")


def test_missing_paths_cannot_be_linted() -> None:
    with pytest.raises(InputError, match="no such file or folder"):
        lint_paths([LINT / "does-not-exist"])


def test_same_file_given_twice_is_linted_once() -> None:
    file = LINT / "clean" / "access.yaml"
    assert lint_files([file, file]).clean


def test_cli_exit_codes_and_json() -> None:
    runner = CliRunner()
    clean = runner.invoke(main, ["rules", "lint", str(LINT / "clean")])
    assert clean.exit_code == 0, clean.output
    found = runner.invoke(main, ["rules", "lint", "--format", "json", str(BROKEN)])
    assert found.exit_code == 1
    problems = json.loads(found.output)
    assert len(problems) == len(EXPECTED)
    first = problems[0]
    assert set(first) >= {"code", "severity", "message", "file", "line", "column", "suggestion"}
    missing = runner.invoke(main, ["rules", "lint", str(LINT / "nowhere")])
    assert missing.exit_code == 2
    assert "no such file or folder" in missing.output


ORG = LINT / "org"


def test_profile_mode_checks_tailoring_against_the_selected_rules() -> None:
    report = lint_profile(ORG / "profile.yaml")
    found = [(Path(p.file or "").name, p.line, p.column, p.severity, p.code, p.rule_id)
             for p in report.problems]
    assert found == [
        ("profile.yaml", 20, 21, "error", "tailoring", None),  # at the unknown id itself
        ("profile.yaml", 23, 8, "error", "tailoring", "fixture.exit_plann"),
        ("profile.yaml", 25, 8, "warning", "tailoring", "fixture.storage_outside_eea"),
    ]
    hints = [p.suggestion for p in report.problems]
    assert hints[1] == "did you mean 'fixture.exit_plan'?"
    assert "unknown bundled ruleset 'no.such.ruleset'" in report.problems[0].message
    assert (report.files, report.rules) == (2, 2)  # the profile and its own ruleset


def test_profile_mode_reports_an_invalid_profile_as_problems(tmp_path: Path) -> None:
    bad = tmp_path / "profile.yaml"
    bad.write_text("profile: {id: x}\n", encoding="utf-8")
    report = lint_profile(bad)
    assert report.problems and all(p.code == "schema" for p in report.problems)


def test_cli_profile_option() -> None:
    result = CliRunner().invoke(main, ["rules", "lint", "--profile", str(ORG / "profile.yaml")])
    assert result.exit_code == 1
    assert "tailoring names rule 'fixture.exit_plann'" in result.output


def test_two_files_sharing_a_ruleset_id_still_run_their_examples(tmp_path: Path) -> None:
    source = (LINT / "clean" / "access.yaml").read_text(encoding="utf-8")
    (tmp_path / "a.yaml").write_text(source, encoding="utf-8")
    (tmp_path / "b.yaml").write_text(source.replace("lint.processor_agreement",
                                                    "lint.processor_agreement_copy"),
                                     encoding="utf-8")
    report = lint_paths([tmp_path])
    # the copied rule also tests the same condition as the original, which lint says too
    assert [(Path(p.file or "").name, p.code) for p in report.problems] == [
        ("b.yaml", "duplicate-id"), ("b.yaml", "duplicate-condition")]
    assert report.rules == 2


def test_odd_documents_are_problems_not_crashes(tmp_path: Path) -> None:
    (tmp_path / "list.yaml").write_text("- a\n- b\n", encoding="utf-8")
    (tmp_path / "empty.yaml").write_text("", encoding="utf-8")
    (tmp_path / "rules.yaml").write_text(
        "ruleset: {id: y, version: 1.0.0, title: {sv: a, en: a}, owner: o, date: 2026-01-01,"
        " aspect: gdpr}\nrules: [1, {id: y.a, title: {sv: t, en: t}, message: {sv: m, en: m},"
        " remediation: {sv: r, en: r}, references: [{source: s}], consequence: 2,"
        " likelihood: 2, finding_if: {fact: access.sso, eq: false}, mitigations: [{id: m,"
        " when: {fact: access.mfa_users, eq: true}, lowers: likelihood, title: only one}]}]\n",
        encoding="utf-8")
    report = lint_paths([tmp_path])
    messages = {(Path(p.file or "").name, p.code, p.message.split(":")[0])
                for p in report.problems}
    assert ("list.yaml", "schema", "expected a mapping of keys at the top level, found list"
            ) in messages
    assert ("empty.yaml", "yaml", "file is empty") in messages
    assert ("rules.yaml", "schema", "rules.0") in messages
    assert any(p.message.startswith("the title of mitigation 'm' is written in one language")
               for p in report.problems)
    assert report.rules == 1  # the valid rule of rules.yaml is still checked


@pytest.mark.parametrize(("pattern", "message"), [
    ("(?<=a)b", "unsupported regular expression"),
    (r"\w{1,99}", "regular expression too large"),
    ("[unclosed", "invalid regular expression"),
])
def test_bad_regular_expressions_have_their_own_code(tmp_path: Path, pattern: str,
                                                     message: str) -> None:
    file = _ruleset(tmp_path, f"{{fact: vendor.name, matches: {json.dumps(pattern)}}}")
    (problem,) = [p for p in lint_files([file]).problems if p.severity == "error"]
    assert (problem.code, problem.message.split(":")[0]) == ("unsafe-regex", message)
    assert problem.line is not None and problem.suggestion


def test_summary_in_swedish(broken: LintReport) -> None:
    assert broken.summary("sv") == "4 filer, 7 regler: 18 fel, 14 varningar"
    result = CliRunner().invoke(main, ["rules", "lint", "--lang", "sv", str(LINT / "clean")])
    assert (result.exit_code, result.output) == (0, "1 fil, 1 regel: inga problem\n")


@pytest.mark.parametrize(("lang", "clean"), [("sv", "1 fil, 1 regel: inga problem"),
                                             ("en", "1 file, 1 rule: no problems")])
def test_the_cli_summary_counts_one_in_the_singular(lang: str, clean: str) -> None:
    result = CliRunner().invoke(main, ["rules", "lint", "--lang", lang, str(LINT / "clean")])
    assert (result.exit_code, result.output) == (0, clean + "\n")


@pytest.mark.parametrize(("n", "sv", "en"), [
    (1, "1 fil, 1 regel: 1 fel, 1 varning", "1 file, 1 rule: 1 error, 1 warning"),
    (2, "2 filer, 2 regler: 2 fel, 2 varningar", "2 files, 2 rules: 2 errors, 2 warnings"),
])
def test_each_count_of_the_summary_takes_its_own_form(broken: LintReport, n: int, sv: str,
                                                      en: str) -> None:
    errors = [p for p in broken.problems if p.severity == "error"][:n]
    warnings = [p for p in broken.problems if p.severity == "warning"][:n]
    report = LintReport(problems=[*errors, *warnings], files=n, rules=n)
    assert (report.summary("sv"), report.summary("en")) == (sv, en)


# --- every mistake in one run, each once (issue 18) -------------------------------------------

_RULE = """\
  - id: t.{name}
    title: {{sv: A, en: A}}
    message: {{sv: "{message}", en: "{message}"}}
    remediation: {{sv: A, en: A}}
    references: [{{source: X}}]
    consequence: 2
    likelihood: 2
{body}"""


def _lint_rules(tmp_path: Path, *rules: str, facts: str = "") -> LintReport:
    head = ("ruleset: {id: t, version: 1.0.0, title: {sv: T, en: T}, owner: o, "
            "date: 2026-01-01, aspect: supplier}\n" + facts + "rules:\n")
    file = tmp_path / "r.yaml"
    file.write_text(head + "".join(rules), encoding="utf-8")
    return lint_files([file])


def test_semantic_checks_run_beside_schema_errors(tmp_path: Path) -> None:
    broken = _RULE.format(name="a", message="{vendor.nme}", body=textwrap.indent(
        "applies_if: {fact: access.mfa_admin, eq: true}\n"
        "finding_if: {fact: access.mfa_users, equals: false}\n", "    "))
    report = _lint_rules(tmp_path, broken)
    found = {(p.code, p.message.split(" (")[0]) for p in report.problems
             if p.severity == "error"}
    assert found == {
        ("schema", "unknown key 'equals' in 'rules.0.finding_if'"),
        ("unknown-fact", "unknown fact 'access.mfa_admin'"),
        ("placeholder", "placeholder '{vendor.nme}' in message"),
    }


def test_comparing_two_facts_is_one_clean_rule(tmp_path: Path) -> None:
    rule = _RULE.format(name="a", message="A", body=textwrap.indent(
        "finding_if: {fact: continuity.rpo_hours, gt: {fact: continuity.rto_hours}}\n"
        "examples:\n"
        "  - {name: f, expect: finding, facts: {continuity: {rpo_hours: 5, rto_hours: 1}}}\n"
        "  - {name: p, expect: pass, facts: {continuity: {rpo_hours: 1, rto_hours: 5}}}\n",
        "    "))
    assert _lint_rules(tmp_path, rule).clean


def test_an_example_with_a_misspelt_extension_fact_is_invalid(tmp_path: Path) -> None:
    facts = ("facts:\n  - {name: crypto_in_use, type: bool, question: {sv: K?, en: C?}}\n")
    rule = _RULE.format(name="a", message="A", body=textwrap.indent(
        "finding_if: {fact: extensions.crypto_in_use, eq: false}\n"
        "examples:\n"
        "  - {name: f, expect: finding, facts: {extensions: {crypto_in_use: false}}}\n"
        "  - {name: p, expect: pass, facts: {extensions: {crypto_in_uses: true}}}\n", "    "))
    (problem,) = _lint_rules(tmp_path, rule, facts=facts).problems
    assert problem.code == "example-invalid"
    assert "unknown extension fact 'crypto_in_uses'" in problem.message
    assert problem.suggestion == "did you mean 'crypto_in_use'?"


def test_an_extension_facts_phrase_needs_both_languages(tmp_path: Path) -> None:
    """``phrase`` is read mid-sentence in either language's report, like ``question``."""
    facts = ("facts:\n"
             "  - {name: a, type: bool, question: {sv: A?, en: A?}, phrase: {sv: a-frågan}}\n"
             "  - {name: b, type: bool, question: {sv: B?, en: B?}, phrase: the b question}\n")
    rule = _RULE.format(name="a", message="A", body=textwrap.indent(
        "finding_if: {all: [{fact: extensions.a, eq: false}, {fact: extensions.b, eq: false}]}\n"
        "examples:\n"
        "  - {name: f, expect: finding, facts: {extensions: {a: false, b: false}}}\n"
        "  - {name: p, expect: pass, facts: {extensions: {a: true, b: false}}}\n", "    "))
    problems = [(p.code, p.line, p.message) for p in _lint_rules(tmp_path, rule,
                                                                  facts=facts).problems]
    assert problems == [
        ("missing-text", 3, "'phrase' (facts.0.phrase) has no English text (en)"),
        ("missing-text", 4, "'phrase' (facts.1.phrase) is written in one language only; it "
         "needs both Swedish (sv) and English (en)"),
    ]


def test_an_example_answer_outside_the_declared_values_is_invalid(tmp_path: Path) -> None:
    facts = ("facts:\n  - {name: tier, type: string, values: [gold, silver], "
             "question: {sv: N?, en: T?}}\n")
    rule = _RULE.format(name="a", message="A", body=textwrap.indent(
        "finding_if: {fact: extensions.tier, eq: silver}\n"
        "examples:\n"
        "  - {name: f, expect: finding, facts: {extensions: {tier: silver}}}\n"
        "  - {name: p, expect: pass, facts: {extensions: {tier: bronze}}}\n", "    "))
    (problem,) = _lint_rules(tmp_path, rule, facts=facts).problems
    assert problem.code == "example-invalid"
    assert "'bronze' is not one of gold, silver" in problem.message


def test_an_extension_declaration_is_checked_as_a_whole(tmp_path: Path) -> None:
    facts = ("facts:\n  - {name: tier, type: int, values: [a], minimum: 5, maximum: 1,"
             " question: {sv: N?, en: T?}}\n")
    rule = _RULE.format(name="a", message="A", body="    finding_if: {fact: vendor.name, eq: x}\n")
    schema = [p for p in _lint_rules(tmp_path, rule, facts=facts).problems if p.code == "schema"]
    assert len(schema) == 1 and "'values' are for string and list facts" in schema[0].message


def test_two_rules_testing_the_same_condition_are_flagged(tmp_path: Path) -> None:
    first = _RULE.format(name="a", message="A", body=textwrap.indent(
        "applies_if: {fact: personal_data.processed, eq: true}\n"
        "finding_if: {fact: security_testing.incident_notification_hours, gt: 72}\n", "    "))
    second = _RULE.format(name="b", message="A", body=textwrap.indent(
        "finding_if:\n"
        "  all:\n"
        "    - {fact: security_testing.incident_notification_hours, gt: 72}\n"
        "    - {fact: personal_data.processed, in: [true]}\n", "    "))
    found = [p for p in _lint_rules(tmp_path, first, second).problems
             if p.code == "duplicate-condition"]
    assert len(found) == 1
    assert found[0].rule_id == "t.b" and found[0].severity == "warning"
    assert "same condition as rule 't.a'" in found[0].message


def test_a_rule_without_the_routing_of_its_extension_fact_is_flagged(tmp_path: Path) -> None:
    facts = ("facts:\n  - {name: model_vendor, type: string, question: {sv: V?, en: W?},\n"
             "     asked_if: {fact: ai.used, eq: true}, section: ai}\n"
             "  - {name: misplaced, type: bool, question: {sv: V?, en: W?}, section: hostng}\n")
    unrouted = _RULE.format(name="a", message="A", body=textwrap.indent(
        "finding_if: {fact: extensions.model_vendor, eq: x}\n", "    "))
    routed = _RULE.format(name="b", message="A", body=textwrap.indent(
        "applies_if: {all: [{fact: ai.used, eq: true}, {fact: extensions.misplaced, eq: true}]}\n"
        "finding_if: {fact: extensions.model_vendor, eq: y}\n", "    "))
    problems = _lint_rules(tmp_path, unrouted, routed, facts=facts).problems
    routing = [p for p in problems if p.code == "routing"]
    assert [p.rule_id for p in routing] == ["t.a"]
    (section,) = [p for p in problems if p.code == "extension-section"]
    assert section.suggestion == "did you mean 'hosting'?"


def test_a_literal_outside_an_extension_facts_bounds_is_an_error(tmp_path: Path) -> None:
    facts = ("facts:\n  - {name: retention_years, type: int, minimum: 1, maximum: 10,"
             " question: {sv: Å?, en: Y?}}\n")
    rule = _RULE.format(name="a", message="A", body=textwrap.indent(
        "finding_if: {fact: extensions.retention_years, gt: 12}\n", "    "))
    (problem,) = [p for p in _lint_rules(tmp_path, rule, facts=facts).problems
                  if p.severity == "error"]
    assert problem.code == "type-mismatch"
    assert "12 is outside the range of 'extensions.retention_years'" in problem.message
    assert problem.expected == "1 to 10"


def test_a_one_language_text_is_suggested_in_both_languages_as_written(tmp_path: Path) -> None:
    """The suggestion quotes the text as YAML reads it (Swedish letters as written, not as
    ``\\u00f6``), under ``sv`` when it looks Swedish, and shortens it without cutting a quote."""
    head = _RULE.format(name="a", message="A", body=textwrap.indent(
        "finding_if: {fact: personal_data.ropa_entry, eq: false}\n", "    "))
    swedish = head.replace("title: {sv: A, en: A}", "title: Loggning saknas för åtkomst")
    english = head.replace("t.a", "t.b").replace("title: {sv: A, en: A}",
                                                 "title: " + "x" * 80)
    hints = [p.suggestion for p in _lint_rules(tmp_path, swedish, english).problems
             if p.code == "missing-text"]
    assert hints == [
        'write it as title: {sv: "Loggning saknas för åtkomst", en: \'...\'}',
        "write it as title: {sv: '...', en: \"" + "x" * 49 + "…\"}",
    ]
