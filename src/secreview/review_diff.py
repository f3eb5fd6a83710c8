"""What changed between two reviews of the same system: the re-review's view.

Findings are matched by rule id. A finding is *open* when it counts as a risk (status finding or
unknown, not a screening rule). Between the old and the new review a rule can be *added* (open now,
not open before), *resolved* (open before, not open now) or *changed* (open in both, with another
status or residual level). The decision, the ruleset versions and the open questions are compared
too. ``diff(a, b).added`` is ``diff(b, a).resolved``, and a review compared with itself is empty.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from secreview.errors import InputError, Problem
from secreview.i18n import FactWords, Text
from secreview.loading import read_regular_file
from secreview.review import SCHEMA_VERSION, Finding, Review

MAX_BYTES = 50 * 1024 * 1024


@dataclass(frozen=True)
class FindingChange:
    rule_id: str
    risk_before: str | None
    risk_after: str | None
    title_sv: str
    title_en: str
    status_before: str | None
    status_after: str | None
    level_before: str | None
    level_after: str | None


@dataclass(frozen=True)
class RulesetVersions:
    id: str
    version_before: str | None
    version_after: str | None


@dataclass
class ReviewDiff:
    """Differences from ``before`` to ``after``, each list sorted for stable output."""

    system_before: str | None
    system_after: str | None
    date_before: str
    date_after: str
    decision_before: str
    decision_after: str
    added: list[FindingChange] = field(default_factory=list)
    resolved: list[FindingChange] = field(default_factory=list)
    changed: list[FindingChange] = field(default_factory=list)
    rulesets: list[RulesetVersions] = field(default_factory=list)
    answered: list[str] = field(default_factory=list)
    new_questions: list[str] = field(default_factory=list)
    level_labels: dict[str, Text] = field(default_factory=dict)
    words: dict[str, FactWords] = field(default_factory=dict)
    """How the extension facts either review mentions read (the newer review's words first),
    so answered and new questions are named in words."""

    @property
    def empty(self) -> bool:
        return (self.decision_before == self.decision_after and not self.added
                and not self.resolved and not self.changed and not self.rulesets
                and not self.answered and not self.new_questions)

    def as_dict(self) -> dict[str, object]:
        def rows(items: list[FindingChange]) -> list[dict[str, object]]:
            return [dict(c.__dict__) for c in items]
        return {
            "system": {"before": self.system_before, "after": self.system_after},
            "review_date": {"before": self.date_before, "after": self.date_after},
            "decision": {"before": self.decision_before, "after": self.decision_after},
            "added": rows(self.added), "resolved": rows(self.resolved),
            "changed": rows(self.changed),
            "rulesets": [dict(r.__dict__) for r in self.rulesets],
            "questions_answered": self.answered, "questions_new": self.new_questions,
        }


def _open(review: Review) -> dict[str, Finding]:
    return {f.rule_id: f for f in review.findings if f.counts_as_risk}


def _level(finding: Finding | None) -> str | None:
    return finding.open_level if finding is not None else None


def _change(rule_id: str, before: Finding | None, after: Finding | None) -> FindingChange:
    title = (after or before).title  # type: ignore[union-attr]
    return FindingChange(
        rule_id=rule_id, risk_before=before.risk_id if before else None,
        risk_after=after.risk_id if after else None, title_sv=title.sv, title_en=title.en,
        status_before=before.status if before else None,
        status_after=after.status if after else None,
        level_before=_level(before), level_after=_level(after),
    )


def diff_reviews(before: Review, after: Review) -> ReviewDiff:
    """Compare two reviews (normally of the same system at two dates)."""
    old, new = _open(before), _open(after)
    all_old = {f.rule_id: f for f in before.findings}
    all_new = {f.rule_id: f for f in after.findings}
    added = [_change(r, all_old.get(r), new[r]) for r in sorted(set(new) - set(old))]
    resolved = [_change(r, old[r], all_new.get(r)) for r in sorted(set(old) - set(new))]
    changed = [
        _change(r, old[r], new[r]) for r in sorted(set(old) & set(new))
        if (old[r].status, _level(old[r])) != (new[r].status, _level(new[r]))
    ]
    versions_old = {r.id: r.version for r in before.rulesets}
    versions_new = {r.id: r.version for r in after.rulesets}
    rulesets = [
        RulesetVersions(i, versions_old.get(i), versions_new.get(i))
        for i in sorted(set(versions_old) | set(versions_new))
        if versions_old.get(i) != versions_new.get(i)
    ]
    asked_old = {q.fact for q in before.questions}
    asked_new = {q.fact for q in after.questions}
    return ReviewDiff(
        system_before=before.system.name, system_after=after.system.name,
        date_before=before.review_date.isoformat(), date_after=after.review_date.isoformat(),
        decision_before=before.decision.outcome, decision_after=after.decision.outcome,
        added=added, resolved=resolved, changed=changed, rulesets=rulesets,
        answered=sorted(asked_old - asked_new), new_questions=sorted(asked_new - asked_old),
        level_labels={lv.id: lv.label for lv in [*before.matrix.levels, *after.matrix.levels]},
        words={**before.extension_facts, **after.extension_facts},
    )


def load_review(path: str | Path) -> Review:
    """Read a review JSON file, with a clear error for a wrong file or another schema version."""
    file = Path(path)
    data = read_regular_file(file, MAX_BYTES, "review file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError.single("review file is not UTF-8 text", file=str(file)) from None
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError.single(f"not valid JSON: {exc.msg}", file=str(file), line=exc.lineno,
                                column=exc.colno,
                                suggestion="write reviews with: secreview review SYSTEM -o "
                                "review.json") from None
    except RecursionError:  # json's parser recurses once per level of nesting
        raise InputError.single("review file is nested too deeply to be a review",
                                file=str(file), suggestion="write reviews with: secreview "
                                "review SYSTEM -o review.json") from None
    if not isinstance(raw, dict) or "schema_version" not in raw:
        raise InputError.single("not a secreview review (no schema_version)", file=str(file),
                                suggestion="write reviews with: secreview review SYSTEM -o "
                                "review.json")
    found = str(raw["schema_version"])
    if found.split(".")[0] != SCHEMA_VERSION.split(".")[0]:
        raise InputError.single(
            "review was written with another schema version", file=str(file),
            expected=SCHEMA_VERSION, found=found,
            suggestion="re-run the old review with the current secreview (same inputs, "
            "same result) and compare again",
        )
    try:
        return Review.model_validate_json(text)
    except ValidationError as exc:
        problems = [Problem(f"{'.'.join(map(str, e['loc'])) or '(root)'}: {e['msg']}",
                            file=str(file)) for e in exc.errors()[:20]]
        raise InputError(problems) from None
