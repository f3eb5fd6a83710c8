"""A seeded generator of varied, valid system descriptions for the benchmarks.

The generator walks the fact catalogue (:func:`secreview.facts.core_facts`), so it follows the
system model as it grows instead of a hand-kept copy of it. Realism comes from a few archetypes
(a sketchy draft, a typical answer sheet, a thorough one, a US hyperscaler, an on-premises
system) that set how many questions are answered, how mature the practices are and where data
goes; whole sections are left out now and then, as real drafts do, so unknowns are common.

The output is plain JSON-compatible data (dates as ISO strings), the shape a user writes in
YAML; :func:`validated` checks it against :class:`~secreview.system.SystemDescription`.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from secreview.facts import FactSpec, core_facts
from secreview.routing import without_contradictions
from secreview.rules.model import ExtensionFact
from secreview.system import SystemDescription


@dataclass(frozen=True)
class Archetype:
    """How one kind of submission tends to look."""

    name: str
    weight: float
    answered: tuple[float, float]  # share of questions answered (range)
    maturity: tuple[float, float]  # probability that a good practice is in place (range)
    third_country: float  # probability that a country is outside the EEA
    deployment: tuple[str, ...]


ARCHETYPES: tuple[Archetype, ...] = (
    Archetype("draft", 0.20, (0.10, 0.35), (0.3, 0.7), 0.25, ("saas", "paas", "hybrid")),
    Archetype("typical", 0.40, (0.45, 0.80), (0.4, 0.8), 0.15, ("saas", "saas", "paas", "hybrid")),
    Archetype("thorough", 0.15, (0.88, 1.00), (0.6, 0.95), 0.10, ("saas", "iaas", "hybrid")),
    Archetype("hyperscaler", 0.15, (0.55, 0.90), (0.5, 0.9), 0.55, ("saas", "paas")),
    Archetype("on_premises", 0.10, (0.50, 0.90), (0.3, 0.8), 0.02, ("on_premises",)),
)

EEA_COUNTRIES = ("SE", "SE", "SE", "SE", "NO", "DK", "FI", "DE", "IE", "NL", "FR", "PL", "EE")
OTHER_COUNTRIES = ("US", "US", "US", "GB", "IN", "CH", "CN", "UA", "JP", "PH")

# Facts where ``true`` is the risky answer; for every other boolean ``true`` is good practice.
RISKY_WHEN_TRUE = frozenset({
    "vendor.third_country_law_access", "personal_data.criminal_data",
    "personal_data.protected_identities", "personal_data.consent_used",
    "personal_data.dpia.residual_high_risk", "contract.vendor_own_purposes",
    "contract.unilateral_changes", "access.admin_interface_internet_exposed",
    "access.accepts_foreign_eid", "telemetry.includes_personal_data", "telemetry.includes_content",
    "ai.automated_decisions", "ai.trains_on_customer_data", "third_country_law_access",
})

WORDS = (
    "Lärplattform", "Ärendehantering", "Schemaläggning", "E-tjänst", "Vårdportal", "Bokning",
    "Diarium", "Löneservice", "Elevhälsa", "Bygglov", "Kundtjänst", "Analys", "Inköp", "Arkiv",
)
VENDORS = ("Acme AB", "Nordsoft", "Globex Inc", "Initech", "Umbrella Cloud", "Kommundata AB",
           "Hooli", "Stark Systems", "Vandelay Oy", "Tyrell GmbH")
FORMATS = ("csv", "json", "xml", "pdf", "fgs", "xlsx", "sql")
CATEGORIES = ("name", "contact details", "personnummer", "grades", "health notes",
              "attendance", "photos", "case notes", "salary")
PROTOCOLS = ("REST", "SFTP", "SOAP", "SAML", "SCIM", "ftp", "file drop")


def _range(rng: random.Random, bounds: tuple[float, float]) -> float:
    return rng.uniform(*bounds)


def _country(rng: random.Random, third_country: float) -> str:
    return rng.choice(OTHER_COUNTRIES if rng.random() < third_country else EEA_COUNTRIES)


def _date(rng: random.Random, start: dt.date, days: int) -> str:
    return (start + dt.timedelta(days=rng.randrange(days))).isoformat()


class _System:
    """The random choices for one system; fills values fact by fact."""

    def __init__(self, rng: random.Random, index: int, archetype: Archetype) -> None:
        self.rng = rng
        self.index = index
        self.archetype = archetype
        self.answered = _range(rng, archetype.answered)
        self.maturity = _range(rng, archetype.maturity)

    def value(self, spec: FactSpec, name: str) -> Any:
        rng, path = self.rng, spec.path
        if spec.kind == "bool":
            good = rng.random() < self.maturity
            return not good if (path in RISKY_WHEN_TRUE or name in RISKY_WHEN_TRUE) else good
        if "countr" in name:
            if spec.kind == "list":
                count = rng.choice((1, 1, 1, 2, 2, 3))
                return sorted({_country(rng, self.archetype.third_country) for _ in range(count)})
            return _country(rng, self.archetype.third_country)
        if spec.kind == "enum":
            if name == "deployment":
                return rng.choice(self.archetype.deployment)
            assert spec.allowed is not None
            if name == "status" and rng.random() < self.maturity:
                return "approved"
            return rng.choice(spec.allowed)
        if spec.kind in ("int", "number"):
            return self._number(spec, name)
        if spec.kind == "date":
            return _date(rng, dt.date(2024, 1, 1), 1200)
        if spec.kind == "list":
            return self._list(spec, name)
        if spec.kind == "string":
            return self._text(name)
        raise AssertionError(f"no generator for {spec.kind} at {path}")  # objects handled above

    def _number(self, spec: FactSpec, name: str) -> int | float:
        rng = self.rng
        low = int(spec.minimum or 0)
        high = int(spec.maximum) if spec.maximum is not None else None
        typical: dict[str, tuple[int, ...]] = {
            "retention_days": (7, 30, 90, 180, 365, 730),
            "number_of_users": (15, 120, 800, 4_000, 25_000),
            "number_of_data_subjects": (200, 3_000, 40_000, 250_000),
            "review_interval_months": (3, 6, 12, 24),
            "interval_months": (6, 12, 24, 36),
            "incident_notification_hours": (24, 48, 72, 168),
            "rto_hours": (2, 8, 24, 72),
            "rpo_hours": (1, 4, 24),
        }
        if name in typical:
            return rng.choice(typical[name])
        if name == "availability_target":
            return rng.choice((95.0, 99.0, 99.5, 99.9, 99.95))
        return rng.randint(low, high if high is not None else low + 100)

    def _list(self, spec: FactSpec, name: str) -> list[Any]:
        rng = self.rng
        if spec.allowed:
            size = rng.choice((0, 0, 1, 1, 2, 3))
            return sorted(set(rng.sample(list(spec.allowed), min(size, len(spec.allowed)))))
        pool = FORMATS if "format" in name else CATEGORIES if name == "categories" else (
            "24 kap. 1 § OSL", "25 kap. 1 § OSL", "26 kap. 1 § OSL", "23 kap. 2 § OSL")
        return sorted(set(rng.sample(pool, rng.randint(0, min(3, len(pool))))))

    def _text(self, name: str) -> str:
        rng = self.rng
        if name == "name":
            return f"{rng.choice(WORDS)} {self.index:04d}"
        if name in ("counterpart", "parent_company"):
            return rng.choice(VENDORS)
        if name == "protocol":
            return rng.choice(PROTOCOLS)
        if name == "purpose":
            return f"{rng.choice(WORDS)} för {rng.choice(('skola', 'vård', 'bygg', 'HR'))}"
        return f"{rng.choice(WORDS)} {rng.randint(1, 99)}"


def _nested_set(target: dict[str, Any], path: str, value: Any) -> None:
    *parents, leaf = path.split(".")
    for part in parents:
        target = target.setdefault(part, {})
    target[leaf] = value


def _required_fields(model: type[BaseModel]) -> set[str]:
    return {name for name, info in model.model_fields.items() if info.is_required()}


def _item_model(path: str) -> type[BaseModel]:
    """The pydantic model of one item of a list-of-objects fact (``hosting.subprocessors``)."""
    model: Any = SystemDescription
    for part in path.split("."):
        annotation = model.model_fields[part].annotation
        model = _first_model(annotation)
    return model  # type: ignore[no-any-return]


def _first_model(annotation: Any) -> type[BaseModel]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        try:
            return _first_model(arg)
        except TypeError:
            continue
    raise TypeError(f"no model in {annotation!r}")


def _objects(system: _System, spec: FactSpec) -> list[dict[str, Any]]:
    rng = system.rng
    required = _required_fields(_item_model(spec.path))
    count = rng.choice((0, 1, 1, 2, 2, 3, 4, 5))
    items = []
    for _ in range(count):
        item: dict[str, Any] = {}
        for name, item_spec in spec.item_facts.items():
            if name in required or rng.random() < system.answered:
                item[name] = system.value(item_spec, name)
        items.append(item)
    return items


def generate_system(seed: int, index: int,
                    extensions: Mapping[str, ExtensionFact] | None = None) -> dict[str, Any]:
    """One system description, a pure function of ``(seed, index)``."""
    rng = random.Random(f"{seed}:{index}")
    archetype = rng.choices(ARCHETYPES, weights=[a.weight for a in ARCHETYPES])[0]
    system = _System(rng, index, archetype)
    sections = sorted({path.split(".")[0] for path in core_facts()} - {"derived", "review"})
    skipped = {s for s in sections if rng.random() < (1 - system.answered) / 2}
    skipped.discard("system")
    data: dict[str, Any] = {"system": {"name": system._text("name")}}
    processes_personal_data = rng.random() < 0.85
    for path, spec in core_facts().items():
        section = path.split(".")[0]
        if section in skipped or section == "derived" or path == "system.name":
            continue
        if path.startswith("personal_data.") and not processes_personal_data:
            if path == "personal_data.processed":
                _nested_set(data, path, False)
            continue
        if path == "personal_data.processed":
            _nested_set(data, path, True)
            continue
        if path == "review.date":
            _nested_set(data, path, _date(rng, dt.date(2026, 1, 1), 330))
            continue
        if path.startswith("review.") or rng.random() >= system.answered:
            continue
        name = path.rsplit(".", 1)[-1]
        if spec.kind == "objects":
            _nested_set(data, path, _objects(system, spec))
        else:
            _nested_set(data, path, system.value(spec, name))
    if archetype.name == "on_premises" and "hosting" in data:
        data["hosting"]["content"] = {**data["hosting"].get("content", {}), "countries": ["SE"]}
    for name, fact in sorted((extensions or {}).items()):
        if rng.random() < system.answered:
            data.setdefault("extensions", {})[name] = _extension_value(rng, fact, system.maturity)
    # Answers drawn one by one can contradict each other (SaaS, yet the vendor cannot reach the
    # data); secreview refuses such a description, so the generator leaves those answers out.
    return without_contradictions(data)


def _extension_value(rng: random.Random, fact: ExtensionFact, maturity: float) -> Any:
    if fact.values:
        return (sorted(set(rng.sample(fact.values, rng.randint(0, len(fact.values)))))
                if fact.type == "list" else rng.choice(fact.values))
    low = 0 if fact.minimum is None else int(fact.minimum)
    high = max(low, 100 if fact.maximum is None else int(fact.maximum))
    return {
        "bool": rng.random() < maturity, "int": rng.randint(low, high),
        "number": round(rng.uniform(low, high), 1), "string": rng.choice(WORDS),
        "list": sorted(set(rng.sample(WORDS, rng.randint(0, 3)))),
        "date": dt.date.fromisoformat(_date(rng, dt.date(2024, 1, 1), 1500)),
    }[fact.type]


def generate_portfolio(count: int, seed: int = 2026,
                       extensions: Mapping[str, ExtensionFact] | None = None
                       ) -> Iterator[dict[str, Any]]:
    """``count`` systems; the same seed always gives the same portfolio."""
    for index in range(count):
        yield generate_system(seed, index, extensions)


def archetype_of(seed: int, index: int) -> str:
    """The archetype :func:`generate_system` picks for ``(seed, index)`` (for reporting)."""
    rng = random.Random(f"{seed}:{index}")
    return rng.choices(ARCHETYPES, weights=[a.weight for a in ARCHETYPES])[0].name


def validated(data: Mapping[str, Any]) -> SystemDescription:
    """The description as the engine sees it (raises pydantic's error if the generator erred)."""
    return SystemDescription.model_validate(data)
