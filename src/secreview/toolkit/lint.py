"""Lint rulesets: find every mistake a security officer can make before a review goes wrong.

The linter never stops at the first problem. Each file is parsed on its own (a broken file does
not hide the others), a ruleset whose header is valid keeps its valid rules even when one rule is
broken, and the whole set is compiled with ``build_catalog(strict=False)`` so that unknown facts,
type mismatches and duplicate ids all come back together. On top of what the compiler checks,
the linter looks for things that load fine but are wrong: texts in only one language, message
placeholders that name no fact, mitigations and escalations without effect, conditions that can
never be true, rules without tests, escalations no example shows, examples that fail, a
``missing:`` test that turns an unanswered question into a finding (unknown is never false), a
placeholder glued to a word, and a routing answer that does not close the rules of its branch
(``data/routing.yaml``).

Every problem carries ``file:line:column``, the rule id and what to do about it.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from pydantic import ValidationError

from secreview.errors import InputError, Problem, did_you_mean
from secreview.facts import FactSpec, core_facts, fact_at
from secreview.i18n import PLACEHOLDER, Lang, label, plurals
from secreview.loading import Document, PathKey, configured_limits, load_document
from secreview.profile import Profile, RuleOverride, tailoring_entries, tailoring_ruleset_paths
from secreview.rules.loader import (
    RULESET_LIMITS,
    Catalog,
    CompiledRule,
    LoadedRuleset,
    build_catalog,
    require_existing,
    require_ruleset,
    ruleset_files,
    value_sets,
)
from secreview.rules.model import (
    AllOf,
    AnyOf,
    AtLeast,
    Condition,
    Escalation,
    ForAll,
    ForAny,
    Leaf,
    Mitigation,
    NoneOf,
    Not,
    Rule,
    Ruleset,
    plain,
)
from secreview.rules.satisfiability import Possibility
from secreview.toolkit.closure import open_rules
from secreview.toolkit.consistency import (
    duplicate_conditions,
    unknown_sections,
    unrouted_extension_facts,
)
from secreview.toolkit.examples import run_rule_examples
from secreview.toolkit.partial import BrokenRule, broken_rule_problems
from secreview.validation import validate, value_at

Severity = Literal["error", "warning"]

#: What to do, per kind of problem, when the problem itself carries no more specific hint.
HINTS: dict[str, str] = {
    "yaml": "fix the YAML syntax at this position; indent with spaces and quote text with ':'",
    "schema": "compare with 'secreview schema ruleset' or the guide in docs/ruleset-guide.md",
    "missing-text": "write the text in both languages: {sv: '...', en: '...'}",
    "unknown-fact": "run 'secreview schema system' to list the facts, or declare an extension "
                    "fact under 'facts:'",
    "type-mismatch": "compare the operator and value with the fact's type in "
                     "'secreview schema system'",
    "unsafe-regex": "bound repetitions ({1,64} instead of +), avoid nested quantifiers and "
                    "backreferences, and check the syntax; see SECURITY.md",
    "duplicate-id": "rule and ruleset ids must be unique across all loaded rulesets; rename one",
    "unknown-set": "declare the set under 'sets:' or use a built-in one (eu, eea, adequacy, "
                   "eea_or_adequate, nordic, effective_supplementary_measures)",
    "unknown-aspect": "use one of the seven aspects or declare the new one under 'aspects:'",
    "extension-conflict": "declare the extension fact once, or with the same type everywhere",
    "placeholder": "a placeholder names a fact, e.g. {vendor.name}",
    "title-placeholder": "titles are shown as written; quote facts in 'message' instead",
    "placeholder-mismatch": "quote the same facts in the Swedish and the English text",
    "duplicate-mitigation": "give each mitigation of a rule its own id",
    "mitigation-no-effect": "remove the mitigation, or raise the rule's level if the risk is "
                            "higher without it",
    "mitigation-always": "lower the rule's own level instead, or give the mitigation a "
                         "condition of its own",
    "mitigation-never": "the mitigation's condition contradicts the rule's finding_if; "
                        "describe the measure that is in place",
    "never-true": "check the values against the fact's allowed values in "
                  "'secreview schema system'",
    "missing-examples": "add examples with 'expect: finding' and 'expect: pass' under "
                        "'examples:'",
    "escalation-no-effect": "an escalation only ever raises a level: give a consequence or "
                            "likelihood above the rule's own, or remove it",
    "escalation-never": "the escalation's condition contradicts the rule's conditions; "
                        "describe the compounding harm that can occur when the rule fires",
    "escalation-untested": "add an example with 'escalated: true' (and the expected "
                           "'consequence' or 'likelihood') that meets the escalation's condition",
    "example-failed": "fix the rule's conditions or the example's facts or expectation",
    "example-invalid": "write the example's facts like a system description "
                       "(see 'secreview schema system')",
    "unused-fact": "remove the extension fact or use it in a rule",
    "tailoring": "tailor only rules that the profile's rulesets define; see "
                 "'secreview rules list'",
    "unknown-as-false": "an unanswered question is unknown, never 'no': test an explicit answer "
                        "(eq: false, or a value that says 'none') so the rule stays unknown, "
                        "and asks, until someone answers",
    "placeholder-glued": "put a space or words around the placeholder: an unknown fact reads "
                         "'(unknown)', which glued to a letter reads like a value ('C(unknown)')",
    "routing-open": "add the routing fact to the rule's applies_if, or an implication to "
                    "data/routing.yaml, so the routing answer decides the rule",
    "ceiling": "name an integer classification fact with a small range, such as "
               "classification.confidentiality",
    "duplicate-condition": "disable one of the two rules in the profile, or change one",
    "routing": "add the extension fact's asked_if to the rule's applies_if",
    "extension-section": "use a section of 'secreview init' (system, hosting, contract, ...)",
}


@dataclass(frozen=True)
class LintProblem:
    """One problem found by the linter, located and with a hint on what to do."""

    code: str
    severity: Severity
    message: str
    file: str | None = None
    line: int | None = None
    column: int | None = None
    rule_id: str | None = None
    suggestion: str | None = None
    expected: str | None = None
    found: str | None = None

    def location(self) -> str:
        return Problem(self.message, file=self.file, line=self.line,
                       column=self.column).location()

    def format(self) -> str:
        text = f"{self.location()}: {self.severity}: "
        if self.rule_id:
            text += f"[{self.rule_id}] "
        text += self.message
        details = [f"expected {self.expected}"] if self.expected is not None else []
        if self.found is not None:
            details.append(f"found {self.found}")
        if details:
            text += f" ({', '.join(details)})"
        text += f" [{self.code}]"
        if self.suggestion:
            text += f"\n  hint: {self.suggestion}"
        return text

    def as_dict(self) -> dict[str, object]:
        return {k: v for k, v in self.__dict__.items() if v is not None}

    def sort_key(self) -> tuple[Any, ...]:
        return (self.file or "", self.line or 0, self.column or 0, self.code, self.message)


@dataclass
class LintReport:
    """Every problem in a set of rulesets, and how much was looked at."""

    problems: list[LintProblem] = field(default_factory=list)
    files: int = 0
    rules: int = 0

    @property
    def errors(self) -> int:
        return sum(1 for p in self.problems if p.severity == "error")

    @property
    def warnings(self) -> int:
        return sum(1 for p in self.problems if p.severity == "warning")

    @property
    def clean(self) -> bool:
        return not self.problems

    def summary(self, lang: Lang = "en") -> str:
        counted = plurals("rules.lint.count", lang, files=self.files, rules=self.rules,
                          errors=self.errors, warnings=self.warnings)
        return label("rules.lint.summary_clean" if self.clean else "rules.lint.summary", lang,
                     **counted)

    def format_text(self, lang: Lang = "en") -> str:
        lines = [p.format() for p in self.problems]
        return "\n".join([*lines, self.summary(lang)]) + "\n"

    def format_json(self) -> str:
        from secreview.documents import dump

        return dump("lint", [p.as_dict() for p in self.problems])


def _from_problem(problem: Problem, code: str, severity: Severity = "error") -> LintProblem:
    return LintProblem(
        code=code, severity=severity, message=problem.message, file=problem.file,
        line=problem.line, column=problem.column, rule_id=problem.rule_id,
        suggestion=problem.suggestion or HINTS.get(code), expected=problem.expected,
        found=problem.found,
    )


def _new(code: str, message: str, where: Mapping[str, Any], rule_id: str | None = None,
         severity: Severity = "error", suggestion: str | None = None) -> LintProblem:
    return LintProblem(code=code, severity=severity, message=message, rule_id=rule_id,
                       suggestion=suggestion or HINTS.get(code), **where)


def _compiler_code(problem: Problem) -> str:
    """The kind the compiler or loader gave the problem where it found it."""
    return problem.code or "type-mismatch"


# --- texts in both languages -------------------------------------------------------------------

_LANGUAGE_NAMES = {"sv": "Swedish", "en": "English"}


def _text_fields(data: Mapping[str, Any]) -> Iterable[tuple[PathKey, str | None]]:
    """Every bilingual text of a raw ruleset, as (path, rule id); optional ones included."""
    yield ("ruleset", "title"), None
    yield ("ruleset", "description"), None
    for key, fields in (("aspects", ("title",)), ("facts", ("question", "phrase", "help", "why"))):
        entries = data.get(key)
        if isinstance(entries, list):
            for i in range(len(entries)):
                for name in fields:
                    yield (key, i, name), None
                labels = entries[i].get("labels") if isinstance(entries[i], dict) else None
                if key == "facts" and isinstance(labels, dict):
                    for value in labels:
                        yield (key, i, "labels", value), None
    rules = data.get("rules")
    if not isinstance(rules, list):
        return
    for i, rule in enumerate(rules):
        if not isinstance(rule, dict):
            continue
        rule_id = rule.get("id") if isinstance(rule.get("id"), str) else None
        for name in ("title", "message", "message_unknown", "remediation"):
            yield ("rules", i, name), rule_id
        mitigations = rule.get("mitigations")
        if isinstance(mitigations, list):
            for j in range(len(mitigations)):
                yield ("rules", i, "mitigations", j, "title"), rule_id
        escalations = rule.get("escalate")
        if isinstance(escalations, list):
            for j in range(len(escalations)):
                yield ("rules", i, "escalate", j, "reason"), rule_id


def text_problems(doc: Document) -> list[LintProblem]:
    """Texts missing a language, or written as plain text instead of {sv, en}."""
    if not isinstance(doc.data, dict):
        return []
    problems: list[LintProblem] = []
    for path, rule_id in _text_fields(doc.data):
        value = value_at(doc.data, path)
        if value is not None:
            problems += _one_text_problems(doc, path, rule_id, value)
    return problems


def _text_owner(data: Any, path: PathKey) -> str:
    """How a problem names the text at ``path``: the field, and where it is outside a rule."""
    if "escalate" in path:
        return f"the reason of escalation {path[-2]}"
    if "mitigations" in path:
        mitigation = value_at(data, path[:-1])
        mitigation_id = mitigation.get("id") if isinstance(mitigation, dict) else None
        return f"the title of mitigation '{mitigation_id or path[-2]}'"
    name = ".".join(str(p) for p in path)
    return f"'{path[-1]}'" + ("" if path[0] == "rules" else f" ({name})")


SWEDISH_LETTERS = frozenset("åäöÅÄÖ")
SUGGESTED_TEXT = 50
"""Characters of the one-language text quoted in the suggestion (the rest as "…")."""


def _both_languages(text: str) -> str:
    """The one-language ``text`` as the two-language mapping to write: under ``sv`` when it has
    Swedish letters, else under ``en``; quoted as YAML reads it (Swedish letters as written, not
    as ``\\u00f6``), shortened without cutting the quotes."""
    shown = text if len(text) <= SUGGESTED_TEXT else text[:SUGGESTED_TEXT - 1] + "…"
    quoted = json.dumps(shown, ensure_ascii=False)
    if SWEDISH_LETTERS.intersection(text):
        return f"{{sv: {quoted}, en: '...'}}"
    return f"{{sv: '...', en: {quoted}}}"


def _one_text_problems(doc: Document, path: PathKey, rule_id: str | None,
                       value: Any) -> list[LintProblem]:
    owner = _text_owner(doc.data, path)
    if isinstance(value, str):
        return [_new(
            "missing-text", f"{owner} is written in one language only; it needs both "
            f"Swedish (sv) and English (en)", doc.where(path), rule_id,
            suggestion=f"write it as {path[-1]}: {_both_languages(value)}",
        )]
    if not isinstance(value, dict):
        return []  # the schema check reports what else it is
    problems: list[LintProblem] = []
    for lang, language in _LANGUAGE_NAMES.items():
        text = value.get(lang)
        if text is None:
            problems.append(_new(
                "missing-text", f"{owner} has no {language} text ({lang})",
                doc.where(path), rule_id,
                suggestion=f"add '{lang}:' under '{path[-1]}' with the {language} text",
            ))
        elif isinstance(text, str) and not text.strip():
            problems.append(_new(
                "missing-text", f"{owner} has an empty {language} text ({lang})",
                doc.where((*path, lang)), rule_id,
                suggestion=f"write the {language} text after '{lang}:'",
            ))
    return problems


_TEXT_SCHEMA_MESSAGE = re.compile(r"^'(sv|en)' is required in |\.(sv|en): String should have")


def _without_text_duplicates(schema: list[Problem], texts: list[LintProblem]) -> list[Problem]:
    """Drop schema errors that the friendlier missing-text problems already explain."""
    places = {(p.file, p.line, p.column) for p in texts}
    return [p for p in schema
            if (p.file, p.line, p.column) not in places
            and not _TEXT_SCHEMA_MESSAGE.search(p.message)]


# --- parsing each file, salvaging valid rules --------------------------------------------------

def _rule_is_valid(raw: Any) -> bool:
    try:
        Rule.model_validate(raw)
    except ValidationError:
        return False
    return True


def _texts_completed(data: dict[str, Any]) -> dict[str, Any]:
    """A copy where a text missing one language borrows the other, so that a rule whose only
    fault is a missing translation is still compiled and checked (the text problem itself has
    been reported already)."""
    completed: dict[str, Any] = copy.deepcopy(data)
    for path, _rule_id in _text_fields(completed):
        value = value_at(completed, path)
        parent = value_at(completed, path[:-1])
        if isinstance(value, str) and isinstance(parent, dict):
            parent[path[-1]] = {"sv": value, "en": value}
        elif isinstance(value, dict):
            texts = [t for t in (value.get("sv"), value.get("en"))
                     if isinstance(t, str) and t.strip()]
            if texts:
                for lang in ("sv", "en"):
                    if not (isinstance(value.get(lang), str) and value[lang].strip()):
                        value[lang] = texts[0]
    return completed


def _broken_rules(doc: Document, keep: Sequence[int]) -> list[BrokenRule]:
    """The rules of ``doc`` that the salvaged ruleset leaves out, as written."""
    rules = doc.data.get("rules") if isinstance(doc.data, dict) else None
    if not isinstance(rules, list):
        return []
    return [BrokenRule(doc, i, raw) for i, raw in enumerate(rules)
            if i not in keep and isinstance(raw, dict)]


def _salvage(doc: Document) -> tuple[Ruleset, Document, list[int]] | None:
    """A ruleset with only the rules that validate, positions renumbered to match, and the
    indices of the rules kept."""
    if not isinstance(doc.data, dict):
        return None
    data = _texts_completed(doc.data)
    if not isinstance(data.get("rules"), list):
        return None
    keep = [i for i, raw in enumerate(data["rules"]) if _rule_is_valid(raw)]
    if not keep:
        return None
    try:
        model = Ruleset.model_validate({**data, "rules": [data["rules"][i] for i in keep]})
    except ValidationError:
        return None
    renumber = {old: new for new, old in enumerate(keep)}
    positions: dict[PathKey, tuple[int, int]] = {}
    for key, position in doc.positions.items():
        if len(key) >= 2 and key[0] == "rules":
            if key[1] not in renumber:
                continue
            key = ("rules", renumber[key[1]], *key[2:])
        positions[key] = position
    return model, Document(data=data, source=doc.source, positions=positions,
                           sha256=doc.sha256), keep


@dataclass
class ParsedFile:
    """One ruleset file as far as it could be read: the ruleset with its valid rules, the
    problems found so far, and the rules the schema refused (checked once the facts are known)."""

    loaded: LoadedRuleset | None
    problems: list[LintProblem]
    broken: list[BrokenRule] = field(default_factory=list)


def parse_for_lint(file: Path) -> ParsedFile:
    """Parse and validate one file; return what could be loaded and every problem found."""
    try:
        doc = load_document(file, configured_limits(RULESET_LIMITS))
        require_ruleset(doc)  # another YAML file in the folder: named, its keys not listed
    except InputError as exc:
        return ParsedFile(None, [_from_problem(p, "yaml") for p in exc.problems])
    texts = text_problems(doc)
    try:
        model = validate(Ruleset, doc)
    except InputError as exc:
        problems = texts + [_from_problem(p, "schema")
                            for p in _without_text_duplicates(exc.problems, texts)]
        salvaged = _salvage(doc)
        if salvaged is None:
            return ParsedFile(None, problems, _broken_rules(doc, ()))
        model, kept_doc, keep = salvaged
        return ParsedFile(LoadedRuleset(model=model, source=str(file), sha256=doc.sha256,
                                        document=kept_doc), problems, _broken_rules(doc, keep))
    return ParsedFile(LoadedRuleset(model=model, source=str(file), sha256=doc.sha256,
                                    document=doc), texts)


# --- checks on one compiled rule ---------------------------------------------------------------

def _placeholder_problems(rule: Rule, facts: Mapping[str, FactSpec], where: Any,
                          base: PathKey) -> list[LintProblem]:
    problems: list[LintProblem] = []
    for name in ("message", "message_unknown", "remediation"):
        text = getattr(rule, name)
        if text is None:
            continue
        quoted: dict[str, set[str]] = {}
        for lang in ("sv", "en"):
            found = PLACEHOLDER.findall(text.get(lang))
            quoted[lang] = set(found)
            for path in found:
                if fact_at(path, facts) is None:
                    problems.append(_new(
                        "placeholder", f"placeholder '{{{path}}}' in {name} ({lang}) names no "
                        "fact; it would be shown as written", where((*base, name, lang)), rule.id,
                        suggestion=did_you_mean(path, facts) or HINTS["placeholder"],
                    ))
        if quoted["sv"] != quoted["en"]:
            only = sorted(quoted["sv"] ^ quoted["en"])
            problems.append(_new(
                "placeholder-mismatch", f"the Swedish and English {name} quote different facts: "
                f"{', '.join('{' + p + '}' for p in only)}", where((*base, name)), rule.id,
                severity="warning",
            ))
    for name in ("message", "remediation"):
        for lang in ("sv", "en"):
            text = getattr(rule, name).get(lang)
            glued = [m.group(1) for m in PLACEHOLDER.finditer(text)
                     if (m.start() > 0 and text[m.start() - 1].isalnum())
                     or (m.end() < len(text) and text[m.end()].isalnum())]
            for path in glued:
                problems.append(_new(
                    "placeholder-glued", f"placeholder '{{{path}}}' in {name} ({lang}) is glued "
                    "to a word; unanswered, it would read as part of it",
                    where((*base, name, lang)), rule.id, severity="warning"))
    titles = [((*base, "title"), rule.title)] + [
        ((*base, "mitigations", j, "title"), m.title) for j, m in enumerate(rule.mitigations)]
    for path, title in titles:
        if PLACEHOLDER.search(title.sv) or PLACEHOLDER.search(title.en):
            problems.append(_new(
                "title-placeholder", "titles are not filled in: a {placeholder} in a title is "
                "shown to readers as written", where(path), rule.id, severity="warning",
            ))
    return problems


def _mitigation_problems(rule: Rule, where: Any, base: PathKey,
                         possibility: Possibility | None,
                         facts: Mapping[str, FactSpec]) -> list[LintProblem]:
    problems: list[LintProblem] = []
    seen: set[str] = set()
    finding = plain(rule.finding_if)
    for j, mitigation in enumerate(rule.mitigations):
        path = (*base, "mitigations", j)
        if mitigation.id in seen:
            problems.append(_new("duplicate-mitigation",
                                 f"mitigation id '{mitigation.id}' is used twice in this rule",
                                 where((*path, "id")), rule.id))
        seen.add(mitigation.id)
        problems += _mitigation_effect(rule, mitigation, where, path)
        problems += _mitigation_condition(rule, mitigation, finding, where, path, possibility,
                                          facts)
    return problems


def _mitigation_effect(rule: Rule, mitigation: Mitigation, where: Any,
                       path: PathKey) -> list[LintProblem]:
    """A mitigation that lowers a level already at 1, or by more steps than are left."""
    level = rule.likelihood if mitigation.lowers == "likelihood" else rule.consequence
    if mitigation.lowers == "consequence" and rule.consequence_scaling is not None:
        return []  # the scaled consequence may be higher than the rule's own
    if level == 1:
        return [_new(
            "mitigation-no-effect", f"mitigation '{mitigation.id}' lowers the "
            f"{mitigation.lowers}, which is already at the lowest level (1): it has no effect",
            where((*path, "lowers")), rule.id, severity="warning",
        )]
    if mitigation.steps > level - 1:
        return [_new(
            "mitigation-no-effect", f"mitigation '{mitigation.id}' lowers the "
            f"{mitigation.lowers} by {mitigation.steps} steps, but from {level} only "
            f"{level - 1} can take effect", where((*path, "steps")), rule.id,
            severity="warning", suggestion=f"set 'steps: {level - 1}'",
        )]
    return []


def _mitigation_condition(rule: Rule, mitigation: Mitigation, finding: Any, where: Any,
                          path: PathKey, possibility: Possibility | None,
                          facts: Mapping[str, FactSpec]) -> list[LintProblem]:
    """A mitigation whose condition always or never holds when the rule fires."""
    when = plain(mitigation.when)
    if when == finding:
        return [_new(
            "mitigation-always", f"mitigation '{mitigation.id}' has the same condition as "
            "finding_if: it is in effect whenever the rule fires, so the rule's own level is "
            "never used", where((*path, "when")), rule.id, severity="warning",
        )]
    if when == {"not": finding} or finding == {"not": when}:
        return [_new(
            "mitigation-never", f"mitigation '{mitigation.id}' is the opposite of finding_if: "
            "it can never be in effect when the rule fires", where((*path, "when")), rule.id,
            severity="warning",
        )]
    if possibility is None:
        return []
    reason = possibility.impossible(mitigation.when, facts, (*path, "when"))
    if reason is None:
        return []
    return [_new(
        "never-true", f"mitigation '{mitigation.id}' can never be in effect: {reason[1]}",
        where(reason[0]), rule.id, severity="warning",
    )]


def _escalation_problems(rule: Rule, where: Any, base: PathKey,
                         possibility: Possibility | None,
                         facts: Mapping[str, FactSpec]) -> list[LintProblem]:
    """Escalations that can never raise a level: below the rule's own, never true, or never
    true when the rule fires; and escalations no example shows."""
    problems: list[LintProblem] = []
    for j, escalation in enumerate(rule.escalate):
        path = (*base, "escalate", j)
        problems += _escalation_effect(rule, j, escalation, where, path)
        if possibility is None:
            continue
        reason = possibility.impossible(escalation.if_, facts, (*path, "if"))
        if reason is not None:
            problems.append(_new("never-true", f"escalation {j} can never apply: {reason[1]}",
                                 where(reason[0]), rule.id))
            continue
        together = AllOf(all=[c for c in (rule.applies_if, rule.finding_if, escalation.if_)
                              if c is not None])
        if possibility.impossible(together, facts, (*path, "if")) is not None:
            problems.append(_new(
                "escalation-never", f"escalation {j} can never apply when the rule fires: its "
                "condition contradicts applies_if or finding_if", where((*path, "if")), rule.id,
                severity="warning",
            ))
    if rule.escalate and not any(e.escalated for e in rule.examples):
        problems.append(_new(
            "escalation-untested", "the rule escalates but no example shows it "
            "('escalated: true')", where((*base, "examples" if rule.examples else "escalate")),
            rule.id, severity="warning",
        ))
    return problems


def _escalation_effect(rule: Rule, index: int, escalation: Escalation, where: Any,
                       path: PathKey) -> list[LintProblem]:
    """An escalation to a level at or below the rule's own never raises anything."""
    idle = [(axis, level, own) for axis, level, own in (
        ("consequence", escalation.consequence, rule.consequence),
        ("likelihood", escalation.likelihood, rule.likelihood)) if level is not None and
        level <= own]
    given = sum(1 for level in (escalation.consequence, escalation.likelihood)
                if level is not None)
    return [_new(
        "escalation-no-effect", f"escalation {index} sets the {axis} to {level}, but the rule's "
        f"own {axis} is already {own}: an escalation never lowers, so this has no effect",
        where((*path, axis)), rule.id, severity="error" if len(idle) == given else "warning",
    ) for axis, level, own in idle]


def _never_true_problems(rule: Rule, possibility: Possibility, facts: Mapping[str, FactSpec],
                         where: Any, base: PathKey) -> list[LintProblem]:
    problems: list[LintProblem] = []
    for name, what in (("applies_if", "the rule never applies"),
                       ("finding_if", "the rule can never fire")):
        cond = getattr(rule, name)
        if cond is None:
            continue
        reason = possibility.impossible(cond, facts, (*base, name))
        if reason is not None:
            problems.append(_new("never-true", f"{name} can never be true, so {what}: "
                                 f"{reason[1]}", where(reason[0]), rule.id))
    return problems


def _absence_tests(cond: Condition, path: PathKey, positive: bool = True
                   ) -> Iterable[tuple[PathKey, Leaf]]:
    """Leaves that hold when a fact is unanswered (``missing``, or a negated ``exists``), where
    they push towards the condition being true."""
    if isinstance(cond, Leaf):
        if (cond.operator == "missing") == positive and cond.operator in ("missing", "exists"):
            yield (*path, cond.operator), cond
        return
    if isinstance(cond, AllOf | AnyOf):
        key = "all" if isinstance(cond, AllOf) else "any"
        for i, child in enumerate(getattr(cond, key)):
            yield from _absence_tests(child, (*path, key, i), positive)
    elif isinstance(cond, NoneOf):
        for i, child in enumerate(cond.none):
            yield from _absence_tests(child, (*path, "none", i), not positive)
    elif isinstance(cond, Not):
        yield from _absence_tests(cond.not_, (*path, "not"), not positive)
    elif isinstance(cond, AtLeast):
        for i, child in enumerate(cond.of):
            yield from _absence_tests(child, (*path, "of", i), positive)
    elif isinstance(cond, ForAny | ForAll):
        yield from _absence_tests(cond.where, (*path, "where"), positive)


def _unknown_as_false_problems(rule: Rule, where: Any, base: PathKey) -> list[LintProblem]:
    """A finding_if that an unanswered question alone can make true turns "nobody answered"
    into "no": the one thing three-valued logic exists to prevent. Derived facts are exempt
    (the engine, not a person, answers them)."""
    problems: list[LintProblem] = []
    for path, leaf in _absence_tests(rule.finding_if, (*base, "finding_if")):
        if leaf.fact.startswith("derived."):
            continue
        problems.append(_new(
            "unknown-as-false", f"finding_if fires when '{leaf.fact}' is unanswered: an "
            "unanswered question would become a finding", where(path), rule.id))
    return problems


def _example_problems(rule_index: int, compiled: CompiledRule, catalog: Catalog,
                      loaded: LoadedRuleset) -> list[LintProblem]:
    problems: list[LintProblem] = []
    for index, result in enumerate(run_rule_examples(compiled, catalog)):
        if result.problem is not None:
            problems.append(_from_problem(result.problem, "example-invalid"))
        elif not result.passed:
            problems.append(_new(
                "example-failed", f"example '{result.name}' expects {result.expected} but the "
                f"rule gives {result.actual}",
                loaded.document.where(("rules", rule_index, "examples", index, "expect")),
                compiled.id, suggestion=HINTS["example-failed"],
            ))
    return problems


def _missing_examples(rule: Rule, where: Any, base: PathKey) -> list[LintProblem]:
    problems: list[LintProblem] = []
    expectations = {e.expect for e in rule.examples}
    lacking = [kind for kind in ("finding", "pass") if kind not in expectations]
    if lacking:
        what = " and ".join(f"'expect: {kind}'" for kind in lacking)
        problems.append(_new(
            "missing-examples", f"the rule has no example with {what}; every rule needs one that "
            "fires and one that passes", where((*base, "examples" if rule.examples else "id")),
            rule.id, severity="warning",
        ))
    return problems


def lint_catalog(catalog: Catalog) -> list[LintProblem]:
    """Checks that need the compiled whole: texts, mitigations, satisfiability, examples."""
    problems = [_from_problem(p, _compiler_code(p)) for p in catalog.warnings]
    broken = {p.rule_id for p in catalog.warnings
              if p.rule_id and _compiler_code(p) != "duplicate-id"}
    by_source = {loaded.source: loaded for loaded in catalog.rulesets}
    used: set[str] = set()
    for compiled in catalog.rules:
        used.update(compiled.facts_used)
        used.update(f"{items}.{fact}" for items, fact in compiled.item_facts_used)
        loaded = by_source[compiled.source]
        index = next(i for i, r in enumerate(loaded.model.rules) if r is compiled.rule)
        base: PathKey = ("rules", index)
        where = loaded.document.where
        possibility = None if compiled.id in broken else Possibility(value_sets(loaded))
        rule = compiled.rule
        problems += _placeholder_problems(rule, catalog.facts, where, base)
        problems += _mitigation_problems(rule, where, base, possibility, catalog.facts)
        problems += _escalation_problems(rule, where, base, possibility, catalog.facts)
        problems += _missing_examples(rule, where, base)
        never = (_never_true_problems(rule, possibility, catalog.facts, where, base)
                 if possibility is not None else [])
        if not any("finding_if" in p.message for p in never):
            problems += _unknown_as_false_problems(rule, where, base)
        if possibility is not None:
            problems += never
            problems += _example_problems(index, compiled, catalog, loaded)
    problems += _routing_problems(catalog, by_source, broken)
    from secreview.questionnaire import SECTIONS

    checks = (duplicate_conditions(catalog), unrouted_extension_facts(catalog),
              unknown_sections(catalog, [section for section, _keys in SECTIONS]))
    problems += [_from_problem(p, p.code or "", "warning") for found in checks for p in found]
    for loaded in catalog.rulesets:
        for k, fact in enumerate(loaded.model.facts):
            path = f"extensions.{fact.name}" if fact.for_each is None else \
                f"{fact.for_each}.extensions.{fact.name}"
            if path not in used:
                problems.append(_new(
                    "unused-fact", f"extension fact '{fact.name}' is declared but no rule uses it",
                    loaded.document.where(("facts", k, "name")), severity="warning",
                ))
    return problems


def _routing_problems(catalog: Catalog, by_source: Mapping[str, LoadedRuleset],
                      broken: set[str]) -> list[LintProblem]:
    """Routing answers that leave a rule of their branch open (see toolkit/closure.py)."""
    problems: list[LintProblem] = []
    for found in open_rules(catalog):
        compiled = found.rule
        if compiled.id in broken:
            continue
        loaded = by_source[compiled.source]
        index = next(i for i, r in enumerate(loaded.model.rules) if r is compiled.rule)
        key = "applies_if" if compiled.rule.applies_if is not None else "finding_if"
        answer = found.entry.implication.source
        message = (f"'{answer}' should close this rule, but it stays {found.status}"
                   if found.fact is None else
                   f"the rule still depends on '{found.fact}' although '{answer}' makes it "
                   "irrelevant")
        problems.append(_new("routing-open", message,
                             loaded.document.where(("rules", index, key)), compiled.id,
                             severity="warning"))
    return problems


def _lint(files: Sequence[Path]) -> tuple[LintReport, Catalog | None]:
    unique = list(dict.fromkeys(Path(f) for f in files))
    problems: list[LintProblem] = []
    loaded: list[LoadedRuleset] = []
    broken: list[BrokenRule] = []
    for file in unique:
        parsed = parse_for_lint(file)
        problems += parsed.problems
        broken += parsed.broken
        if parsed.loaded is not None:
            loaded.append(parsed.loaded)
    catalog = build_catalog(loaded, strict=False) if loaded else None
    if catalog is not None:
        problems += lint_catalog(catalog)
    facts = catalog.facts if catalog is not None else core_facts()
    problems += [_from_problem(p, _compiler_code(p))
                 for rule in broken for p in broken_rule_problems(rule, facts)]
    return LintReport(problems=problems, files=len(unique),
                      rules=len(catalog.rules) if catalog else 0), catalog


def _sorted(report: LintReport) -> LintReport:
    report.problems = sorted(set(report.problems), key=LintProblem.sort_key)
    return report


def lint_files(files: Sequence[Path]) -> LintReport:
    """Lint ruleset files together (ids must be unique across all of them)."""
    return _sorted(_lint(files)[0])


def _tailoring_problems(profile: Profile, doc: Document,
                        catalog: Catalog | None) -> list[LintProblem]:
    """Tailoring entries that name no loaded rule, repeat a rule, or change nothing."""
    rules = {r.id: r.rule for r in catalog.rules} if catalog else {}
    problems: list[LintProblem] = []
    seen: set[str] = set()
    for section, index, entry in tailoring_entries(profile):
        where = doc.where(("tailoring", section, index, "rule"))
        rule = rules.get(entry.rule)
        if entry.rule in seen:
            problems.append(_new("tailoring", f"rule '{entry.rule}' is tailored twice", where,
                                 entry.rule, suggestion="keep one entry per rule"))
        seen.add(entry.rule)
        if rule is None:
            problems.append(_new(
                "tailoring", f"tailoring names rule '{entry.rule}', which no selected ruleset "
                "defines", where, entry.rule,
                suggestion=did_you_mean(entry.rule, rules) or "run 'secreview rules list'"))
            continue
        if isinstance(entry, RuleOverride):
            changes = [(axis, value, getattr(rule, axis))
                       for axis in ("consequence", "likelihood")
                       if (value := getattr(entry, axis)) is not None]
            if all(value == default for _axis, value, default in changes):
                problems.append(_new(
                    "tailoring", "this override changes nothing: " + (
                        "it sets neither consequence nor likelihood" if not changes else
                        "its levels equal the rule's own"), where, entry.rule,
                    severity="warning",
                    suggestion="set a different consequence or likelihood, or remove the entry"))
    return problems


def _ceiling_problems(profile: Profile, doc: Document,
                      catalog: Catalog | None) -> list[LintProblem]:
    """A classification ceiling on a fact the selected rulesets cannot cap."""
    from secreview.engine.ceiling import check_ceiling_fact

    ceiling = profile.decision.classification_ceiling
    if ceiling is None or catalog is None:
        return []
    problem = check_ceiling_fact(ceiling, catalog)
    if problem is None:
        return []
    return [_new("ceiling", f"classification_ceiling: {problem}",
                 doc.where(("decision", "classification_ceiling", "fact")),
                 suggestion=did_you_mean(ceiling.fact, catalog.facts))]


def lint_profile(profile_path: str | Path, paths: Sequence[str | Path] = ()) -> LintReport:
    """Lint what an organisation profile selects (bundled and own rulesets, plus ``paths``)
    together, and check its tailoring against the rules that selection holds."""
    from secreview.rules.selection import profile_ruleset_files

    file = Path(profile_path)
    require_existing([file, *paths])
    try:
        doc = load_document(file)
        if isinstance(doc.data, dict) and "extends" in doc.data:
            from secreview.profile_extends import extended_profile

            profile = extended_profile(file, doc)[0]
        else:
            profile = validate(Profile, doc)
    except InputError as exc:
        return LintReport([_from_problem(p, "schema") for p in exc.problems], files=1)
    problems: list[LintProblem] = []
    try:
        selected = profile_ruleset_files(profile, file)
    except InputError as exc:
        problems += [_from_problem(replace(p, suggestion=p.suggestion or "see the ruleset ids "
                                           "in 'secreview rules list --format json'"),
                                   "tailoring") for p in exc.problems]
        selected = ruleset_files(tailoring_ruleset_paths(profile, file), confine_to=file.parent)
    report, catalog = _lint([*selected, *(ruleset_files(paths) if paths else [])])
    report.problems += problems + _tailoring_problems(profile, doc, catalog)
    report.problems += _ceiling_problems(profile, doc, catalog)
    report.files += 1
    return _sorted(report)


def lint_paths(paths: Sequence[str | Path] = ()) -> LintReport:
    """Lint files or folders (the bundled rulesets when ``paths`` is empty).

    Raises :class:`InputError` only when linting cannot start: a path that does not exist or a
    folder without rulesets.
    """
    from secreview.bundled import bundled_ruleset_files

    require_existing(paths)
    files = ruleset_files(paths) if paths else bundled_ruleset_files()
    if not files:
        raise InputError.single("no rulesets to lint",
                                suggestion="give the ruleset files or folders to lint")
    return lint_files(files)
