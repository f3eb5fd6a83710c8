"""``secreview answers import``: a returned questionnaire read into a new description.

Thin: reads the two files (bounded), calls :func:`secreview.exchange.import_answers`, writes the
new description atomically (never over an input) and prints the refused answers and a summary.
Exit code 0 when every answer was read; 1 when the description was written but some answers
were refused (they are listed); 2 when nothing could be imported.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from secreview.cli.params import OutputFile
from secreview.labels import Lang, label
from secreview.vocabulary import ADDRESSEES

_file = click.Path(dir_okay=False, path_type=Path)


@click.group()
def answers() -> None:
    """Read a questionnaire back: the vendor's answers, with who gave them."""


@answers.command("import")
@click.argument("answers_file", metavar="ANSWERS", type=_file)
@click.option("--into", "system", type=_file, required=True,
              help="The system description the answers belong to (it is never changed).")
@click.option("-o", "--output", type=OutputFile(
    refuse="give the file the new description is written to"), required=True,
              help="Write the new description here (refused over an input).")
@click.option("--by", "who", default=None,
              help="Who answered (a name or organisation). Default: the workbook's "
              "respondent, else the vendor's name.")
@click.option("--role", type=click.Choice(ADDRESSEES), default=None,
              help="In which role. Default: the workbook's addressee (vendor for a CSV).")
@click.option("--date", "when", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="When the answers were given (YYYY-MM-DD). Default: the workbook's "
              "respondent date, else today.")
@click.option("--force", is_flag=True,
              help="Import a workbook made for another system or questionnaire version.")
@click.option("--lang", type=click.Choice(["sv", "en"]), default=None,
              help="Language of the summary. Default: the profile's.")
@click.option("--profile", "profile", type=str, default=None,
              help="Organisation profile file, or a bundled one.")
@click.option("--rules", "rules", multiple=True, type=click.Path(path_type=Path),
              help="Ruleset file or folder (repeatable); they declare extension facts.")
def import_(answers_file: Path, system: Path, output: Path, who: str | None,
            role: str | None, when: dt.datetime | None, force: bool, lang: Lang | None,
            profile: str | None, rules: tuple[Path, ...]) -> None:
    """Import ANSWERS (an .xlsx from 'questions --format xlsx', or a CSV) into a copy of the
    description given with --into, each answer with who gave it, when and where it is
    documented."""
    from secreview.exchange import import_answers
    from secreview.loading import configured_limits, read_regular_file
    from secreview.output import write_atomic
    from secreview.profile import load_profile

    language: Lang = lang or load_profile(profile)[0].language
    limit = configured_limits().max_bytes
    result = import_answers(
        read_regular_file(answers_file, limit), read_regular_file(system, limit),
        answers_name=str(answers_file),
        source=str(system), who=who, role=role, when=when.date() if when else None,
        force=force, profile=profile, rules=rules)
    write_atomic(output, result.text, [answers_file, system, *rules,
                                       *([Path(profile)] if profile else [])])
    for problem in result.problems:
        click.echo(problem.format(), err=True)
    for note in result.notes:
        click.echo(f"{label('heading.warnings', language)}: {note.get(language)}", err=True)
    click.echo(result.summary.text(language), err=True)
    click.echo(label("cli.written", language, file=str(output)), err=True)
    if result.summary.refused:
        click.get_current_context().exit(1)


def register(group: click.Group) -> None:
    group.add_command(answers)
