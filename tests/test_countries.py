"""Country codes: ISO 3166-1 alpha-2 from pycountry, with a hint for the usual slips."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from secreview.countries import iso_codes, suggestion
from secreview.system import SystemDescription


@pytest.mark.parametrize(("written", "hint"), [
    ("UK", "did you mean 'GB' (United Kingdom)?"),
    ("EL", "did you mean 'GR' (Greece)?"),
    ("se", "write the code in capitals: 'SE'"),
    ("SWE", "did you mean 'SE' (Sweden)?"),
    ("Sweden", "did you mean 'SE' (Sweden)?"),
    ("Tyskland", "did you mean 'DE' (Germany)?"),
])
def test_the_usual_slips_get_a_hint(written: str, hint: str) -> None:
    assert suggestion(written) == hint


def test_the_codes_come_from_the_standard() -> None:
    codes = iso_codes()
    assert {"SE", "NO", "GB", "US", "BR", "FO"} <= codes
    assert not {"UK", "EU", "EL", "XX"} & codes
    assert len(codes) >= 249


def _validate(data: dict[str, object]) -> SystemDescription:
    return SystemDescription.model_validate(data)


def test_a_country_is_refused_unless_it_is_a_code() -> None:
    with pytest.raises(ValidationError) as raised:
        _validate({"vendor": {"country": "UK"}})
    error = raised.value.errors()[0]
    assert error["type"] == "country_code"
    assert error["ctx"]["suggestion"] == "did you mean 'GB' (United Kingdom)?"


def test_a_region_may_stand_in_a_list_of_places_but_not_for_one_company() -> None:
    system = _validate({"hosting": {"content": {"countries": ["SE", "EU"]},
                                    "backups": {"countries": ["EEA"]}}})
    assert system.hosting.content.countries == ["SE", "EU"]
    with pytest.raises(ValidationError) as raised:
        _validate({"vendor": {"parent_country": "EU"}})
    assert "is a region" in raised.value.errors()[0]["ctx"]["suggestion"]


def test_an_unknown_code_lists_what_is_allowed(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from secreview.api import Reviewer
    from secreview.errors import InputError

    path = tmp_path / "s.yaml"
    path.write_text("hosting:\n  admin_access_countries: [SE, XX]\n", encoding="utf-8")
    with pytest.raises(InputError) as raised:
        Reviewer().load(path)
    problem = raised.value.problems[0]
    assert (problem.line, problem.column) == (2, 32)
    assert problem.suggestion is not None and "region: EEA, EU" in problem.suggestion
