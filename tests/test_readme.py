"""README: the system packages come before the set-up commands, and match what CI installs."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
CI = (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_system_packages_are_listed_before_the_set_up_commands() -> None:
    apt = README.index("apt-get install")
    assert apt < README.index("python3 -m pip install .")
    assert apt < README.index("<!-- test-command -->")


def test_readme_names_every_package_ci_installs() -> None:
    listed = re.search(r"packages=\(([^)]*)\)", CI)
    assert listed is not None
    command = README[README.index("apt-get install"):]
    command = command[:command.index("```")]
    for package in listed.group(1).split():
        assert package in command, package
