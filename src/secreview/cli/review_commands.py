"""``secreview review``, ``check`` and ``schema``."""

from __future__ import annotations

import contextlib
import datetime as dt
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import click

from secreview.labels import Lang, label
from secreview.schemas import SCHEMAS
from secreview.vocabulary import OUTCOME_SEVERITY

FAIL_ON = {"reject": "reject", "incomplete": "incomplete", "conditions": "approve_with_conditions"}
"""``--fail-on`` choices: the mildest outcome that fails the run."""

existing_file = click.Path(exists=False, dir_okay=False, path_type=Path)


F = TypeVar("F", bound=Callable[..., Any])


def _rules_option(function: F) -> F:
    return click.option(
        "--rules", "rules", multiple=True, type=click.Path(path_type=Path),
        help="Ruleset file or folder (repeatable). Default: the profile's selection of the "
        "bundled rulesets.",
    )(function)


_told: list[bool] = []


def _tell_once_without_harfbuzz_subset(language: Lang, missing: bool) -> None:
    """Say once per run that libharfbuzz-subset0 is missing, and what that costs."""
    if missing and not _told:
        _told.append(True)
        click.echo(label("cli.harfbuzz_subset_missing", language), err=True)


@contextlib.contextmanager
def _loading() -> Iterator[None]:
    """Import the engine and load profile and rules with the garbage collector paused, then
    freeze what was loaded. Importing builds the pydantic models and loading builds the rules:
    hundreds of thousands of objects that live until the process ends, which collections
    would only walk again (about a tenth of a JSON review's start-up, docs/benchmarks.md), and
    again at every collection during the review (benchmarks/scaling.py). Nothing is collected
    before the freeze: the little garbage loading leaves lives as long as the command anyway,
    and a full collection would walk every loaded object once more."""
    import gc

    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


@click.command()
@click.argument("system", type=existing_file)
@_rules_option
@click.option("--profile", "profile", type=str, default=None,
              help="Organisation profile file, or a bundled one: se-municipality, generic, "
              "iso27005-5x5.")
@click.option("--waivers", "waivers", type=existing_file, default=None,
              help="Waiver file with accepted risks.")
@click.option("--format", "fmt", default=None,
              help="Output format: text, json, md, html, csv, pdf. Default: from -o, else text.")
@click.option("-o", "--output", "output", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="Write to this file (atomically) instead of standard output.")
@click.option("--lang", type=click.Choice(["sv", "en"]), default=None,
              help="Language of the output. Default: the profile's.")
@click.option("--date", "review_date", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Review date (YYYY-MM-DD). Default: review.date in the description, else today.")
@click.option("--fail-on", type=click.Choice(sorted(FAIL_ON)), default=None,
              help="Exit with code 1 when the decision is this severe (for pipelines).")
@click.option("--catalogue", "catalogue", type=str, default=None,
              help="Also show the review per requirement of this catalogue: a CISO Assistant "
              "library, an OSCAL catalog or a bundled one (nist-sp800-53r5-subset).")
@click.option("--mapping", "mappings", multiple=True, type=existing_file,
              help="Mapping file of rules onto the catalogue's requirements (repeatable).")
def review(system: Path, rules: tuple[Path, ...], profile: str | None, waivers: Path | None,
           fmt: str | None, output: Path | None, lang: Lang | None,
           review_date: dt.datetime | None, fail_on: str | None, catalogue: str | None,
           mappings: tuple[Path, ...]) -> None:
    """Review SYSTEM (a YAML or JSON system description) and report the decision."""
    worker = None
    if fmt == "pdf" or (fmt is None and output is not None and output.suffix.lower() == ".pdf"):
        if output is None and sys.stdout.isatty():
            from secreview.errors import InputError

            raise InputError.single(label("cli.pdf_to_terminal", lang or "sv"),
                                    suggestion="-o report.pdf, or redirect: > report.pdf")
        from secreview.report import pdf_worker

        worker = pdf_worker.start()  # WeasyPrint's import overlaps loading and reviewing
    from secreview.report import format_for

    chosen = format_for(output, fmt)
    with _loading():
        from secreview.api import Reviewer

        reviewer = Reviewer(profile, rules, waivers, lang)
    result = reviewer.review(system, review_date.date() if review_date else None)
    protected = [system, *reviewer.input_files(), *rules, *mappings]
    if catalogue is not None:
        from secreview.catalogues.read import catalogue_file
        from secreview.catalogues.view import with_catalogue

        result = with_catalogue(result, reviewer.catalog, catalogue, mappings)
        protected.append(catalogue_file(catalogue))
    elif mappings:
        raise click.UsageError("--mapping needs --catalogue")
    language: Lang = result.language
    rendered: str | bytes
    if worker is not None:
        from secreview.report.logo import profile_logo
        from secreview.report.pdf import prepare

        rendered, no_subset = worker.render(prepare(
            result, language, logo=profile_logo(reviewer.profile, reviewer.profile_path)))
        _tell_once_without_harfbuzz_subset(language, no_subset)
    else:
        rendered = reviewer.render(result, chosen)
        if chosen == "pdf":
            from secreview.report import weasy

            _tell_once_without_harfbuzz_subset(language, weasy.harfbuzz_subset_missing())
    if output is None:
        if isinstance(rendered, bytes):
            sys.stdout.buffer.write(rendered)
            sys.stdout.buffer.flush()
        else:
            click.echo(rendered, nl=False)
    else:
        from secreview.output import write_atomic

        write_atomic(output, rendered, protected)
        click.echo(label("cli.written", language, file=str(output)), err=True)
    if fail_on and OUTCOME_SEVERITY[result.decision.outcome] >= OUTCOME_SEVERITY[FAIL_ON[fail_on]]:
        click.echo(label("cli.exit_fail_on", language,
                         outcome=label("decision." + result.decision.outcome, language),
                         threshold=fail_on), err=True)
        raise SystemExit(1)


@click.command()
@click.argument("system", type=existing_file)
@_rules_option
@click.option("--profile", "profile", type=str, default=None, help="Organisation profile.")
@click.option("--lang", type=click.Choice(["sv", "en"]), default=None,
              help="Language of the message. Default: the profile's.")
def check(system: Path, rules: tuple[Path, ...], profile: str | None, lang: Lang | None) -> None:
    """Validate SYSTEM against the model and the rulesets' extension facts, without reviewing."""
    with _loading():
        from secreview.api import Reviewer

        reviewer = Reviewer(profile, rules, lang=lang)
    known, total = reviewer.answered(reviewer.load(system))
    click.echo(label("cli.checked", reviewer.language, file=str(system), known=known,
                     total=total))


@click.command()
@click.argument("kind", type=click.Choice(SCHEMAS))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None)
def schema(kind: str, output: Path | None) -> None:
    """Print the JSON Schema of a document kind, generated from the models."""
    from secreview.schemas import schema_text

    text = schema_text(kind)
    if output is None:
        click.echo(text, nl=False)
    else:
        from secreview.output import write_atomic
        write_atomic(output, text)


def register(group: click.Group) -> None:
    group.add_command(review)
    group.add_command(check)
    group.add_command(schema)
