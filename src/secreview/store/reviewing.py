"""The workspace's one door to the review engine.

Everything the register and the web pages need from the engine goes through :class:`Engine`:
parse and validate a description, review it (with the system's waivers from the register),
render a report, and the fact catalogue the questionnaire is built from. The profile and the
rulesets are loaded and compiled once per process; an :class:`Engine` is read-only afterwards and
safe to share between threads.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from secreview.errors import InputError
from secreview.facts import FactSpec
from secreview.i18n import Lang
from secreview.inputs import Inputs
from secreview.profile import Profile
from secreview.review import Review
from secreview.rules.loader import Catalog
from secreview.waivers import WaiverFile

if TYPE_CHECKING:
    from secreview.api import Reviewer
    from secreview.exchange import ImportResult


@dataclass(frozen=True)
class WaiverInput:
    """One accepted risk as the register stores it, in the engine's waiver-file shape."""

    rule: str
    justification: str
    accepted_by: tuple[str, str]
    accepted_on: dt.date
    expires: dt.date
    risk_owner: tuple[str, str] | None = None

    def as_dict(self) -> dict[str, Any]:
        entry: dict[str, Any] = {
            "rule": self.rule, "justification": self.justification,
            "accepted_by": {"name": self.accepted_by[0], "role": self.accepted_by[1]},
            "accepted_on": self.accepted_on, "expires": self.expires,
        }
        if self.risk_owner is not None:
            entry["risk_owner"] = {"name": self.risk_owner[0], "role": self.risk_owner[1]}
        return entry


@dataclass
class Engine:
    """The public :class:`secreview.Reviewer`, loaded once per process and shared by every
    request (it only reads its state after loading)."""

    reviewer: Reviewer
    others: dict[str, Reviewer] = field(default_factory=dict)

    @classmethod
    def load(cls, profile: str | Path | None = None) -> Engine:
        from secreview import Reviewer

        return cls(Reviewer(profile))

    @property
    def catalog(self) -> Catalog:
        return self.reviewer.catalog

    @property
    def profile(self) -> Profile:
        return self.reviewer.profile

    @property
    def facts(self) -> Mapping[str, FactSpec]:
        return self.reviewer.catalog.facts

    @property
    def language(self) -> Lang:
        return self.reviewer.language

    def parse(self, source: str | bytes | Path) -> Inputs:
        """A validated description from YAML or JSON text (``str`` or ``bytes``; a ``str`` is
        always text here, never a file name) or from a file (:class:`~pathlib.Path`)."""
        return self.reviewer.load(source.encode("utf-8") if isinstance(source, str) else source)

    def validate_data(self, data: Mapping[str, Any],
                      changed: Mapping[str, Any] | None = None) -> Inputs:
        """Validate answers held as data (the questionnaire's draft) with the CLI's checks.

        Without ``changed`` the whole mapping goes through every input check of
        ``Reviewer.load`` (limits, control and bidi characters, NaN, then the model). With it,
        only the changed answers go through those checks (the rest of a draft passed them when
        it was stored), and the whole is validated as a model: a mapping given to
        ``Reviewer.load`` is written out and parsed again to locate problems by line, which
        doubled the cost of every autosave. ``changed={}`` re-reads a stored draft."""
        if changed is None:
            return self.reviewer.load(dict(data))
        from secreview.loading import Document
        from secreview.store.answers import set_answer
        from secreview.system import SystemDescription
        from secreview.validation import validate

        new: dict[str, Any] = {}
        for path, value in changed.items():
            new = set_answer(new, path, value)
        if new:
            self.reviewer.load(new)
        model = validate(SystemDescription, Document(data=dict(data), source="questionnaire"))
        return self.reviewer.load(model)

    def review(self, inputs: Inputs, waivers: Sequence[WaiverInput] = (),
               review_date: dt.date | None = None, lang: Lang | None = None) -> Review:
        """Review with the system's waivers from the register (in place of a waiver file),
        written in ``lang`` (default the profile's)."""
        waiver_file, waiver_sha = _waiver_file(waivers)
        with_waivers = replace(inputs, waivers=waiver_file, waivers_sha256=waiver_sha)
        return self._in(lang).review(with_waivers, review_date)

    def _in(self, lang: Lang | None) -> Reviewer:
        """The Reviewer writing in ``lang``: a second one (loaded once) for the other language."""
        if lang is None or lang == self.reviewer.language:
            return self.reviewer
        other = self.others.get(lang)
        if other is None:
            from secreview import Reviewer

            other = Reviewer(self.reviewer.profile_path, self.reviewer.rules, lang=lang)
            self.others[lang] = other
        return other

    def review_text(self, source: str | bytes | Path, waivers: Sequence[WaiverInput] = (),
                    review_date: dt.date | None = None, lang: Lang | None = None) -> Review:
        return self.review(self.parse(source), waivers, review_date, lang)

    def render(self, review: Review, fmt: str, lang: Lang) -> str | bytes:
        return self.reviewer.render(review, fmt, lang)

    def workbook(self, text: str, waivers: Sequence[WaiverInput], addressee: str, lang: Lang,
                 include_answered: bool, exported_on: dt.date) -> bytes:
        """The vendor-exchange workbook (``.xlsx``) for ``addressee`` from a stored version's
        text, its questions ranked by a review with the system's waivers."""
        from secreview.exchange import workbook_for

        inputs = self.parse(text)
        return workbook_for(self.review(inputs, waivers), inputs, addressee, lang,
                            include_answered, exported_on)

    def import_answers(self, answers: bytes, text: str, *, answers_name: str, source: str,
                       force: bool, today: dt.date) -> ImportResult:
        """A returned workbook (or CSV) read into a stored version's text, with this engine's
        profile and rules (the questionnaire version is checked against them). Never writes."""
        from secreview.exchange import import_answers

        return import_answers(answers, text, answers_name=answers_name, source=source,
                              today=today, force=force, reviewer=self.reviewer)


def _waiver_file(waivers: Sequence[WaiverInput]) -> tuple[WaiverFile | None, str | None]:
    if not waivers:
        return None, None
    entries = [w.as_dict() for w in sorted(waivers, key=lambda w: w.rule)]
    try:
        model = WaiverFile.model_validate({"waivers": entries})
    except ValueError as exc:
        raise InputError.single(f"a waiver in the register is not valid: {exc}") from None
    sha = hashlib.sha256(json.dumps(entries, sort_keys=True, default=str).encode()).hexdigest()
    return model, sha


def review_from_json(text: str) -> Review:
    """A stored review, read back (the register keeps the engine's JSON contract)."""
    return Review.model_validate_json(text)
