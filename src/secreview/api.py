"""The public library API: a :class:`Reviewer` loads the profile, rules and waivers once and
reviews any number of system descriptions, and renders reviews in every format.

The CLI, the portfolio, the benchmarks and any other program call only this (see docs/api.md).
The review date is decided here and nowhere below: an explicit date, else the description's
``review.date``, else today.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from secreview.engine.ceiling import check_ceiling
from secreview.engine.memo import RuleMemo
from secreview.i18n import Lang
from secreview.inputs import Inputs, Source, context_files, load_system
from secreview.profile import Profile, load_profile
from secreview.rules.loader import Catalog
from secreview.rules.selection import tailored_catalog
from secreview.waivers import WaiverFile, load_waivers

if TYPE_CHECKING:
    from secreview.review import Review

FORMATS = ("text", "json", "md", "html", "csv", "pdf")
"""What :meth:`Reviewer.render` writes: ``pdf`` as bytes, the others as text."""


class Reviewer:
    """Reviews system descriptions against one profile, one set of rules and one waiver file.

    Loading and compiling happen once, in the constructor; :meth:`review` only reads that state,
    so one Reviewer can serve many threads. Bad input raises :class:`secreview.InputError`.

    ``profile``: a bundled profile id (``se-municipality``, ``generic``, ``iso27005-5x5``) or a
    profile file; default the Swedish municipality. ``rules``: ruleset files or folders that
    replace the profile's selection of bundled rulesets. ``waivers``: a waiver file applied to
    every review (or give one per review). ``lang``: ``"sv"`` or ``"en"``; default the
    profile's.
    """

    def __init__(self, profile: str | Path | None = None, rules: Sequence[str | Path] = (),
                 waivers: str | Path | None = None, lang: Lang | None = None) -> None:
        loaded, self.profile_sha256, self.profile_path = load_profile(profile)
        self.profile: Profile = loaded
        self.rules: tuple[Path, ...] = tuple(Path(r) for r in rules)
        catalog, self.tailoring = tailored_catalog(loaded, self.profile_path, self.rules)
        check_ceiling(loaded, self.profile_path, catalog)
        self.catalog: Catalog = catalog
        self.waivers_path = Path(waivers) if waivers is not None else None
        self.waivers: WaiverFile | None = None
        self.waivers_sha256: str | None = None
        if self.waivers_path is not None:
            self.waivers, self.waivers_sha256 = load_waivers(self.waivers_path)
        self.lang = lang
        self.memo = RuleMemo(catalog, loaded)

    @property
    def language(self) -> Lang:
        """The language reviews are written in: the one asked for, else the profile's."""
        return self.lang or self.profile.language

    def load(self, source: Source, *, waivers: str | Path | None = None) -> Inputs:
        """Read and validate one description (and its own waiver file, if given) without
        reviewing it: for callers that need the description itself, like the register."""
        system, doc = load_system(source, self.catalog)
        waiver_file, waivers_sha = self.waivers, self.waivers_sha256
        waivers_path = self.waivers_path
        if waivers is not None:
            waivers_path = Path(waivers)
            waiver_file, waivers_sha = load_waivers(waivers_path)
        return Inputs(system, doc, self.catalog, self.profile, self.profile_sha256,
                      waiver_file, waivers_sha, list(self.tailoring),
                      profile_path=self.profile_path, waivers_path=waivers_path,
                      memo=self.memo)

    def review(self, source: Source | Inputs, review_date: dt.date | None = None, *,
               waivers: str | Path | None = None) -> Review:
        """Review one description: a path, YAML or JSON text or bytes, a mapping, or what
        :meth:`load` returned. ``review_date`` defaults to the description's ``review.date``,
        else today; waivers expire and the next review is counted from it."""
        from secreview.engine.assemble import build_review

        inputs = source if isinstance(source, Inputs) else self.load(source, waivers=waivers)
        date = review_date or inputs.system.review.date or dt.date.today()
        return build_review(inputs, date, self.language)

    def render(self, review: Review, fmt: str = "text", lang: Lang | None = None) -> str | bytes:
        """``review`` as ``text``, ``json``, ``md``, ``html``, ``csv`` (str) or ``pdf`` (bytes),
        in ``lang`` (default the review's), with the profile's logo where the format shows one."""
        from secreview.report import LOGO_FORMATS, render

        logo = None
        if fmt in LOGO_FORMATS:  # the logo's SVG sanitiser is not imported for other formats
            from secreview.report.logo import profile_logo

            logo = profile_logo(self.profile, self.profile_path)
        return render(review, fmt, lang or review.language, logo=logo)

    def questionnaire(self, schema_ref: str | None = None) -> str:
        """The blank description to fill in: every fact the loaded rules can test, as commented
        YAML in this Reviewer's language, routing questions first (``secreview init``)."""
        from secreview.questionnaire import SCHEMA_REF, build_template

        return build_template(self.catalog, self.profile, self.language, schema_ref or SCHEMA_REF)

    def questions(self, review: Review, fmt: str = "text", lang: Lang | None = None,
                  addressee: str | None = None) -> str:
        """The questions still open, worst first, as ``text``, ``md`` or ``csv``: everyone's
        (each naming who answers it), or only ``addressee``'s (``vendor``, ``dpo``, ...)."""
        from secreview.open_questions import render_questions

        return render_questions(review, fmt, lang or review.language, self.catalog, addressee)

    def answered(self, inputs: Inputs) -> tuple[int, int]:
        """How many of the facts the loaded rules can test the description answers, of all."""
        from secreview.facts import flatten

        facts = flatten(inputs.system)
        testable = [p for p in self.catalog.facts if not p.startswith("derived.")]
        return sum(1 for p in testable if facts.get(p) is not None), len(testable)

    def input_files(self) -> list[Path]:
        """The files every review of this Reviewer reads (rulesets, profile, its logo, waivers):
        an output must never be written over one of them."""
        return context_files(self.catalog, self.profile, self.profile_path, self.waivers_path)


def review_file(system: Source, rules: Sequence[str | Path] = (),
                profile: str | Path | None = None, waivers: str | Path | None = None,
                review_date: dt.date | None = None, lang: Lang | None = None) -> Review:
    """One review in one call (a :class:`Reviewer` used once): for scripts and tests."""
    return Reviewer(profile, rules, waivers, lang).review(system, review_date)
