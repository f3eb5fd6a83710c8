"""The ``secreview`` command: parse, call the library, print, set the exit code. Nothing else.

Exit codes: 0 success; 1 the result crossed a threshold the user set (``--fail-on``, lint
problems, failing rule tests); 2 bad input or usage; 3 an internal error (a bug: please report).
"""

from __future__ import annotations

import sys
from typing import Any

import click

from secreview import __version__
from secreview.errors import InputError

EXIT_INPUT = 2
EXIT_INTERNAL = 3


class SecreviewGroup(click.Group):
    """Turns library errors into clear messages and exit codes; tracebacks only with --debug."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except InputError as exc:
            click.echo(exc.format(), err=True)
            if ctx.find_root().params.get("debug"):
                _print_traceback()
            ctx.exit(EXIT_INPUT)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            ctx.exit(130)
        except Exception as exc:
            if ctx.find_root().params.get("debug"):
                _print_traceback()
            else:
                click.echo(f"secreview: internal error: {type(exc).__name__}: {exc}\n"
                           "Run again with --debug for details, and please report it.", err=True)
            ctx.exit(EXIT_INTERNAL)


def _print_traceback() -> None:
    import traceback  # only with --debug: not on every command's start-up

    traceback.print_exc()


@click.group(cls=SecreviewGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="secreview")
@click.option("--debug", is_flag=True, help="Show tracebacks for errors.")
def main(debug: bool) -> None:
    """Review an IT system before procurement: GDPR, classification, access, cloud, archiving.

    Start with 'secreview review SYSTEM.yaml', or 'secreview init' for a questionnaire.
    """
    del debug


def _register() -> None:
    from secreview.cli import review_commands

    review_commands.register(main)
    for name in ("rules_commands", "workflow_commands", "exchange_commands",
                 "workspace_commands"):
        try:
            module = __import__(f"secreview.cli.{name}", fromlist=["register"])
        except ModuleNotFoundError as exc:
            if exc.name != f"secreview.cli.{name}":
                raise
            continue
        module.register(main)


_register()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
