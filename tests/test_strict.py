"""One strictness policy for every input document: no model coerces "24" into 24."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, ValidationError

from secreview.i18n import Text
from secreview.profile import Profile, RiskLevel
from secreview.rules.model import Reference, Rule, Ruleset
from secreview.strict import INPUT_POLICY
from secreview.system import Section, SystemDescription
from secreview.waivers import Waiver, WaiverFile

TEXT = {"sv": "t", "en": "t"}


@pytest.mark.parametrize("model", [SystemDescription, Section, Ruleset, Rule, Reference, Profile,
                                   RiskLevel, WaiverFile, Waiver])
def test_every_input_model_follows_the_one_policy(model: type[BaseModel]) -> None:
    for key, value in INPUT_POLICY.items():
        assert model.model_config.get(key) == value, (model.__name__, key)


def test_text_is_strict_too() -> None:
    assert Text.model_config.get("strict") is True


def test_a_number_written_as_text_is_refused_in_a_profile_and_a_rule() -> None:
    with pytest.raises(ValidationError, match="weight"):
        RiskLevel.model_validate({"id": "low", "label": TEXT, "colour": "#000000",
                                  "weight": "1"})
    rule = {"id": "x.y", "title": TEXT, "message": TEXT, "remediation": TEXT,
            "references": [{"source": "GDPR"}], "consequence": "3", "likelihood": 2,
            "finding_if": {"fact": "system.name", "exists": True}}
    with pytest.raises(ValidationError, match="consequence"):
        Rule.model_validate(rule)
    Rule.model_validate({**rule, "consequence": 3})
