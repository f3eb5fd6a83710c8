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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from secreview.engine.assemble import build_review
from secreview.errors import InputError
from secreview.facts import FactSpec
from secreview.i18n import Lang
from secreview.inputs import Inputs
from secreview.loading import Document, load_bytes
from secreview.profile import Profile, load_profile
from secreview.review import Review
from secreview.rules.loader import Catalog
from secreview.rules.selection import tailored_catalog
from secreview.system import SystemDescription
from secreview.validation import validate
from secreview.waivers import WaiverFile


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
    """The loaded profile and compiled rulesets, reused for every review in this process."""

    profile: Profile
    profile_sha256: str
    catalog: Catalog
    tailoring: list[Any] = field(default_factory=list)

    @classmethod
    def load(cls, profile: str | Path | None = None) -> Engine:
        loaded, sha, path = load_profile(profile)
        catalog, tailoring = tailored_catalog(loaded, path)
        return cls(loaded, sha, catalog, tailoring)

    @property
    def facts(self) -> Mapping[str, FactSpec]:
        return self.catalog.facts

    @property
    def language(self) -> Lang:
        return self.profile.language

    def parse(self, text: str | bytes, source: str) -> tuple[SystemDescription, Document]:
        """A validated description from YAML or JSON text (``source`` names it in problems;
        a name ending in ``.json`` is read as JSON)."""
        raw = text.encode("utf-8") if isinstance(text, str) else text
        doc = load_bytes(raw, source)
        return self._validated(doc), doc

    def validate_data(self, data: Mapping[str, Any], source: str) -> SystemDescription:
        """Validate answers held as data (the questionnaire's draft) with the CLI's checks."""
        return self._validated(Document(data=dict(data), source=source))

    def _validated(self, doc: Document) -> SystemDescription:
        from secreview.engine.evaluate import check_extensions

        system = validate(SystemDescription, doc)
        check_extensions(system, doc, self.catalog)
        return system

    def review(self, system: SystemDescription, doc: Document,
               waivers: Sequence[WaiverInput] = (), review_date: dt.date | None = None,
               lang: Lang | None = None) -> Review:
        waiver_file, waiver_sha = _waiver_file(waivers)
        if not doc.sha256:
            doc.sha256 = hashlib.sha256(
                json.dumps(doc.data, sort_keys=True, default=str).encode("utf-8")).hexdigest()
        inputs = Inputs(system, doc, self.catalog, self.profile, self.profile_sha256,
                        waiver_file, waiver_sha, list(self.tailoring))
        return build_review(inputs, review_date, lang)

    def review_text(self, text: str | bytes, source: str, waivers: Sequence[WaiverInput] = (),
                    review_date: dt.date | None = None, lang: Lang | None = None) -> Review:
        system, doc = self.parse(text, source)
        return self.review(system, doc, waivers, review_date, lang)

    def render(self, review: Review, fmt: str, lang: Lang) -> str | bytes:
        from secreview.report import render

        return render(review, fmt, lang)


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
