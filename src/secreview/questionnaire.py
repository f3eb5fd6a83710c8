"""The questionnaire: a commented YAML template a project lead fills in, question by question.

Every fact of the system model (and every extension fact the loaded rulesets declare) appears as
an empty key, which YAML reads as ``null`` and secreview as *unknown*, so the untouched template is
a valid description whose review is ``incomplete``. Above each key stand the question in plain
language, the values allowed and why it is asked.

A YAML mapping can hold each section only once, so the routing questions (personal data? children?
cloud? AI?) cannot all stand on the first lines as keys. They are listed first in a "start here"
block that says where each is answered and which later sections it makes skippable, and each is the
first key of its own section. Sections follow the order a person answers them: what the system is
and who uses it, the data, its classification, the vendor and where the data goes, then security
controls, exit and archiving.

The first line, ``# yaml-language-server: $schema=...``, points editors (VS Code with the YAML
extension, and others using yaml-language-server) at the JSON Schema for completion and checking.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

from secreview.bundled import load_data
from secreview.facts import FactSpec, core_facts
from secreview.i18n import Labels, Lang, Text, has_label, label, value_choices
from secreview.profile import Profile
from secreview.questions import core_questions, question_for
from secreview.routing import routing_hint
from secreview.rules.loader import Catalog
from secreview.toolkit.catalogue import condition_yaml

SCHEMA_REF = "docs/schemas/system.schema.json"
"""Where ``secreview schema system -o ...`` writes the schema in a checkout (relative path)."""

SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("system", ("system",)),
    ("users", ("users",)),
    ("personal_data", ("personal_data",)),
    ("dpia_screening", ("dpia_screening",)),
    ("classification", ("classification",)),
    ("vendor", ("vendor",)),
    ("hosting", ("hosting",)),
    ("contract", ("contract",)),
    ("access", ("access",)),
    ("logging", ("logging",)),
    ("continuity", ("continuity",)),
    ("security_testing", ("security_testing",)),
    ("integrations", ("integrations", "data_flows_documented")),
    ("telemetry", ("telemetry",)),
    ("ai", ("ai",)),
    ("exit", ("exit",)),
    ("archiving", ("archiving",)),
    ("review", ("review",)),
)
"""Answering order: section id (label ``workflow.section.<id>``) and the top-level keys it holds."""

ROUTING: tuple[str, ...] = tuple(
    entry["fact"] for entry in load_data("routing.yaml")["routing"])
"""Questions whose answer makes later questions skippable (``data/routing.yaml``, the one list the
engine's implications and the linter's closure check read too); each has a
``workflow.routing.<path>`` label, which :func:`secreview.routing.routing_hint` puts after the
answer."""

COUNTRY_SUFFIXES = ("country", "countries")
INDENT = "  "


def section_of(path: str, catalog: Catalog | None = None) -> str:
    """The questionnaire section a fact belongs to (its area), by its top-level key; an
    extension fact stands in the section its declaration names (with ``catalog``)."""
    fact = catalog.extension(path) if catalog is not None else None
    if fact is not None and fact.for_each is None:
        known = fact.section in {s for s, _keys in SECTIONS}
        return fact.section if fact.section is not None and known else "extensions"
    top = path.split(".", 1)[0]
    if top == "derived":
        return "dpia_screening"
    for section, keys in SECTIONS:
        if top in keys:
            return section
    return "extensions"


def section_title(section: str, lang: Lang) -> str:
    key = f"workflow.section.{section}"
    return label(key, lang) if has_label(key) else section


def fact_why(path: str, catalog: Catalog) -> Text | None:
    """Why a fact is asked: the catalogue's reason, or the declaring ruleset's for extensions."""
    fact = catalog.extension(path)
    if fact is not None:
        return fact.why
    entry = core_questions().get(path)
    return entry["why"] if entry else None


def allowed_values(spec: FactSpec, name: str, lang: Lang, path: str | None = None,
                   labels: Labels | None = None) -> str:
    """The answers a fact accepts, as a person reads them; enumerated ids with their meaning
    (``labels``: what the loaded rulesets' extension facts call theirs).

    ``path`` is the fact's full path where ``spec.path`` is not (fields of a list's entries).
    """
    choices = value_choices(path or spec.path, spec.allowed or (), lang, labels)
    if spec.kind == "bool":
        return label("workflow.values.bool", lang)
    if spec.kind == "enum":
        return label("workflow.values.enum", lang, values=choices)
    if spec.kind == "list":
        if spec.allowed:
            return label("workflow.values.list_of", lang, values=choices)
        if name.endswith(COUNTRY_SUFFIXES):
            return label("workflow.values.countries", lang)
        return label("workflow.values.list", lang)
    if spec.kind in ("int", "number"):
        kind = label(f"workflow.values.{spec.kind}", lang)
        if spec.minimum is not None and spec.maximum is not None:
            return label("workflow.values.range", lang, kind=kind, low=f"{spec.minimum:g}",
                         high=f"{spec.maximum:g}")
        if spec.minimum is not None:
            return label("workflow.values.at_least", lang, kind=kind, low=f"{spec.minimum:g}")
        if spec.maximum is not None:
            return label("workflow.values.at_most", lang, kind=kind, high=f"{spec.maximum:g}")
        return kind
    if spec.kind == "date":
        return label("workflow.values.date", lang)
    if spec.kind == "objects":
        return label("workflow.values.objects", lang)
    if name.endswith(COUNTRY_SUFFIXES):
        return label("workflow.values.country", lang)
    return label("workflow.values.string", lang)


@dataclass
class _Writer:
    """Accumulates the template's lines; comments are wrapped so they read well in an editor."""

    lang: Lang
    lines: list[str]

    def comment(self, depth: int, text: str, width: int = 96) -> None:
        prefix = INDENT * depth + "#"
        if not text.strip():
            self.lines.append(prefix)
            return
        for line in textwrap.wrap(text, width=width - len(prefix) - 1,
                                  subsequent_indent="    ", break_on_hyphens=False,
                                  drop_whitespace=True):
            self.lines.append(f"{prefix} {line}")

    def blank(self) -> None:
        if self.lines and self.lines[-1] != "":
            self.lines.append("")


def _leaf(out: _Writer, depth: int, path: str, spec: FactSpec, catalog: Catalog,
          profile: Profile) -> None:
    lang = out.lang
    name = path.rsplit(".", 1)[-1]
    out.blank()
    question = question_for(path, catalog).get(lang)
    if path in ROUTING:
        question = f"[{label('workflow.init.routing_marker', lang)}] {question}"
    out.comment(depth, question)
    labels = catalog.value_labels()
    answer = allowed_values(spec, name, lang, labels=labels)
    out.comment(depth, f"  {label('workflow.init.answer', lang)}: {answer}")
    declared = catalog.extension(path)
    if declared is not None and declared.help is not None:
        out.comment(depth, f"  {label('workflow.init.help', lang)}: {declared.help.get(lang)}")
    why = fact_why(path, catalog)
    if why is not None:
        out.comment(depth, f"  {label('workflow.init.why', lang)}: {why.get(lang)}")
    if declared is not None and declared.asked_if is not None:
        out.comment(depth, "  → " + label("workflow.init.asked_if", lang,
                                          condition=condition_yaml(declared.asked_if, True)))
    if path in ROUTING:
        out.comment(depth, "  → " + routing_hint(path, lang, "yaml"))
    if path == "review.next_review":
        out.comment(depth, "  " + label("workflow.init.next_review_default", lang,
                                        months=profile.review_interval_months))
    if spec.extension:
        out.comment(depth, "  " + label("workflow.init.asked_by", lang,
                                        ruleset=_declared_by(name, catalog)))
    if spec.kind == "objects":
        out.comment(depth, "  " + label("workflow.init.each_item", lang))
        own = {k: v for k, v in spec.item_facts.items() if not v.extension}
        for index, (item_name, item) in enumerate(own.items()):
            marker = "- " if index == 0 else "  "
            key = f"workflow.item.{path}.{item_name}"
            meaning = label(key, lang) if has_label(key) else item_name
            out.comment(depth, f"    {marker}{item_name}:  # {meaning} "
                        f"({allowed_values(item, item_name, lang, f'{path}.{item_name}')})")
        _item_extensions(out, depth, path, spec, catalog)
    out.lines.append(f"{INDENT * depth}{name}:")


def _item_extensions(out: _Writer, depth: int, path: str, spec: FactSpec,
                     catalog: Catalog) -> None:
    """The extension facts asked for each item of a list, under the item's ``extensions:``."""
    lang = out.lang
    asked = {k: v for k, v in spec.item_facts.items() if v.extension}
    if not asked:
        return
    out.comment(depth, "      extensions:")
    labels = catalog.value_labels()
    for key, item in asked.items():
        full = f"{path}.{key}"
        name = key.removeprefix("extensions.")
        answer = allowed_values(item, name, lang, full, labels)
        out.comment(depth, f"        {name}:  # {question_for(full, catalog).get(lang)} "
                    f"({answer})")
        declared = catalog.extension(full)
        if declared is not None and declared.help is not None:
            out.comment(depth, f"          {label('workflow.init.help', lang)}: "
                        f"{declared.help.get(lang)}")


def _declared_by(name: str, catalog: Catalog) -> str:
    for loaded in catalog.rulesets:
        if any(fact.name == name for fact in loaded.model.facts):
            return loaded.id
    return "?"


def _tree(paths: Sequence[str]) -> dict[str, object]:
    """Nest dotted paths into an ordered tree of sections; leaves are the full paths."""
    tree: dict[str, object] = {}
    for path in paths:
        node = tree
        parts = path.split(".")
        for part in parts[:-1]:
            child = node.setdefault(part, {})
            assert isinstance(child, dict)
            node = child
        node[parts[-1]] = path
    return tree


def _routing_first(keys: list[str], prefix: str) -> list[str]:
    routed = [k for k in keys if f"{prefix}{k}" in ROUTING]
    routed.sort(key=lambda k: ROUTING.index(f"{prefix}{k}"))
    return routed + [k for k in keys if k not in routed]


def _emit(out: _Writer, node: dict[str, object], depth: int, prefix: str, catalog: Catalog,
          profile: Profile) -> None:
    for key in _routing_first(list(node), prefix):
        child = node[key]
        if isinstance(child, str):
            _leaf(out, depth, child, catalog.facts[child], catalog, profile)
        else:
            assert isinstance(child, dict)
            out.blank()
            out.lines.append(f"{INDENT * depth}{key}:")
            _emit(out, child, depth + 1, f"{prefix}{key}.", catalog, profile)


def _header(out: _Writer, catalog: Catalog, schema_ref: str, numbers: dict[str, int]) -> None:
    lang = out.lang
    out.lines.append(f"# yaml-language-server: $schema={schema_ref}")
    out.comment(0, label("workflow.init.title", lang))
    out.comment(0, "")
    for key in ("workflow.init.how_1", "workflow.init.how_2", "workflow.init.how_3"):
        out.comment(0, label(key, lang))
    out.comment(0, "")
    out.comment(0, label("workflow.init.routing_heading", lang))
    for number, path in enumerate(ROUTING, 1):
        section = section_of(path)
        out.comment(0, f"{number}. {question_for(path, catalog).get(lang)}")
        out.comment(0, "   " + label("workflow.init.routing_where", lang, path=path,
                                      number=numbers[section],
                                      section=section_title(section, lang)))
        out.comment(0, "   → " + routing_hint(path, lang, "yaml"))


def build_template(catalog: Catalog, profile: Profile, lang: Lang,
                   schema_ref: str = SCHEMA_REF) -> str:
    """The questionnaire for every fact ``catalog`` knows, in ``lang``, as commented YAML."""
    answerable = [p for p in catalog.facts if not p.startswith("derived.")]
    core = [p for p in core_facts() if p in answerable]
    order = {section: i for i, (section, _keys) in enumerate(SECTIONS)}
    extensions = sorted((p for p in answerable if p.startswith("extensions.")),
                        key=lambda p: (order.get(section_of(p, catalog), len(order)), p))
    tree = _tree(core)
    sections = [(s, [k for k in keys if k in tree]) for s, keys in SECTIONS]
    covered = {k for _, keys in sections for k in keys}
    sections += [(k, [k]) for k in tree if k not in covered]
    if extensions:
        sections.append(("extensions", ["extensions"]))
        tree["extensions"] = {p.removeprefix("extensions."): p for p in extensions}
    numbers = {section: index for index, (section, _) in enumerate(sections, 1)}
    # YAML holds 'extensions:' once, so a question placed in another section is answered in the
    # extensions block, under that section's heading, and the section points to it.
    placed: dict[str, list[str]] = {}
    for path in extensions:
        placed.setdefault(section_of(path, catalog), []).append(path.removeprefix("extensions."))
    out = _Writer(lang, [])
    _header(out, catalog, schema_ref, numbers)
    for section, keys in sections:
        out.blank()
        out.blank()
        title = f"{numbers[section]}. {section_title(section, lang).upper()}"
        out.lines.append("# " + "=" * 94)
        out.lines.append(f"# {title}")
        out.lines.append("# " + "=" * 94)
        if section == "extensions":
            _emit_extensions(out, extensions, catalog, profile, numbers)
            continue
        _emit(out, {k: tree[k] for k in keys}, 0, "", catalog, profile)
        if section in placed:
            out.blank()
            out.comment(0, label("workflow.init.extensions_here", lang,
                                 number=numbers["extensions"],
                                 names=", ".join(placed[section])))
    return "\n".join(out.lines).rstrip("\n") + "\n"


def _emit_extensions(out: _Writer, extensions: list[str], catalog: Catalog, profile: Profile,
                     numbers: dict[str, int]) -> None:
    """The extensions block: the rulesets' own questions, grouped by the section they belong
    to, in answering order."""
    out.blank()
    out.lines.append("extensions:")
    current: str | None = None
    for path in extensions:
        section = section_of(path, catalog)
        if section != current and section != "extensions":
            out.blank()
            out.comment(1, f"--- {numbers[section]}. {section_title(section, out.lang)} ---")
        current = section
        _leaf(out, 1, path, catalog.facts[path], catalog, profile)
