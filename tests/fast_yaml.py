"""YAML for tests that read the project's own files: PyYAML's safe loader through libyaml when
PyYAML has it (the same YAML 1.1 and the same Python objects as ``yaml.safe_load``, whose
pure-Python scanner took about a second of the fast loop on the bundled profile and
catalogues)."""

from __future__ import annotations

from typing import Any

import yaml

SAFE_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def safe_load(text: str) -> Any:
    return yaml.load(text, Loader=SAFE_LOADER)
