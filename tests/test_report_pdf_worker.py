"""The forked PDF renderer gives the in-process bytes, and its errors come back as they are."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from secreview.api import review_file
from secreview.errors import InputError
from secreview.report import pdf_worker
from secreview.report.pdf import prepare, render_pdf
from secreview.report.pdf_write import PdfJob
from secreview.review import Review

pytestmark = pytest.mark.slow

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def job() -> tuple[Review, PdfJob]:
    review = review_file(FIXTURES / "system_min.yaml", [FIXTURES / "rules"],
                         review_date=dt.date(2026, 11, 26))
    return review, prepare(review, "sv")


def test_the_worker_renders_the_same_bytes_as_this_process(job: tuple[Review, PdfJob]) -> None:
    review, prepared = job
    worker = pdf_worker.start()
    assert worker is not None  # fork exists on the machines the tests run on
    data, _missing = worker.render(prepared)
    assert data == render_pdf(review, "sv")


def test_an_error_in_the_worker_is_raised_here(job: tuple[Review, PdfJob]) -> None:
    _review, prepared = job
    worker = pdf_worker.start()
    assert worker is not None
    with pytest.raises(InputError, match="took longer than"):
        worker.render(dataclasses.replace(prepared, time_limit_seconds=0.01))


def test_a_worker_that_gets_no_job_ends() -> None:
    worker = pdf_worker.start()
    assert worker is not None
    worker.close()
    assert not worker._process.is_alive()
