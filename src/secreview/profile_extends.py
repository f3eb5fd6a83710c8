"""A profile that extends another: the bundled municipality profile with an organisation's own
changes, without copying it.

``extends:`` names a bundled profile (``se-municipality``) or a profile file in the same folder
as the extending one (or below it: a path is never absolute and never leaves that folder).
What the extending profile writes replaces the extended profile's section of the same name; its
``tailoring`` is merged instead: its rulesets are added to the extended profile's, its
``exclude_rulesets`` leave rulesets out, and its ``disable``/``enable``/``override`` entries
replace the extended profile's entries for the same rule (``enable`` undoes a ``disable``).
Chains are allowed up to :data:`MAX_DEPTH` profiles; a cycle is an error.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from secreview.cache import load_document_cached
from secreview.errors import InputError, did_you_mean
from secreview.loading import Document, real_path
from secreview.profile import (
    Profile,
    ProfileExtension,
    Tailoring,
    TailoringChanges,
    bundled_profile_path,
    check_tailored_once,
    tailoring_ruleset_paths,
)
from secreview.validation import problems_from, validate

MAX_DEPTH = 5
"""Profiles in one chain of ``extends``: an organisation, its department, a system type."""


def extended_profile(file: Path, doc: Document,
                     chain: tuple[Path, ...] = ()) -> tuple[Profile, str]:
    """The complete profile ``file`` describes by extending another, and a SHA-256 over every
    file of the chain (a change to the extended profile changes the reviews' provenance)."""
    ext = validate(ProfileExtension, doc)
    check_tailored_once(ext.tailoring.disable, ext.tailoring.override, doc,
                        ext.tailoring.enable)
    parent_file = parent_path(ext.extends, file, doc)
    here = real_path(file)
    if real_path(parent_file) in (*chain, here):
        raise InputError.single(f"profile extends itself through '{ext.extends}'",
                                **doc.where(("extends",)),
                                suggestion="a profile may extend another, never itself")
    if len(chain) + 1 >= MAX_DEPTH:
        raise InputError.single(f"more than {MAX_DEPTH} profiles extend each other",
                                **doc.where(("extends",)),
                                suggestion="extend the bundled profile or one of your own")
    parent_doc = load_document_cached(parent_file)
    if isinstance(parent_doc.data, dict) and "extends" in parent_doc.data:
        parent, parent_sha = extended_profile(parent_file, parent_doc, (*chain, here))
    else:
        parent = validate(Profile, parent_doc)
        check_tailored_once(parent.tailoring.disable, parent.tailoring.override, parent_doc)
        tailoring_ruleset_paths(parent, parent_file)
        parent_sha = parent_doc.sha256
    merged = _merged(parent, ext, parent_file.parent, file.parent, doc)
    sha = hashlib.sha256(f"{doc.sha256}\n{parent_sha}".encode()).hexdigest()
    return merged, sha


def parent_path(name: str, file: Path, doc: Document) -> Path:
    """The extended profile's file: a bundled profile by name, or a file in this profile's
    folder (absolute paths and paths that leave the folder are refused)."""
    bundled = bundled_profile_path(name)
    if "/" not in name and "\\" not in name and not name.endswith((".yaml", ".yml", ".json")):
        if bundled.is_file():
            return bundled
        names = sorted(p.stem for p in bundled.parent.glob("*.yaml"))
        raise InputError.single(f"no bundled profile '{name}'", **doc.where(("extends",)),
                                suggestion=did_you_mean(name, names)
                                or f"bundled profiles: {', '.join(names)}")
    folder = real_path(file.parent)
    candidate = Path(name)
    target = real_path(folder / candidate)
    if candidate.is_absolute() or not target.is_relative_to(folder):
        raise InputError.single(
            f"'{name}' is outside this profile's folder", **doc.where(("extends",)),
            suggestion="extend a bundled profile by name, or a profile file in the same folder")
    if not target.is_file():
        raise InputError.single(f"no such profile file '{name}'", **doc.where(("extends",)))
    return target


def _merged(parent: Profile, ext: ProfileExtension, parent_dir: Path, child_dir: Path,
            doc: Document) -> Profile:
    data: dict[str, Any] = parent.model_dump(by_alias=True)
    own = ext.model_dump(by_alias=True, exclude_unset=True, exclude={"tailoring", "schema_"})
    data.update(own)
    data["extends"] = f"{parent.profile.id} {parent.profile.version}"
    if "organisation" not in own and parent.organisation.logo:
        data["organisation"]["logo"] = _rebased(parent.organisation.logo, parent_dir,
                                                child_dir)
    data["tailoring"] = _tailoring(parent.tailoring, ext.tailoring, parent_dir, child_dir, doc)
    try:
        return Profile.model_validate(data)
    except ValidationError as exc:  # e.g. a new matrix without the levels the policy names
        raise InputError(problems_from(exc, Profile, Document(
            data=data, source=doc.source, positions=doc.positions, sha256=doc.sha256))) from None


def _rebased(path: str, parent_dir: Path, child_dir: Path) -> str:
    """A path written relative to the extended profile, relative to the extending one."""
    return os.path.relpath(parent_dir / path, child_dir)


def _tailoring(parent: Tailoring, changes: TailoringChanges, parent_dir: Path,
               child_dir: Path, doc: Document) -> dict[str, Any]:
    """The extended profile's tailoring with the extending profile's changes; the extending
    profile's entries come first, so their positions are those of its own file."""
    disabled = {d.rule for d in parent.disable}
    for index, entry in enumerate(changes.enable):
        if entry.rule not in disabled:
            raise InputError.single(
                f"'enable' undoes a disable of the extended profile, which does not disable "
                f"'{entry.rule}'", **doc.where(("tailoring", "enable", index, "rule")),
                suggestion=did_you_mean(entry.rule, disabled) or "remove the entry")
    mentioned = {e.rule for e in changes.disable} | {e.rule for e in changes.enable} | {
        e.rule for e in changes.override}
    return {
        "include_bundled": parent.include_bundled if changes.include_bundled is None
        else changes.include_bundled,
        "rulesets": [*changes.rulesets,
                     *(_rebased(p, parent_dir, child_dir) for p in parent.rulesets)],
        "exclude_rulesets": [*changes.exclude_rulesets, *parent.exclude_rulesets],
        "disable": [*(d.model_dump() for d in changes.disable),
                    *(d.model_dump() for d in parent.disable if d.rule not in mentioned)],
        "override": [*(o.model_dump() for o in changes.override),
                     *(o.model_dump() for o in parent.override if o.rule not in mentioned)],
    }
