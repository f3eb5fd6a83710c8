"""Start-up stays light: ``--help``, ``check`` and ``rules lint`` never import WeasyPrint or Jinja,
and no command but the workspace's imports SQLAlchemy, Alembic, uvicorn, Starlette or FastAPI.

WeasyPrint (and its Pango bindings) takes most of a second to import; only PDF rendering needs
it. Jinja is for HTML and PDF reports and the HTML rule catalogue only. This is a correctness
test of the import graph, not a timing test: each command runs in a fresh interpreter, which
then reports the modules it loaded.
"""

from __future__ import annotations
import __future__

import importlib
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"

PROBE = """
import sys
from secreview.cli import main
try:
    main(sys.argv[1:])
except SystemExit as exc:
    code = exc.code
else:
    code = 0
heavy = sorted(m for m in sys.modules
               if m.split('.')[0] in ('weasyprint', 'jinja2', 'sqlalchemy', 'alembic', 'uvicorn',
                                      'starlette', 'fastapi')
               or m == 'secreview.report.pdf')
print('EXIT', code)
print('HEAVY', ','.join(heavy))
"""


def loaded_heavy_modules(*args: str, before: str = "") -> list[str]:
    completed = subprocess.run([sys.executable, "-c", before + PROBE, *args], cwd=ROOT,
                               capture_output=True, text=True, timeout=120, check=False)
    lines = dict(line.split(" ", 1) if " " in line else (line, "")
                 for line in completed.stdout.splitlines() if line.startswith(("EXIT", "HEAVY")))
    assert lines.get("EXIT") in ("0", "None"), completed.stdout + completed.stderr
    return [m for m in lines.get("HEAVY", "").split(",") if m]


@pytest.mark.slow
def test_help_does_not_import_weasyprint() -> None:
    assert loaded_heavy_modules("--help") == []


@pytest.mark.slow
def test_check_does_not_import_weasyprint() -> None:
    system = str(FIXTURES / "system_min.yaml")
    assert loaded_heavy_modules("check", system, "--rules", str(FIXTURES / "rules")) == []


@pytest.mark.slow
def test_the_probe_sees_weasyprint_when_it_is_imported() -> None:
    """Guards the test itself: the same probe, with WeasyPrint imported first, reports it."""
    pytest.importorskip("weasyprint")
    assert "weasyprint" in loaded_heavy_modules("--help", before="import weasyprint\n")


@pytest.mark.slow
def test_rules_lint_does_not_import_jinja() -> None:
    assert loaded_heavy_modules("rules", "lint", str(FIXTURES / "lint" / "clean")) == []


@pytest.mark.slow
def test_help_does_not_import_pydantic_or_yaml() -> None:
    """``secreview --help`` stays near bare Python (docs/benchmarks.md): the CLI words its
    messages with plain labels, and the models load only for a command that needs them."""
    code = ("import sys\nfrom secreview.cli import main\ntry:\n    main(['--help'])\n"
            "except SystemExit:\n    pass\n"
            "print(sorted(m for m in ('pydantic', 'yaml', 'secreview.api') if m in sys.modules))")
    completed = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                               text=True, timeout=120, check=True)
    assert completed.stdout.strip().splitlines()[-1] == "[]"


@pytest.mark.slow
def test_the_workspace_commands_import_their_stack_only_when_run() -> None:
    assert loaded_heavy_modules("db", "--help") == []
    assert loaded_heavy_modules("users", "add", "--help") == []
    assert loaded_heavy_modules("serve", "--help") == []


@pytest.mark.slow
def test_a_json_review_does_not_import_the_logo_reader() -> None:
    """Only the formats that show the profile's logo read it; its SVG sanitiser pulls in xml.sax
    and urllib.request, about 20 ms of a JSON review's start-up."""
    system = str(FIXTURES / "system_min.yaml")
    code = ("import sys\nfrom secreview.cli import main\ntry:\n    main(sys.argv[1:])\n"
            "except SystemExit:\n    pass\n"
            "print(sorted(m for m in ('secreview.report.logo', 'secreview.report.svg')"
            " if m in sys.modules))")
    completed = subprocess.run(
        [sys.executable, "-c", code, "review", system, "--rules", str(FIXTURES / "rules"),
         "--format", "json"], cwd=ROOT, capture_output=True, text=True, timeout=120, check=True)
    assert completed.stdout.strip().splitlines()[-1] == "[]"


MODEL_MODULES = ("secreview.i18n", "secreview.system", "secreview.profile", "secreview.review",
                 "secreview.waivers", "secreview.rules.model", "secreview.catalogues.model")


@pytest.mark.parametrize("name", MODEL_MODULES)
def test_the_document_models_annotations_are_not_strings(name: str) -> None:
    """Every review builds these models at start-up, and pydantic compiles a field's annotation
    from its text when the module keeps annotations as strings (``from __future__ import
    annotations``): about 600 fields, some 15 ms (docs/benchmarks.md)."""
    module = importlib.import_module(name)
    assert getattr(module, "annotations", None) is not __future__.annotations
