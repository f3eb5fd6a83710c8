"""The rule catalogue as documents (``secreview rules docs``): an index and a page per aspect,
in Markdown and HTML.

Rendered like the reports: the HTML through the one Jinja environment
(:func:`secreview.report.environment.environment`, templates in ``report_templates/rules/``),
the Markdown through the shared escaper. Rule texts come from ruleset files, which may be
untrusted; output is deterministic (catalogue order, no timestamps), so a regenerated catalogue
differs only where the rules did.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from secreview.errors import InputError
from secreview.i18n import Lang, label
from secreview.report.markdown_text import md
from secreview.rules.loader import Catalog, CompiledRule
from secreview.toolkit.catalogue import (
    WORDS,
    _level,
    _lowers,
    _named,
    _ruleset_of,
    _scaling_text,
    condition_yaml,
    word,
)


def md_url(url: str) -> str:
    """A URL safe inside a Markdown link target."""
    return url.replace(" ", "%20").replace("(", "%28").replace(")", "%29").replace("<", "%3C") \
        .replace(">", "%3E")


def _fence(text: str) -> str:
    longest = max((len(run) for run in text.split("\n") for run in _backtick_runs(run)),
                  default=0)
    return "`" * max(3, longest + 1)


def _backtick_runs(line: str) -> list[str]:
    runs, current = [], ""
    for char in line:
        if char == "`":
            current += char
        elif current:
            runs.append(current)
            current = ""
    return [*runs, current] if current else runs


@dataclass(frozen=True)
class RuleView:
    """One rule, prepared for the document templates in one language."""

    id: str
    title: str
    message: str
    remediation: str
    consequence: str
    likelihood: str
    scaling: list[str]
    references: list[tuple[str, str | None]]
    ruleset: str
    remedy: str
    owner: str
    due: str
    dpia: str | None
    applies_if: str | None
    finding_if: str
    mitigations: list[str]


def _view(compiled: CompiledRule, catalog: Catalog, lang: Lang) -> RuleView:
    rule = compiled.rule
    loaded = _ruleset_of(compiled, catalog)
    return RuleView(
        id=rule.id, title=rule.title.get(lang), message=rule.message.get(lang),
        remediation=rule.remediation.get(lang), consequence=_level(rule.consequence, lang),
        likelihood=_level(rule.likelihood, lang), scaling=_scaling_text(rule, lang),
        references=[(ref.label(), ref.url) for ref in rule.references],
        ruleset=f"{loaded.id} {loaded.model.ruleset.version}",
        remedy=_named("remedy", rule.remedy, lang), owner=_named("role", rule.owner_role, lang),
        due=_named("due", rule.due, lang),
        dpia=_named("criterion", rule.dpia_criterion, lang) if rule.dpia_criterion else None,
        applies_if=condition_yaml(rule.applies_if) if rule.applies_if else None,
        finding_if=condition_yaml(rule.finding_if),
        mitigations=[f"{m.title.get(lang)} ({_lowers(m.lowers, m.steps, lang)})"
                     for m in rule.mitigations],
    )


def _by_aspect(catalog: Catalog) -> dict[str, list[CompiledRule]]:
    groups: dict[str, list[CompiledRule]] = {}
    for aspect in catalog.aspects:
        rules = sorted((r for r in catalog.rules if r.aspect == aspect), key=lambda r: r.id)
        if rules:
            groups[aspect] = rules
    return groups


def _words(lang: Lang) -> dict[str, str]:
    words = {key: text.get(lang) for key, text in WORDS.items()}
    words["references"] = label("label.references", lang)
    words["remediation"] = label("label.remediation", lang)
    return words


def _markdown_index(catalog: Catalog, groups: Mapping[str, list[CompiledRule]],
                    lang: Lang) -> str:
    lines = [f"# {word('catalogue', lang)}", "", word("generated", lang), "",
             f"| {word('ruleset', lang)} | {word('version', lang)} |", "|---|---|"]
    lines += [f"| {md(r.id)} | {r.model.ruleset.version} |"  # version: digits and dots
              for r in catalog.rulesets]
    lines += ["", f"## {word('aspects', lang)}", ""]
    lines += [f"- [{md(catalog.aspects[a].get(lang))}]({a}.md) ({len(rules)})"
              for a, rules in groups.items()]
    lines += ["", word("levels_note", lang)]
    return "\n".join(lines) + "\n"


def _markdown_aspect(title: str, views: list[RuleView], lang: Lang) -> str:
    words = _words(lang)
    lines = [f"[{md(words['back'])}](index.md)", "", f"# {md(title)}"]
    for v in views:
        lines += ["", f"## {md(v.title)}", "",
                  f"`{v.id}` · {words['ruleset']} {md(v.ruleset)}", "",
                  md(v.message), "",
                  f"**{words['remediation']}:** {md(v.remediation)}", "",
                  f"| {words['consequence']} | {words['likelihood']} | {words['remedy']} | "
                  f"{words['owner']} | {words['due']} |",
                  "|---|---|---|---|---|",
                  f"| {md(v.consequence)} | {md(v.likelihood)} | "
                  f"{md(v.remedy)} | {md(v.owner)} | {md(v.due)} |"]
        if v.scaling:
            lines += ["", *[f"- {md(line)}" for line in v.scaling]]
        if v.dpia:
            lines += ["", f"**{words['dpia']}:** {md(v.dpia)}"]
        lines += ["", f"**{words['references']}:**", ""]
        lines += [f"- [{md(text)}]({md_url(url)})" if url else f"- {md(text)}"
                  for text, url in v.references]
        for key, cond in (("applies_if", v.applies_if), ("finding_if", v.finding_if)):
            if cond is not None:
                fence = _fence(cond)
                lines += ["", f"**{words[key]}:**", "", f"{fence}yaml", cond, fence]
        if v.mitigations:
            lines += ["", f"**{words['mitigations']}:**", ""]
            lines += [f"- {md(m)}" for m in v.mitigations]
    return "\n".join(lines) + "\n"


def render_catalogue(catalog: Catalog, lang: Lang = "en") -> dict[str, str]:
    """Every catalogue file by name: ``index.md``, ``index.html``, and ``ASPECT.md/.html``."""
    from secreview.report.environment import environment

    groups = _by_aspect(catalog)
    env = environment()
    words = _words(lang)
    files = {
        "index.md": _markdown_index(catalog, groups, lang),
        "index.html": env.get_template("rules/index.html.j2").render(
            lang=lang, page_title=words["catalogue"], words=words,
            rulesets=[(r.id, r.model.ruleset.version) for r in catalog.rulesets],
            aspects=[{"id": a, "title": catalog.aspects[a].get(lang), "count": len(rules)}
                     for a, rules in groups.items()],
        ),
    }
    for aspect, rules in groups.items():
        title = catalog.aspects[aspect].get(lang)
        views = [_view(r, catalog, lang) for r in rules]
        files[f"{aspect}.md"] = _markdown_aspect(title, views, lang)
        files[f"{aspect}.html"] = env.get_template("rules/aspect.html.j2").render(
            lang=lang, page_title=f"{title} – {words['catalogue']}", words=words,
            aspect_title=title, rules=views,
        )
    return dict(sorted(files.items()))


def write_catalogue(catalog: Catalog, folder: str | Path, lang: Lang = "en",
                    protected: list[Path] | None = None) -> list[Path]:
    """Write the catalogue into ``folder`` (created if needed), every file atomically."""
    from secreview.output import write_atomic

    target = Path(folder)
    if target.exists() and not target.is_dir():
        raise InputError.single("output path is a file, expected a folder", file=str(target))
    target.mkdir(parents=True, exist_ok=True)
    return [write_atomic(target / name, text, protected or [])
            for name, text in render_catalogue(catalog, lang).items()]
