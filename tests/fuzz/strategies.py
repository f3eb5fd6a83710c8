"""Hypothesis strategies for hostile documents: random structure, and mutations of valid files.

Random structure alone rarely gets past the first validation error, so keys are drawn from the
vocabulary of the real models, and valid fixture documents are mutated (a value replaced, a key
dropped or added) to reach the deeper checks: the compiler, cross-field validators, evaluation.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import typing
from pathlib import Path
from typing import Any

import yaml
from hypothesis import strategies as st
from pydantic import BaseModel

from secreview.loading import quoting_numbers
from secreview.profile import Profile
from secreview.rules.model import Ruleset
from secreview.rules.operators import OPERATOR_NAMES as OPERATORS
from secreview.system import SystemDescription
from secreview.waivers import WaiverFile

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
PROFILES = Path(__file__).resolve().parents[2] / "rulesets" / "profiles"


def _vocabulary(models: list[type[BaseModel]]) -> list[str]:
    """Every field name and alias reachable from ``models``: the keys a real document uses."""
    seen: set[type[BaseModel]] = set()
    words: set[str] = set(OPERATORS) | {"fact", "all", "any", "none", "not", "of", "where"}
    stack: list[Any] = list(models)
    while stack:
        item = stack.pop()
        if isinstance(item, type) and issubclass(item, BaseModel):
            if item in seen:
                continue
            seen.add(item)
            for name, info in item.model_fields.items():
                words.add(info.alias or name)
                stack.append(info.annotation)
        else:
            stack.extend(typing.get_args(item))
    return sorted(words)


VOCABULARY = _vocabulary([SystemDescription, Ruleset, Profile, WaiverFile])

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-(2**70), 2**70),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=40),
    st.sampled_from(["SE", "US", "NO", "true", "yes", "2026-11-26", "1.0.0", "saas", "health",
                     "", "\x1b[31m", "<script>", "=1+1", "*", "&a", "!!python/name:os.system"]),
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 1, 1)),
)
keys = st.one_of(st.sampled_from(VOCABULARY), st.text(max_size=12))


def structures(max_leaves: int = 25) -> st.SearchStrategy[Any]:
    """Arbitrary nests of mappings, lists and scalars."""
    return st.recursive(
        scalars,
        lambda children: st.one_of(st.lists(children, max_size=4),
                                   st.dictionaries(keys, children, max_size=5)),
        max_leaves=max_leaves,
    )


def documents() -> st.SearchStrategy[dict[str, Any]]:
    """Random documents with a mapping at the top, as every kind of input has."""
    return st.dictionaries(keys, structures(), min_size=1, max_size=6)


def _paths(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(data, dict):
        for key, value in data.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += _paths(value, (*prefix, index))
    return found


@st.composite
def mutations(draw: st.DrawFn, base: dict[str, Any], steps: int = 3) -> dict[str, Any]:
    """``base`` with one to ``steps`` random edits: replace, delete or add a value."""
    data = copy.deepcopy(base)
    for _ in range(draw(st.integers(1, steps))):
        path = draw(st.sampled_from(_paths(data)[1:] or [()]))
        parent: Any = data
        for part in path[:-1]:
            parent = parent[part]
        action = draw(st.sampled_from(["replace", "replace", "delete", "add"]))
        if not path:
            continue
        last = path[-1]
        if action == "replace":
            parent[last] = draw(structures(8))
        elif action == "delete":
            del parent[last]
        elif isinstance(parent[last], dict):
            parent[last][draw(keys)] = draw(structures(4))
        elif isinstance(parent[last], list):
            parent[last].append(draw(structures(4)))
        else:
            parent[last] = draw(scalars)
    return data


def fixture_data(path: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(path.read_text("utf-8"))
    return loaded


VALID_WAIVERS: dict[str, Any] = {"waivers": [{
    "rule": "test.processor_agreement",
    "justification": "Avtal förhandlas; leverantören har accepterat mallen.",
    "accepted_by": {"name": "Anna Andersson", "role": "Informationssäkerhetssamordnare"},
    "accepted_on": dt.date(2026, 1, 10), "expires": dt.date(2027, 1, 10),
}]}


def bases() -> dict[str, dict[str, Any]]:
    """One valid document of each kind, to mutate."""
    return {
        "system": fixture_data(FIXTURES / "system_min.yaml"),
        "ruleset": fixture_data(FIXTURES / "rules" / "mini.yaml"),
        "profile": fixture_data(PROFILES / "se-municipality.yaml"),
        "waivers": VALID_WAIVERS,
    }


def serialise(data: Any, as_json: bool) -> bytes:
    """YAML (dates stay dates) or JSON (dates become text, NaN stays NaN) bytes of ``data``.

    YAML is written as secreview writes it (:func:`secreview.loading.quoting_numbers`): PyYAML
    writes YAML 1.1, where ``0E0`` is text and needs no quotes, but the loader reads YAML 1.2,
    where it is the number 0.0; the writer quotes such text so it reads back as written."""
    if as_json:
        return json.dumps(data, default=str, ensure_ascii=False).encode("utf-8")
    return yaml.dump(data, Dumper=_WRITER, allow_unicode=True,
                     sort_keys=False).encode("utf-8")


_WRITER = quoting_numbers(yaml.SafeDumper)


def _fact_paths() -> list[str]:
    from secreview.facts import core_facts

    return sorted(core_facts())


FACT_PATHS = _fact_paths()
operands = st.one_of(
    scalars, st.lists(scalars, max_size=4), st.fixed_dictionaries({"set": st.sampled_from(
        ["eea", "eu", "adequacy", "nordic", "nope", "xy"])}),
    st.sampled_from(["(a+)+$", "[", r"\s*\s*x", "^SE$", ".*", "(?i)cloud"]),
)


def _leaf() -> st.SearchStrategy[dict[str, Any]]:
    """Mostly plausible leaves (a real fact, one operator), sometimes wild ones."""
    plausible = st.builds(
        lambda fact, op, operand: {"fact": fact, op: operand},
        st.sampled_from(FACT_PATHS), st.sampled_from(OPERATORS),
        st.one_of(st.booleans(), st.integers(0, 5), st.sampled_from(["SE", "saas", "health"]),
                  st.just(True), operands),
    )
    wild = st.builds(
        lambda fact, ops: {"fact": fact, **ops},
        st.one_of(st.sampled_from(["country", "name"]), st.text(max_size=20)),
        st.dictionaries(st.sampled_from(OPERATORS), operands, max_size=2),
    )
    return st.one_of(plausible, plausible, plausible, wild)


def conditions() -> st.SearchStrategy[Any]:
    """Well-formed and malformed conditions, nested with every combinator."""
    return st.recursive(
        _leaf(),
        lambda inner: st.one_of(
            st.builds(lambda k, v: {k: v}, st.sampled_from(["all", "any", "none"]),
                      st.lists(inner, max_size=3)),
            st.builds(lambda v: {"not": v}, inner),
            st.builds(lambda n, v: {"at_least": n, "of": v}, st.integers(-1, 4),
                      st.lists(inner, max_size=3)),
            st.builds(lambda q, f, w: {q: f, "where": w}, st.sampled_from(["for_any", "for_all"]),
                      st.sampled_from(["hosting.subprocessors", "integrations", "vendor.name"]),
                      inner),
        ),
        max_leaves=8,
    )
