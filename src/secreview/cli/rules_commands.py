"""``secreview rules``: the security officer's toolkit (lint, test, list, show, docs, diff,
coverage).

Thin: each command parses its options, calls the library in :mod:`secreview.rules` and sets the
exit code: 0 clean, 1 problems or failures found, 2 could not run (bad input or usage).
"""

from __future__ import annotations

from pathlib import Path

import click

from secreview.cli.params import OutputFile, output_folder
from secreview.labels import Lang, label

EXIT_FOUND = 1

_paths = click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
_format = click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
                       show_default=True, help="Output for people (text) or for tools (json).")
_lang = click.option("--lang", type=click.Choice(["sv", "en"]), default="en", show_default=True,
                     help="Language of rule texts and headings.")
_rules = click.option("--rules", "rules", multiple=True, type=click.Path(path_type=Path),
                      help="Ruleset file or folder (repeatable). Default: the bundled rulesets.")


@click.group()
def rules() -> None:
    """Maintain rulesets: lint, test, browse, document and compare them."""


@rules.command()
@_paths
@click.option("--profile", "profile", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="Also lint the rulesets this organisation profile selects, "
              "and check its tailoring against them.")
@_format
@_lang
def lint(paths: tuple[Path, ...], profile: Path | None, fmt: str, lang: Lang) -> None:
    """Check rulesets for every mistake at once. PATHS: files or folders (default: bundled).

    Exit 0 when clean, 1 when problems are found, 2 when linting could not run.
    """
    from secreview.toolkit.lint import lint_paths, lint_profile

    report = lint_profile(profile, paths) if profile else lint_paths(paths)
    click.echo(report.format_json() if fmt == "json" else report.format_text(lang), nl=False)
    if not report.clean:
        raise SystemExit(EXIT_FOUND)


@rules.command(name="test")
@_paths
@click.option("--fixtures", "fixtures", multiple=True, type=click.Path(path_type=Path),
              help="Extra fixture folder (repeatable). 'fixtures/' next to PATHS is always used.")
@click.option("--profile", "profile", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="Test the rulesets this organisation profile selects, with its "
              "tailoring (PATHS then only add fixture folders).")
@_format
@_lang
@click.option("-v", "--verbose", is_flag=True, help="List passing rules too.")
def test_command(paths: tuple[Path, ...], fixtures: tuple[Path, ...], profile: Path | None,
                 fmt: str, lang: Lang, verbose: bool) -> None:
    """Run every rule's examples and the fixture systems. PATHS default to the bundled rulesets.

    Exit 0 when everything passes, 1 on any failure, 2 when the rulesets cannot be loaded.
    """
    from secreview.toolkit.testing import test_paths, test_profile

    run = test_profile(profile, paths, fixtures) if profile else test_paths(paths, fixtures)
    click.echo(run.format_json() if fmt == "json" else run.format_text(verbose, lang),
               nl=False)
    if not run.ok:
        raise SystemExit(EXIT_FOUND)


@rules.command(name="list")
@_rules
@_format
@_lang
def list_command(rules: tuple[Path, ...], fmt: str, lang: Lang) -> None:
    """List the loaded rules (JSON: {"rules": [...]})."""
    from secreview.rules.loader import load_catalog
    from secreview.toolkit.catalogue import catalogue_json, catalogue_table

    catalog = load_catalog(rules)
    click.echo(catalogue_json(catalog) if fmt == "json" else catalogue_table(catalog, lang),
               nl=False)


@rules.command()
@click.argument("rule_id")
@_rules
@_lang
def show(rule_id: str, rules: tuple[Path, ...], lang: Lang) -> None:
    """Show everything about one rule."""
    from secreview.rules.loader import load_catalog
    from secreview.toolkit.catalogue import find_rule, show_rule

    catalog = load_catalog(rules)
    click.echo(show_rule(find_rule(catalog, rule_id), catalog, lang), nl=False)


@rules.command()
@click.option("-o", "--output", "output", required=True, type=output_folder(),
              help="Folder to write the catalogue into (created if missing).")
@_rules
@_lang
def docs(output: Path, rules: tuple[Path, ...], lang: Lang) -> None:
    """Write a rule catalogue per aspect, in Markdown and HTML."""
    from secreview.report.rules_docs import write_catalogue
    from secreview.rules.loader import load_catalog

    catalog = load_catalog(rules)
    written = write_catalogue(catalog, output, lang, protected=[Path(r.source)
                                                                for r in catalog.rulesets])
    for path in written:
        click.echo(label("cli.written", lang, file=str(path)), err=True)


@rules.command()
@click.argument("old", type=click.Path(path_type=Path))
@click.argument("new", type=click.Path(path_type=Path))
@_format
@_lang
@click.option("--check-versions", is_flag=True,
              help="Exit 1 when a ruleset changed without a large enough version bump.")
def diff(old: Path, new: Path, fmt: str, lang: Lang, check_versions: bool) -> None:
    """Compare two versions of rulesets (files or folders): added, removed, changed rules."""
    from secreview.toolkit.diff import diff_paths

    result = diff_paths([old], [new])
    click.echo(result.format_json() if fmt == "json" else result.format_text(lang), nl=False)
    if check_versions and result.version_problems:
        raise SystemExit(EXIT_FOUND)


@rules.command()
@click.argument("catalogue")
@_rules
@click.option("--profile", "profile", type=str, default=None,
              help="Take the rules this organisation profile selects and tailors.")
@click.option("--mapping", "mappings", multiple=True, type=click.Path(path_type=Path),
              help="Mapping file: rules onto this catalogue's requirements (repeatable). The "
              "bundled mappings apply too.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "md"]), default="text",
              show_default=True, help="For people (text, md) or for tools (json).")
@_lang
@click.option("-o", "--output", "output", type=OutputFile(), default=None,
              help="Write to this file (atomically); - or none: standard output.")
def coverage(catalogue: str, rules: tuple[Path, ...], profile: str | None,
             mappings: tuple[Path, ...], fmt: str, lang: Lang, output: Path | None) -> None:
    """Which requirements of CATALOGUE the rules cover: covered, partly, not, out of scope.

    CATALOGUE: a CISO Assistant framework library (YAML), an OSCAL catalog (JSON), or a bundled
    catalogue by name (nist-sp800-53r5-subset).
    """
    from secreview.catalogues.coverage import catalogue_coverage
    from secreview.report.coverage import coverage_markdown, coverage_text

    report = catalogue_coverage(catalogue, rules, profile, mappings)
    text = (report.to_json() if fmt == "json" else coverage_markdown(report, lang)
            if fmt == "md" else coverage_text(report, lang))
    if output is None:
        click.echo(text, nl=False)
        return
    from secreview.catalogues.read import catalogue_file
    from secreview.output import write_atomic

    protected = [catalogue_file(catalogue), *rules, *mappings]
    write_atomic(output, text, protected)
    click.echo(label("cli.written", lang, file=str(output)), err=True)


def register(group: click.Group) -> None:
    group.add_command(rules)
