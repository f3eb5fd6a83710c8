"""No import runs back up: foundation ← rules ← engine ← toolkit/report/api ← cli.

Each module belongs to one layer and may import only its own layer and those below it, also in
imports inside functions (the lazy ones). Imports under ``if TYPE_CHECKING:`` are for the type
checker only and are not counted.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "secreview"

LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("foundation", ("secreview", "secreview.__init__", "secreview.vocabulary", "secreview.errors",
                    "secreview.dates", "secreview.valuesets", "secreview.countries",
                    "secreview.strict",
                    "secreview.tristate", "secreview.bundled", "secreview.cache",
                    "secreview.loading", "secreview.validation", "secreview.labels",
                    "secreview.i18n", "secreview.output", "secreview.system", "secreview.facts",
                    "secreview.batch")),
    # routing compiles its conditions with the rules' compiler
    ("rules", ("secreview.rules", "secreview.routing", "secreview.profile", "secreview.waivers",
               "secreview.review",
               "secreview.review_fields", "secreview.addressees",
               "secreview.catalogues.model", "secreview.profile_extends",
               "secreview.questions", "secreview.inputs")),
    ("engine", ("secreview.engine",)),
    ("toolkit/report", ("secreview.toolkit", "secreview.report", "secreview.api",
                        "secreview.documents", "secreview.exchange", "secreview.catalogues",
                        "secreview.open_questions", "secreview.questionnaire",
                        "secreview.review_diff", "secreview.schemas")),
    ("cli", ("secreview.cli", "secreview.portfolio", "secreview.__main__", "secreview.store",
             "secreview.web")),
)


def layer_of(module: str) -> int:
    """The layer of a module: the longest declared prefix that names it or its package."""
    best, found = -1, None
    for index, (_name, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            # The package itself is named exactly; as a prefix it would claim every module.
            below = prefix != "secreview" and module.startswith(prefix + ".")
            if (module == prefix or below) and len(prefix) > best:
                best, found = len(prefix), index
    if found is None:
        raise LookupError(f"{module} is in no layer: add it to LAYERS in tests/test_layers.py")
    return found


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _type_checking_only(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


@cache
def parsed(path: Path) -> ast.Module:
    """The module's syntax tree, parsed once for both laws below."""
    return ast.parse(path.read_text(encoding="utf-8"))


def imported(path: Path) -> list[tuple[int, str]]:
    """``(line, module)`` for every secreview import in the file, lazy ones included."""
    tree = parsed(path)
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and _type_checking_only(node):
            skipped.update(id(child) for stmt in node.body for child in ast.walk(stmt))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.startswith("secreview")]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0 \
                and node.module.startswith("secreview"):
            if node.module == "secreview":  # from secreview import X: X may be a submodule
                found += [(node.lineno, f"secreview.{a.name}") if (PACKAGE / f"{a.name}.py")
                          .exists() or (PACKAGE / a.name).is_dir() else (node.lineno, "secreview")
                          for a in node.names]
            else:
                found.append((node.lineno, node.module))
    return found


MODULES = sorted(PACKAGE.rglob("*.py"))


def test_every_module_has_a_layer() -> None:
    for path in MODULES:
        layer_of(module_name(path))
    with pytest.raises(LookupError):
        layer_of("secreview.somewhere_new")


@pytest.mark.parametrize("path", MODULES, ids=lambda p: module_name(p))
def test_no_import_runs_back_up(path: Path) -> None:
    here = layer_of(module_name(path))
    upward = [f"{path.relative_to(PACKAGE.parent)}:{line} imports {module} "
              f"({LAYERS[layer_of(module)][0]}, above {LAYERS[here][0]})"
              for line, module in imported(path) if layer_of(module) > here]
    assert not upward, "\n".join(upward)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: module_name(p))
def test_every_module_says_what_it_owns_on_its_first_line(path: Path) -> None:
    docstring = ast.get_docstring(parsed(path))
    assert docstring and docstring.strip(), f"{path.relative_to(PACKAGE.parent)} has no docstring"
