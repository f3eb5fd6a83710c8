"""Every label a workspace template or module names exists (a counted one as its ``.one`` and
``.other`` pair), in Swedish and English."""

from __future__ import annotations

import re
from pathlib import Path

from secreview.i18n import has_label, label
from secreview.labels import _labels

WEB = Path(__file__).resolve().parent.parent / "src" / "secreview" / "web"
KINDS = "web|workflow|decision|status|report|label|role"
LITERAL = re.compile(rf"""["']((?:{KINDS})\.[a-z0-9_.]+)["']""")
PREFIXED = re.compile(r"""["']((?:web|decision|status)\.[a-z0-9_.]*\.?)["']\s*\+""")


def test_every_label_used_by_the_workspace_exists() -> None:
    used: set[str] = set()
    prefixes: set[str] = set()
    for file in [*WEB.glob("templates/*.j2"), *WEB.rglob("*.py")]:
        text = file.read_text(encoding="utf-8")
        prefixes |= set(PREFIXED.findall(text))
        used |= {m for m in LITERAL.findall(text) if m not in prefixes and not m.endswith(".")}
    plural_keys = {key for key in used if not has_label(key)
                   and has_label(f"{key}.one") and has_label(f"{key}.other")}
    # A prefix plurals() fills a sentence from: PREFIX.NAME.one / .other for each count.
    counted = {key for key in used - plural_keys if not has_label(key)
               and any(k.startswith(f"{key}.") and k.endswith(".one") for k in _labels())}
    missing = sorted(key for key in used - plural_keys - counted if not has_label(key))
    assert not missing
    for prefix in counted:
        names = {k.removeprefix(f"{prefix}.").rpartition(".")[0] for k in _labels()
                 if k.startswith(f"{prefix}.")}
        assert all(has_label(f"{prefix}.{n}.one") and has_label(f"{prefix}.{n}.other")
                   for n in names), prefix
    for key in [*(used - plural_keys - counted), *(f"{k}.{form}" for k in plural_keys
                                          for form in ("one", "other"))]:
        assert label(key, "sv") and label(key, "en")
    assert {"web.role.", "web.source.", "web.q.list_", "decision.", "status."} <= prefixes


def test_roles_and_sources_have_labels() -> None:
    from secreview.store.models import ROLES
    from secreview.store.register import SOURCES
    from secreview.web.form import LIST_STATES

    for key in ([f"web.role.{r}" for r in ROLES] + [f"web.source.{s}" for s in SOURCES]
                + [f"web.q.list_{s}" for s in LIST_STATES]):
        assert has_label(key), key
