"""The YAML in docs/ruleset-guide.md is valid: what a security officer copies must work."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from secreview.facts import core_facts
from secreview.rules.compiler import CompileContext, compile_condition
from secreview.rules.loader import builtin_sets
from secreview.rules.model import Condition, Example, Reference, Rule
from secreview.schemas import write_schemas
from secreview.toolkit.lint import lint_files

GUIDE = Path(__file__).resolve().parent.parent / "docs" / "ruleset-guide.md"
BLOCKS = [m.group(1) for m in re.finditer(r"^ *```yaml\n(.*?)^ *```", GUIDE.read_text(
    encoding="utf-8"), re.S | re.M)]


def _blocks(first_key: str) -> list[str]:
    return [b for b in BLOCKS if re.match(rf"^(#.*\n)*{first_key}:", b)]


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


@pytest.mark.parametrize("block", _blocks("finding_if"))
def test_condition_examples_compile(block: str) -> None:
    raw = yaml.safe_load(block)["finding_if"]
    from pydantic import TypeAdapter

    condition = TypeAdapter(Condition).validate_python(raw)
    ctx = CompileContext(facts=core_facts(), sets=builtin_sets())
    compile_condition(condition, ctx)
    assert ctx.problems == []


def test_other_fragments_fit_the_model() -> None:
    (references,) = _blocks("references")
    assert all(Reference.model_validate(r) for r in yaml.safe_load(references)["references"])
    (examples,) = _blocks("examples")
    assert len([Example.model_validate(e) for e in yaml.safe_load(examples)["examples"]]) == 2
    (mitigations,) = _blocks("mitigations")
    rule = {"id": "a.b", "title": {"sv": "t", "en": "t"}, "message": {"sv": "m", "en": "m"},
            "remediation": {"sv": "r", "en": "r"}, "references": [{"source": "GDPR"}],
            "consequence": 2, "likelihood": 3, "finding_if": {"fact": "access.sso", "eq": False},
            **yaml.safe_load(mitigations)}
    assert Rule.model_validate(rule).mitigations[0].steps == 2
    (tailoring,) = _blocks("tailoring")
    from secreview.profile import Tailoring

    assert len(Tailoring.model_validate(yaml.safe_load(tailoring)["tailoring"]).disable) == 1


def test_operator_table_covers_every_operator() -> None:
    from secreview.rules.operators import OPERATORS

    text = GUIDE.read_text(encoding="utf-8")
    table = text[text.index("| Operator |"):text.index("### Combining tests")]
    missing = [op for op in OPERATORS if f"`{op}`" not in table]
    assert missing == []
