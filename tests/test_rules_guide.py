"""The YAML in docs/ruleset-guide.md is valid: what a security officer copies must work."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from fast_yaml import safe_load
from secreview.rules.compiler import CompileContext, compile_condition
from secreview.rules.loader import builtin_sets
from secreview.rules.model import Condition, Example, Reference, Rule
from secreview.schemas import write_schemas
from secreview.toolkit.lint import lint_files

GUIDE = Path(__file__).resolve().parent.parent / "docs" / "ruleset-guide.md"
BLOCKS = [m.group(1) for m in re.finditer(r"^ *```yaml\n(.*?)^ *```", GUIDE.read_text(
    encoding="utf-8"), re.S | re.M)]


FILE_MARK = "# file: "
"""The worked example's files (section 12) start with this line and the path to write them to."""


def _blocks(first_key: str) -> list[str]:
    return [b for b in BLOCKS if re.match(rf"^(#.*\n)*{first_key}:", b)
            and not b.startswith(FILE_MARK)]


@pytest.mark.slow
def test_the_complete_ruleset_lints_clean(tmp_path: Path) -> None:
    (complete,) = _blocks("ruleset")
    (tmp_path / "rulesets").mkdir()
    write_schemas(tmp_path / "schemas")
    file = tmp_path / "rulesets" / "cloud.yaml"
    file.write_text(complete, encoding="utf-8")
    report = lint_files([file])
    assert report.clean, report.format_text()
    target = complete.splitlines()[0].split("$schema=", 1)[1]
    assert (file.parent / target).is_file()


def _guide_facts() -> dict[str, Any]:
    """The fact catalogue with the guide's own extension facts declared (section 7)."""
    from secreview.loading import Document
    from secreview.rules.loader import LoadedRuleset, build_catalog
    from secreview.rules.model import Ruleset

    (declared,) = _blocks("facts")
    data = {"ruleset": {"id": "guide", "version": "1.0.0", "title": {"sv": "G", "en": "G"},
                        "owner": "o", "date": "2026-01-01", "aspect": "supplier"},
            **safe_load(declared),
            "rules": [{"id": "guide.a", "title": {"sv": "t", "en": "t"},
                       "message": {"sv": "m", "en": "m"}, "remediation": {"sv": "r", "en": "r"},
                       "references": [{"source": "s"}], "consequence": 2, "likelihood": 2,
                       "finding_if": {"fact": "access.sso", "eq": False}}]}
    loaded = LoadedRuleset(Ruleset.model_validate(data), "guide.yaml", "0",
                           Document(data=data, source="guide.yaml"))
    return dict(build_catalog([loaded]).facts)


@pytest.mark.parametrize("block", _blocks("finding_if"))
def test_condition_examples_compile(block: str) -> None:
    raw = safe_load(block)["finding_if"]
    from pydantic import TypeAdapter

    condition = TypeAdapter(Condition).validate_python(raw)
    ctx = CompileContext(facts=_guide_facts(), sets=builtin_sets())
    compile_condition(condition, ctx)
    assert ctx.problems == []


def test_other_fragments_fit_the_model() -> None:
    (references,) = _blocks("references")
    assert all(Reference.model_validate(r) for r in safe_load(references)["references"])
    (examples,) = _blocks("examples")
    assert len([Example.model_validate(e) for e in safe_load(examples)["examples"]]) == 2
    (mitigations,) = _blocks("mitigations")
    rule = {"id": "a.b", "title": {"sv": "t", "en": "t"}, "message": {"sv": "m", "en": "m"},
            "remediation": {"sv": "r", "en": "r"}, "references": [{"source": "GDPR"}],
            "consequence": 2, "likelihood": 3, "finding_if": {"fact": "access.sso", "eq": False},
            **safe_load(mitigations)}
    assert Rule.model_validate(rule).mitigations[0].steps == 2
    (tailoring,) = _blocks("tailoring")
    from secreview.profile import Tailoring

    assert len(Tailoring.model_validate(safe_load(tailoring)["tailoring"]).disable) == 1


def test_operator_table_covers_every_operator() -> None:
    from secreview.rules.operators import OPERATORS

    text = GUIDE.read_text(encoding="utf-8")
    table = text[text.index("| Operator |"):text.index("### Combining tests")]
    missing = [op for op in OPERATORS if f"`{op}`" not in table]
    assert missing == []


# --- the worked example runs as written (section 12) -------------------------------------------

CONSOLE = re.compile(r"^```console\n\$ secreview (.*?)\n(.*?)^```", re.S | re.M)


def _worked_example() -> str:
    text = GUIDE.read_text(encoding="utf-8")
    return text[text.index("## 12. Map an external catalogue"):text.index("## 13. Versions")]


@pytest.mark.slow
def test_the_worked_example_runs_as_the_guide_shows(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    import shlex
    import shutil

    from click.testing import CliRunner

    from secreview.cli import main

    section = _worked_example()
    files = [b for b in BLOCKS if b.startswith(FILE_MARK) and b in section]
    assert len(files) == 4
    for block in files:
        target = tmp_path / block.splitlines()[0].removeprefix(FILE_MARK)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(block, encoding="utf-8")
    (tmp_path / "examples").mkdir()
    shutil.copy(GUIDE.parent.parent / "examples" / "school-platform.yaml", tmp_path / "examples")
    monkeypatch.chdir(tmp_path)
    commands = CONSOLE.findall(section)
    assert len(commands) == 3
    for command, shown in commands:
        result = CliRunner().invoke(main, shlex.split(command))
        assert result.exit_code == 0, result.output
        if shown.startswith("…\n"):  # an excerpt: the end of the output
            assert result.output.endswith(shown.removeprefix("…\n")), result.output
        else:
            assert result.output == shown
