"""Run the fuzz targets for longer than the test suite does.

    python -m tests.fuzz                      # hypothesis, 10 000 examples per target
    python -m tests.fuzz --examples 100000    # longer
    python -m tests.fuzz --atheris system -max_total_time=600   # coverage-guided (optional)

Atheris targets: bytes, system, ruleset, profile, waivers, condition. Atheris is optional
(``pip install atheris``); CI runs only the brief hypothesis pass in the normal suite.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ATHERIS_TARGETS = ("bytes", "system", "ruleset", "profile", "waivers", "condition")


def run_hypothesis(examples: int) -> int:
    import pytest

    os.environ["SECREVIEW_FUZZ_EXAMPLES"] = str(examples)
    return int(pytest.main([str(Path(__file__).parent), "-q", "-p", "no:cacheprovider"]))


def run_atheris(target: str, extra: list[str]) -> None:  # pragma: no cover - optional tool
    try:
        import atheris
    except ImportError:
        sys.exit("atheris is not installed: pip install atheris (optional)")
    with atheris.instrument_imports():
        from . import targets

    def one_input(data: bytes) -> None:
        if target == "bytes":
            targets.load(data)
        elif target == "condition":
            doc = targets.load(data)
            if doc is not None:
                targets.condition(doc.data)
        else:
            targets.document(target, data)

    atheris.Setup([sys.argv[0], *extra], one_input)
    atheris.Fuzz()


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.fuzz", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--examples", type=int, default=10_000)
    parser.add_argument("--atheris", choices=ATHERIS_TARGETS)
    options, extra = parser.parse_known_args()
    if options.atheris:
        run_atheris(options.atheris, extra)
        return 0
    return run_hypothesis(options.examples)


if __name__ == "__main__":
    sys.exit(main())
