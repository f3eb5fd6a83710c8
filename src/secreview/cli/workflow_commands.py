"""``secreview init``, ``questions``, ``diff`` and ``portfolio``: the project lead's workflow.

Thin wrappers: each parses its options, calls one library function and prints or writes the
result. Files are written atomically and never over an input.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import click

from secreview.cli.params import OutputFile, output_folder
from secreview.errors import InputError
from secreview.labels import Lang, label
from secreview.vocabulary import ADDRESSEES

_file = click.Path(dir_okay=False, path_type=Path)
EXIT_INCOMPLETE = 1
"""portfolio: some file could not be reviewed (the register was written without it)."""
_lang_option = click.option("--lang", type=click.Choice(["sv", "en"]), default=None,
                            help="Language. Default: the profile's (sv for the bundled one).")
_profile_option = click.option(
    "--profile", "profile", type=str, default=None,
    help="Organisation profile file, or a bundled one: se-municipality, generic, iso27005-5x5.")
_rules_option = click.option(
    "--rules", "rules", multiple=True, type=click.Path(path_type=Path),
    help="Ruleset file or folder (repeatable). Default: the profile's bundled rulesets.")


def _emit(text: str, output: Path | None, lang: Lang, protected: list[Path]) -> None:
    if output is None:
        click.echo(text, nl=False)
        return
    from secreview.output import write_atomic

    write_atomic(output, text, protected)
    click.echo(label("cli.written", lang, file=str(output)), err=True)


def _default_schema_ref(output: Path | None) -> str:
    """The schema path as seen from the template's folder (docs/schemas/ under the cwd)."""
    from secreview.questionnaire import SCHEMA_REF

    if output is None:
        return SCHEMA_REF
    target = Path.cwd() / SCHEMA_REF
    return Path(os.path.relpath(target, output.resolve().parent)).as_posix()


@click.command()
@click.option("-o", "--output", type=OutputFile(), default=None,
              help="Write the template to this file (refused if it exists, unless --force); "
              "- or none: standard output.")
@click.option("--force", is_flag=True, help="Overwrite an existing output file.")
@_lang_option
@_profile_option
@_rules_option
@click.option("--schema", "schema_ref", default=None,
              help="Schema path or URL for the editor line. Default: "
              "docs/schemas/system.schema.json, relative to the output file.")
def init(output: Path | None, force: bool, lang: Lang | None, profile: str | None,
         rules: tuple[Path, ...], schema_ref: str | None) -> None:
    """Write a questionnaire: every fact as commented YAML, routing questions first.

    Empty answers mean unknown, so the untouched template already reviews (as incomplete).
    """
    from secreview.api import Reviewer

    reviewer = Reviewer(profile, rules, lang=lang)
    language: Lang = reviewer.language
    if output is not None and output.exists() and not force:
        raise InputError.single(label("workflow.init.exists", language, file=str(output)),
                                file=str(output),
                                suggestion=f"secreview init -o {output} --force")
    text = reviewer.questionnaire(schema_ref or _default_schema_ref(output))
    # --force never replaces an input
    _emit(text, output, language, [*reviewer.input_files(), *rules])


@click.command()
@click.argument("system", type=_file)
@click.option("--format", "fmt", type=click.Choice(["text", "md", "csv", "xlsx"]),
              default="text",
              help="text for the terminal, md to paste into an e-mail, csv for a spreadsheet, "
              "xlsx for a workbook the addressee fills in (needs -o; read it back with "
              "'secreview answers import').")
@click.option("-o", "--output", type=OutputFile(), default=None,
              help="Write to this file; - or none: standard output.")
@_lang_option
@_profile_option
@_rules_option
@click.option("--waivers", type=_file, default=None, help="Waiver file with accepted risks.")
@click.option("--for", "addressee", type=click.Choice(ADDRESSEES), default=None,
              help="Only the questions this role answers (vendor for the vendor). "
              "Default: everyone's, each naming who answers it; the vendor's for xlsx.")
@click.option("--all", "include_answered", is_flag=True,
              help="xlsx only: also every question already answered, to confirm or correct.")
def questions(system: Path, fmt: str, output: Path | None, lang: Lang | None,
              profile: str | None, rules: tuple[Path, ...], waivers: Path | None,
              addressee: str | None, include_answered: bool) -> None:
    """List the unknown facts of SYSTEM that change the outcome, worst first.

    With --for vendor, only the vendor's questions: the municipality's own (classification,
    DPIA, prior consultation, säkerhetsskydd, the Article 9 exception) never reach the vendor.
    """
    from secreview.api import Reviewer

    if fmt == "xlsx" and output is None:
        raise click.UsageError("--format xlsx writes a workbook: give the file with -o")
    if include_answered and fmt != "xlsx":
        raise click.UsageError("--all is for --format xlsx")
    reviewer = Reviewer(profile, rules, waivers, lang)
    inputs = reviewer.load(system)
    review = reviewer.review(inputs)
    protected = [system, *reviewer.input_files(), *rules]
    if fmt == "xlsx":
        from secreview.exchange import workbook_for
        from secreview.output import write_atomic

        assert output is not None
        data = workbook_for(review, inputs, addressee or "vendor", review.language,
                            include_answered, exported_on=dt.date.today())
        write_atomic(output, data, protected)
        click.echo(label("cli.written", review.language, file=str(output)), err=True)
        return
    text = reviewer.questions(review, fmt, addressee=addressee)
    _emit(text, output, review.language, protected)


@click.command()
@click.argument("old", type=_file)
@click.argument("new", type=_file)
@click.option("--format", "fmt", type=click.Choice(["text", "json", "md"]), default="text")
@click.option("-o", "--output", type=OutputFile(), default=None,
              help="Write to this file; - or none: standard output.")
@click.option("--lang", type=click.Choice(["sv", "en"]), default=None,
              help="Language. Default: the new review's.")
def diff(old: Path, new: Path, fmt: str, output: Path | None, lang: Lang | None) -> None:
    """Compare two review JSON files (OLD, NEW): findings added, resolved, changed, decision."""
    from secreview.report.diff import render_diff
    from secreview.review_diff import diff_reviews, load_review

    before, after = load_review(old), load_review(new)
    language: Lang = lang or after.language
    _emit(render_diff(diff_reviews(before, after), fmt, language), output, language, [old, new])


@click.command()
@click.argument("folder", type=click.Path(path_type=Path))
@click.option("-o", "--output", "outdir", type=output_folder(),
              default=Path("register"), show_default=True,
              help="Folder for register.csv, register.json and register.html; replaced as a "
              "whole, so it may hold nothing else.")
@_lang_option
@_profile_option
@_rules_option
@click.option("--jobs", type=click.IntRange(1, 64), default=None,
              help="Parallel workers. Default: the number of CPUs.")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Date that overdue reviews and expired waivers are judged against "
              "(YYYY-MM-DD). Default: today.")
@click.option("--reports", type=click.Choice(["html", "pdf"]), default=None,
              help="Also write each system's decision report (report-NAME.html or .pdf) beside "
              "the register, which links to it.")
def portfolio(folder: Path, outdir: Path, lang: Lang | None, profile: str | None,
              rules: tuple[Path, ...], jobs: int | None, today: dt.datetime | None,
              reports: str | None) -> None:
    """Review every system description in FOLDER and write a register sorted by risk.

    Files named NAME.waivers.yaml are applied to NAME.yaml. A file that cannot be reviewed (bad
    content, or not a regular file: a FIFO, a broken link, a folder named x.yaml) is listed in
    the register's errors and skipped; the register is still written, and the exit code is 1.
    The output folder is replaced as a whole, in one step, and may hold only the register
    (and the reports an earlier run wrote with --reports).
    """
    from secreview.portfolio import (
        ReportRequest,
        build_register,
        check_output_folder,
        terminate_as_interrupt,
        write_register,
    )

    check_output_folder(folder, outdir, lang or "en")
    with terminate_as_interrupt():
        register = build_register(folder, rules, profile, jobs,
                                  today.date() if today else dt.date.today(),
                                  ReportRequest(reports, lang) if reports else None)
        language: Lang = lang or register.language
        write_register(register, outdir, language, protected=[folder, *rules])
    for error in register.errors:
        click.echo(error.format(), err=True)
    click.echo(label("workflow.portfolio.summary", language, reviewed=len(register.entries),
                     errors=len(register.errors), folder=str(outdir)), err=True)
    if register.errors:
        raise SystemExit(EXIT_INCOMPLETE)


def register(group: click.Group) -> None:
    group.add_command(init)
    group.add_command(questions)
    group.add_command(diff)
    group.add_command(portfolio)
