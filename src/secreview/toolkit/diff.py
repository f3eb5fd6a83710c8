"""What changed between two versions of a set of rulesets, and whether the versions say so.

Rules are matched by id across all files, so a rule that moved to another file is "changed"
(its ruleset), not removed and added. Each changed rule lists what changed in terms a security
officer reviews: conditions, levels, texts, references, mitigations, examples, other fields.

Versions follow semantic versioning, read for rulesets as: removing a rule or changing what a
rule finds or how severe it is can change review outcomes (MAJOR for removals, MINOR for changed
or new rules); changing only texts, references or examples cannot (PATCH). The diff flags a
ruleset whose content changed while its version did not, or did not move far enough.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from secreview.i18n import Lang, label, plurals
from secreview.rules.loader import LoadedRuleset, load_catalog, require_existing
from secreview.rules.model import Rule, plain

Bump = Literal["none", "patch", "minor", "major"]
Movement = Literal["downgrade", "none", "patch", "minor", "major"]
BUMP_ORDER: dict[str, int] = {"downgrade": -1, "none": 0, "patch": 1, "minor": 2, "major": 3}

#: Which rule fields belong to which kind of change, and the version bump each calls for.
FIELD_GROUPS: dict[str, tuple[tuple[str, ...], Bump]] = {
    "conditions": (("applies_if", "finding_if", "on_unknown"), "minor"),
    "levels": (("consequence", "likelihood", "consequence_scaling"), "minor"),
    "mitigations": (("mitigations",), "minor"),
    "scope": (("aspect", "dpia_criterion"), "minor"),
    "texts": (("title", "message", "remediation"), "patch"),
    "references": (("references",), "patch"),
    "examples": (("examples",), "patch"),
    "other": (("remedy", "owner_role", "due", "tags"), "patch"),
}


@dataclass(frozen=True)
class FieldChange:
    group: str
    field: str
    old: Any
    new: Any


@dataclass(frozen=True)
class RuleChange:
    rule_id: str
    ruleset_old: str
    ruleset_new: str
    changes: tuple[FieldChange, ...]

    @property
    def groups(self) -> list[str]:
        return sorted({c.group for c in self.changes}, key=list(FIELD_GROUPS).index)


@dataclass(frozen=True)
class RulesetChange:
    """A ruleset present on both sides: its versions, and the bump its changes call for."""

    id: str
    old_version: str
    new_version: str
    content_changed: bool
    needed: Bump
    actual: Movement

    @property
    def version_problem(self) -> str | None:
        """What is wrong with the new version, in English (for JSON and tools)."""
        return self.version_problem_text("en")

    def version_problem_text(self, lang: Lang) -> str | None:
        if self.actual == "downgrade":
            key = "rules.diff.downgrade"
        elif self.content_changed and self.actual == "none":
            key = "rules.diff.unbumped"
        elif BUMP_ORDER[self.actual] < BUMP_ORDER[self.needed]:
            key = "rules.diff.too_small"
        else:
            return None
        return label(key, lang, old=self.old_version, new=self.new_version, actual=self.actual,
                     needed=self.needed)


@dataclass
class RulesDiff:
    added: list[tuple[str, str]] = field(default_factory=list)  # (rule id, ruleset id)
    removed: list[tuple[str, str]] = field(default_factory=list)
    changed: list[RuleChange] = field(default_factory=list)
    rulesets_added: list[tuple[str, str]] = field(default_factory=list)  # (id, version)
    rulesets_removed: list[tuple[str, str]] = field(default_factory=list)
    rulesets: list[RulesetChange] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed or self.rulesets_added
                    or self.rulesets_removed or any(r.content_changed for r in self.rulesets))

    @property
    def version_problems(self) -> list[tuple[str, str]]:
        return [(r.id, problem) for r in self.rulesets
                if (problem := r.version_problem) is not None]

    def as_dict(self) -> dict[str, Any]:
        return {
            "added": [{"id": i, "ruleset": r} for i, r in self.added],
            "removed": [{"id": i, "ruleset": r} for i, r in self.removed],
            "changed": [
                {"id": c.rule_id, "ruleset": c.ruleset_new, "groups": c.groups,
                 "changes": [{"group": f.group, "field": f.field, "old": f.old, "new": f.new}
                             for f in c.changes]}
                for c in self.changed
            ],
            "rulesets": {
                "added": [{"id": i, "version": v} for i, v in self.rulesets_added],
                "removed": [{"id": i, "version": v} for i, v in self.rulesets_removed],
                "changed": [
                    {"id": r.id, "old_version": r.old_version, "new_version": r.new_version,
                     "content_changed": r.content_changed, "needed_bump": r.needed,
                     "actual_bump": r.actual, "version_problem": r.version_problem}
                    for r in self.rulesets if r.content_changed or r.actual != "none"
                ],
            },
        }

    def format_json(self) -> str:
        from secreview.documents import dump

        return dump("rules-diff", self.as_dict())

    def format_text(self, lang: Lang = "en") -> str:
        if self.empty:
            return label("rules.diff.none", lang) + "\n"
        lines: list[str] = []
        for rid, version in self.rulesets_added:
            lines.append(f"+ ruleset {rid} {version}")
        for rid, version in self.rulesets_removed:
            lines.append(f"- ruleset {rid} {version}")
        for r in self.rulesets:
            if r.content_changed or r.actual != "none":
                lines.append(f"~ ruleset {r.id} {r.old_version} → {r.new_version}")
                problem = r.version_problem_text(lang)
                if problem:
                    lines.append(f"    ! {problem}")
        for rule_id, ruleset in self.added:
            lines.append(f"+ {rule_id} ({ruleset})")
        for rule_id, ruleset in self.removed:
            lines.append(f"- {rule_id} ({ruleset})")
        for change in self.changed:
            lines.append(f"~ {change.rule_id} ({change.ruleset_new}): {', '.join(change.groups)}")
            for item in change.changes:
                lines.append(f"    {item.field}: {_short(item.old)} → {_short(item.new)}")
        lines.append(label("rules.diff.summary", lang, **plurals(
            "rules.diff.count", lang, added=len(self.added), removed=len(self.removed),
            changed=len(self.changed))))
        return "\n".join(lines) + "\n"


def _short(value: Any) -> str:
    text = "—" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text if len(text) <= 100 else text[:97] + "..."


def _rule_fields(rule: Rule) -> dict[str, Any]:
    data = rule.model_dump(mode="json", by_alias=True, exclude_none=True)
    return {name: data.get(name) for group in FIELD_GROUPS.values() for name in group[0]}


def compare_rules(old: Rule, new: Rule) -> list[FieldChange]:
    """Field-by-field changes between two versions of one rule, grouped by kind."""
    before, after = _rule_fields(old), _rule_fields(new)
    changes = []
    for group, (names, _bump) in FIELD_GROUPS.items():
        for name in names:
            if before[name] != after[name]:
                changes.append(FieldChange(group, name, before[name], after[name]))
    return changes


def version_bump(old: str, new: str) -> Movement:
    """Which part of a semantic version moved."""
    a = tuple(int(x) for x in old.split("."))
    b = tuple(int(x) for x in new.split("."))
    if b < a:
        return "downgrade"
    if b == a:
        return "none"
    if b[0] != a[0]:
        return "major"
    return "minor" if b[1] != a[1] else "patch"


def _load(paths: Sequence[str | Path]) -> list[LoadedRuleset]:
    """The rulesets at ``paths``, compiled like a review would: a side that could not be used
    in a review (unknown facts, type mismatches, duplicate ids) is an input error, not a diff."""
    require_existing(paths)
    return load_catalog(paths).rulesets


def _needed(ruleset_id: str, result: RulesDiff, old: LoadedRuleset,
            new: LoadedRuleset) -> Bump:
    if any(r == ruleset_id for _i, r in result.removed):
        return "major"
    needed: Bump = "none"
    for _rule_id, r in result.added:
        if r == ruleset_id:
            needed = "minor"
    for change in result.changed:
        if change.ruleset_old != change.ruleset_new:
            if change.ruleset_old == ruleset_id:
                return "major"  # the rule left this ruleset: like a removal
            if change.ruleset_new == ruleset_id:
                needed = "minor" if needed in ("none", "patch") else needed
        if ruleset_id in (change.ruleset_new, change.ruleset_old):
            for group in change.groups:
                bump = FIELD_GROUPS[group][1]
                if BUMP_ORDER[bump] > BUMP_ORDER[needed]:
                    needed = bump
    if needed == "none" and plain(old.model) != plain(new.model):
        needed = "patch"  # header, sets, facts or descriptions changed
    return needed


def diff_rulesets(old: Sequence[LoadedRuleset], new: Sequence[LoadedRuleset]) -> RulesDiff:
    """Compare two loaded sets of rulesets."""
    result = RulesDiff()
    old_rules = {r.id: (r, s.id) for s in old for r in s.model.rules}
    new_rules = {r.id: (r, s.id) for s in new for r in s.model.rules}
    result.added = sorted((i, new_rules[i][1]) for i in set(new_rules) - set(old_rules))
    result.removed = sorted((i, old_rules[i][1]) for i in set(old_rules) - set(new_rules))
    for rule_id in sorted(set(old_rules) & set(new_rules)):
        (before, set_before), (after, set_after) = old_rules[rule_id], new_rules[rule_id]
        changes = compare_rules(before, after)
        if set_before != set_after:
            changes.append(FieldChange("scope", "ruleset", set_before, set_after))
        if changes:
            result.changed.append(RuleChange(rule_id, set_before, set_after, tuple(changes)))
    old_sets = {s.id: s for s in old}
    new_sets = {s.id: s for s in new}
    result.rulesets_added = sorted((i, new_sets[i].model.ruleset.version)
                                   for i in set(new_sets) - set(old_sets))
    result.rulesets_removed = sorted((i, old_sets[i].model.ruleset.version)
                                     for i in set(old_sets) - set(new_sets))
    for ruleset_id in sorted(set(old_sets) & set(new_sets)):
        before_set, after_set = old_sets[ruleset_id], new_sets[ruleset_id]
        old_version = before_set.model.ruleset.version
        new_version = after_set.model.ruleset.version
        needed = _needed(ruleset_id, result, before_set, after_set)
        content_changed = plain(before_set.model) != plain(after_set.model)
        result.rulesets.append(RulesetChange(
            ruleset_id, old_version, new_version, content_changed, needed,
            version_bump(old_version, new_version),
        ))
    return result


def diff_paths(old: Sequence[str | Path], new: Sequence[str | Path]) -> RulesDiff:
    """Compare ruleset files or folders: ``rules diff OLD NEW``."""
    return diff_rulesets(_load(old), _load(new))
