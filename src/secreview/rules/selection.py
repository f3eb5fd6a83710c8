"""Rule selection: which rulesets a profile loads, and its tailoring (disable, override) applied.

Lives beside the loader so the engine, the toolkit and the CLI all select rules the same way,
without importing anything above ``rules/``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from secreview.bundled import bundled_ruleset_files
from secreview.errors import InputError, did_you_mean
from secreview.profile import (
    Profile,
    tailoring_entries,
    tailoring_ruleset_paths,
    where_in_profile,
)
from secreview.review import Tailored
from secreview.rules.loader import Catalog, build_catalog, parse_ruleset, ruleset_files


def profile_ruleset_files(profile: Profile, profile_path: Path) -> list[Path]:
    """The ruleset files a profile selects: bundled ones (all, none or by id), then its own."""
    tailoring = profile.tailoring
    bundled = bundled_ruleset_files()
    if tailoring.include_bundled is True:
        files = list(bundled)
    elif tailoring.include_bundled is False:
        files = []
    else:
        wanted = set(tailoring.include_bundled)
        parsed_ids = {parse_ruleset(f).id: f for f in bundled}
        unknown = wanted - set(parsed_ids)
        if unknown:
            name = sorted(unknown)[0]
            raise InputError.single(
                f"profile includes unknown bundled ruleset '{name}'",
                **where_in_profile(profile_path, ("tailoring", "include_bundled",
                                                  tailoring.include_bundled.index(name))),
                suggestion=did_you_mean(name, parsed_ids),
            )
        files = [f for i, f in parsed_ids.items() if i in wanted]
    return files + ruleset_files(tailoring_ruleset_paths(profile, profile_path),
                                 confine_to=profile_path.parent)


def tailored_catalog(profile: Profile, profile_path: Path,
                     rules: Sequence[str | Path] = ()) -> tuple[Catalog, list[Tailored]]:
    """Load the rulesets a profile selects (or ``rules`` when given) and apply its tailoring."""
    tailoring = profile.tailoring
    files = ruleset_files(rules) if rules else profile_ruleset_files(profile, profile_path)
    catalog = build_catalog([parse_ruleset(f) for f in files])
    applied: list[Tailored] = []
    known = {r.id for r in catalog.rules}
    skipped: set[str] = set()
    for section, index, entry in tailoring_entries(profile):
        if entry.rule in known:
            continue
        where = where_in_profile(profile_path, ("tailoring", section, index, "rule"))
        if rules:  # explicit rulesets replace the profile's selection: say what cannot apply
            skipped.add(entry.rule)
            applied.append(Tailored(rule_id=entry.rule, change="not_applied",
                                    reason="the rule is not loaded"))
            continue
        raise InputError.single(f"profile tailors unknown rule '{entry.rule}'", **where,
                                suggestion=did_you_mean(entry.rule, known))
    disabled = {d.rule: d.reason for d in tailoring.disable if d.rule not in skipped}
    if disabled:
        catalog.rules = [r for r in catalog.rules if r.id not in disabled]
        applied += [Tailored(rule_id=k, change="disabled", reason=v)
                    for k, v in sorted(disabled.items())]
    applied += [Tailored(rule_id=o.rule, change="override", reason=o.reason,
                         consequence=o.consequence, likelihood=o.likelihood)
                for o in sorted(tailoring.override, key=lambda o: o.rule) if o.rule not in skipped]
    return catalog, applied
