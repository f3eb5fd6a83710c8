"""Safe loading: positions, duplicate keys, tags, limits, encodings."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hostile import NON_REGULAR, make_non_regular, no_hang
from secreview.errors import InputError
from secreview.loading import (
    LIMIT_MAXIMUMS,
    Limits,
    configured_limits,
    load_bytes,
    load_document,
    parse_json_text,
    parse_yaml_text,
    read_regular_file,
)


def error_of(text: str, source: str = "x.yaml", limits: Limits | None = None) -> InputError:
    with pytest.raises(InputError) as caught:
        if limits:
            parse_yaml_text(text, source, limits)
        else:
            parse_yaml_text(text, source)
    return caught.value


def test_positions_point_at_keys_and_items() -> None:
    doc = parse_yaml_text("a:\n  b: 1\n  c:\n    - x\n    - y\n", "f.yaml")
    assert doc.data == {"a": {"b": 1, "c": ["x", "y"]}}
    assert doc.positions[("a", "b")] == (2, 3)
    assert doc.positions[("a", "c", 1)] == (5, 7)
    assert doc.where(("a", "c", 1, "missing"))["line"] == 5


def test_duplicate_keys_are_an_error_with_both_lines() -> None:
    problem = error_of("a: 1\nb: 2\na: 3\n").problems[0]
    assert "duplicate key 'a'" in problem.message
    assert "line 1" in problem.message
    assert (problem.line, problem.column) == (3, 1)


def test_custom_tags_are_refused() -> None:
    problem = error_of("a: !!python/object/apply:os.system ['true']\n").problems[0]
    assert "not allowed" in problem.message
    assert problem.line == 1
    assert "not allowed" in error_of("a: !custom 1\n").problems[0].message
    assert "not allowed" in error_of("a: !!binary aGk=\n").problems[0].message


@pytest.mark.slow
def test_alias_bomb_is_bounded() -> None:
    lines = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]']
    for i in range(1, 9):
        prev = chr(ord("a") + i - 1)
        cur = chr(ord("a") + i)
        lines.append(f"{cur}: &{cur} [{', '.join(['*' + prev] * 10)}]")
    problem = error_of("\n".join(lines) + "\n").problems[0]
    assert "too many values" in problem.message


def test_recursive_alias_and_depth_are_bounded() -> None:
    assert "recursive alias" in error_of("a: &a [*a]\n").problems[0].message
    deep = "a: " + "[" * 60 + "]" * 60 + "\n"
    assert "nested too deeply" in error_of(deep).problems[0].message


def test_size_and_string_limits() -> None:
    limits = Limits(max_bytes=100, max_string=10)
    assert "too large" in error_of("a: " + "x" * 200, limits=limits).problems[0].message
    assert "too long" in error_of("a: " + "x" * 20, limits=limits).problems[0].message


def test_nan_and_infinity_are_refused() -> None:
    assert "NaN" in error_of("a: .nan\n").problems[0].message
    assert "NaN" in error_of("a: -.inf\n").problems[0].message
    with pytest.raises(InputError, match="NaN is not allowed"):
        parse_json_text('{"a": NaN}', "x.json")


def test_yaml_1_2_booleans_keep_norway() -> None:
    doc = parse_yaml_text("c: [SE, NO, FI]\nb: yes\nt: true\n", "x.yaml")
    assert doc.data == {"c": ["SE", "NO", "FI"], "b": "yes", "t": True}


def test_dates_are_dates() -> None:
    assert parse_yaml_text("d: 2026-11-20\n", "x.yaml").data["d"] == dt.date(2026, 11, 20)


def test_syntax_error_has_position_and_tab_hint() -> None:
    problem = error_of("a:\n\tb: 1\n").problems[0]
    assert problem.line == 2
    assert problem.suggestion and "spaces" in problem.suggestion


def test_empty_file() -> None:
    assert "empty" in error_of("").problems[0].message
    assert "empty" in error_of("# only a comment\n").problems[0].message


def test_binary_and_latin1_bytes() -> None:
    with pytest.raises(InputError, match="NUL byte"):
        load_bytes(b"a: 1\x00", "x.yaml")
    with pytest.raises(InputError, match="not valid UTF-8") as caught:
        load_bytes("a: 1\nb: Gävle\n".encode("latin-1"), "x.yaml")
    assert caught.value.problems[0].line == 2
    assert "UTF-8" in (caught.value.problems[0].suggestion or "")


def test_bom_is_accepted_and_hash_is_stable() -> None:
    one = load_bytes("\ufeffa: 1\n".encode(), "x.yaml")
    two = load_bytes(b"a: 1\n", "x.yaml")
    assert one.data == two.data == {"a": 1}
    assert one.sha256 == two.sha256 and len(one.sha256) == 64


def test_json_duplicates_and_positions() -> None:
    with pytest.raises(InputError, match="duplicate key 'a'"):
        parse_json_text('{"a": 1, "a": 2}', "x.json")
    with pytest.raises(InputError) as caught:
        parse_json_text('{"a": 1,\n "b": }', "x.json")
    assert caught.value.problems[0].line == 2


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="file not found"):
        load_document(tmp_path / "nope.yaml")
    with pytest.raises(InputError, match="directory"):
        load_document(tmp_path)


def test_merge_keys_are_refused() -> None:
    assert "merge keys" in error_of("a: &x {b: 1}\nc:\n  <<: *x\n").problems[0].message


@pytest.mark.parametrize("kind", sorted(NON_REGULAR))
def test_only_regular_files_are_read(tmp_path: Path, kind: str) -> None:
    """A FIFO would block the read for ever and /dev/zero never ends: both are refused unread."""
    path = make_non_regular(kind, tmp_path / "x.yaml")
    with no_hang(), pytest.raises(InputError) as caught:
        load_document(path)
    problem = caught.value.problems[0]
    assert NON_REGULAR[kind] in problem.message
    assert problem.file == str(path)


def test_a_link_to_a_regular_file_is_read(tmp_path: Path) -> None:
    (tmp_path / "real.yaml").write_text("a: 1\n")
    (tmp_path / "link.yaml").symlink_to("real.yaml")
    assert load_document(tmp_path / "link.yaml").data == {"a": 1}


def test_read_is_bounded_even_when_the_size_lies(tmp_path: Path) -> None:
    """/proc files report size 0 and can be longer than any limit: the read stops at the limit."""
    proc = Path("/proc/self/environ")
    if not proc.is_file():
        pytest.skip("no /proc")
    limit = 8
    assert os.stat(proc).st_size == 0
    if len(proc.read_bytes()) <= limit:
        pytest.skip("environment too small to exceed the limit")
    with pytest.raises(InputError, match="file is too large"):
        read_regular_file(proc, limit)


def test_huge_limits_read_files_without_overflow(tmp_path: Path) -> None:
    doc = tmp_path / "x.yaml"
    doc.write_text("a: 1\n")
    assert load_document(doc, Limits(max_bytes=10**30)).data == {"a": 1}


@pytest.mark.parametrize("value", ["99999999999999999999999999", str(2**31), "1e9", "١٢"])
def test_limit_variables_have_an_upper_bound(value: str) -> None:
    with pytest.raises(InputError, match="must be a positive whole number") as caught:
        configured_limits(Limits(), {"SECREVIEW_MAX_INPUT_BYTES": value})
    assert caught.value.problems[0].expected == f"1 to {LIMIT_MAXIMUMS['max_bytes']}"
    top = str(LIMIT_MAXIMUMS["max_bytes"])
    assert configured_limits(Limits(), {"SECREVIEW_MAX_INPUT_BYTES": top}).max_bytes == int(top)


@pytest.mark.parametrize(("scalar", "value"), [
    ("4:30", "4:30"), ("190:20:30", "190:20:30"), ("1_000", "1_000"), ("0b101", "0b101"),
    ("012", 12), ("08", 8), ("0o17", 15), ("0x1F", 31), ("1e3", 1000.0), ("-2.5", -2.5),
    ("'012'", "012"),
])
def test_numbers_are_read_as_yaml_1_2_does(scalar: str, value: object) -> None:
    """Under YAML 1.1 (PyYAML's default) 4:30 is 270, 1_000 is 1000 and 012 the octal 10."""
    assert parse_yaml_text(f"a: {scalar}\n", "x.yaml").data == {"a": value}


READERS = {
    "document": lambda path: load_document(path),
    "review": lambda path: __import__("secreview.review_diff", fromlist=["x"]).load_review(path),
    "logo": lambda path: __import__("secreview.report.logo", fromlist=["x"]).load_logo(path),
    "profile": lambda path: __import__("secreview.profile", fromlist=["x"]).load_profile(path),
    "waivers": lambda path: __import__("secreview.waivers", fromlist=["x"]).load_waivers(path),
    "ruleset": lambda path: __import__("secreview.rules.loader",
                                       fromlist=["x"]).parse_ruleset(path),
}


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(sorted(NON_REGULAR)), st.sampled_from(sorted(READERS)),
       st.sampled_from(["x.yaml", "x.json", "logo.svg", "logo.png"]))
def test_no_reader_accepts_a_file_that_is_not_regular(kind: str, reader: str, name: str) -> None:
    """Whatever reads an input, and whatever the non-regular file is, the answer is an
    InputError naming it, at once: never a hang, a MemoryError or a traceback."""
    with tempfile.TemporaryDirectory() as folder:
        path = make_non_regular(kind, Path(folder) / name)
        with no_hang(), pytest.raises(InputError) as caught:
            READERS[reader](path)
        assert str(path) in caught.value.format()
