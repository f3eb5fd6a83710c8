"""The load stage: every input of a review read and validated once, profile first.

Only this stage (and rendering) touches files; everything after it is a pure function of an
:class:`Inputs`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from secreview.engine.ceiling import check_ceiling_fact
from secreview.engine.evaluate import check_extensions
from secreview.errors import InputError, did_you_mean
from secreview.loading import Document, load_document
from secreview.profile import Profile, load_profile, where_in_profile
from secreview.review import Tailored
from secreview.rules.loader import Catalog
from secreview.rules.selection import tailored_catalog
from secreview.system import SystemDescription
from secreview.validation import validate
from secreview.waivers import WaiverFile, load_waivers


@dataclass
class Inputs:
    """Everything a review is computed from, loaded and validated."""

    system: SystemDescription
    system_doc: Document
    catalog: Catalog
    profile: Profile
    profile_sha256: str
    waivers: WaiverFile | None = None
    waivers_sha256: str | None = None
    tailoring: list[Tailored] = field(default_factory=list)
    profile_path: Path | None = None
    waivers_path: Path | None = None

    def source_files(self) -> list[Path]:
        """Every file the review was computed from: outputs must never be written over these."""
        files = [Path(self.system_doc.source), *(Path(r.source) for r in self.catalog.rulesets)]
        if self.profile_path is not None:
            files.append(self.profile_path)
            if self.profile.organisation.logo:
                files.append(self.profile_path.parent / self.profile.organisation.logo)
        if self.waivers_path is not None:
            files.append(self.waivers_path)
        return files


def load_system(path: str | Path, catalog: Catalog) -> tuple[SystemDescription, Document]:
    """A validated system description and its document (kept for positions and the SHA-256);
    its ``extensions:`` are checked against the facts the loaded rulesets declare."""
    doc = load_document(path)
    system = validate(SystemDescription, doc)
    check_extensions(system, doc, catalog)
    return system, doc


def check_ceiling(profile: Profile, profile_file: Path, catalog: Catalog) -> None:
    """The profile's classification ceiling must name a classification level the loaded
    rulesets know: checked once the rulesets are loaded, located in the profile."""
    ceiling = profile.decision.classification_ceiling
    if ceiling is None:
        return
    problem = check_ceiling_fact(ceiling, catalog)
    if problem is not None:
        raise InputError.single(
            f"classification_ceiling: {problem}",
            **where_in_profile(profile_file, ("decision", "classification_ceiling", "fact")),
            suggestion=did_you_mean(ceiling.fact, catalog.facts)
            or "use classification.confidentiality",
        )


def load_inputs(system_path: str | Path, rules: Sequence[str | Path] = (),
                profile_path: str | Path | None = None,
                waivers_path: str | Path | None = None) -> Inputs:
    """Read and validate every input once, profile first: the profile decides which rulesets
    load, and the rulesets decide which extension facts the system description may answer."""
    profile, profile_sha, resolved = load_profile(profile_path)
    catalog, tailoring = tailored_catalog(profile, resolved, rules)
    check_ceiling(profile, resolved, catalog)
    system, doc = load_system(system_path, catalog)
    waivers, waivers_sha = load_waivers(waivers_path) if waivers_path else (None, None)
    return Inputs(system, doc, catalog, profile, profile_sha, waivers, waivers_sha, tailoring,
                  profile_path=resolved,
                  waivers_path=Path(waivers_path) if waivers_path else None)
