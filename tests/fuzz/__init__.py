"""Fuzz harness for the loaders and the condition compiler.

The targets in :mod:`targets` are plain functions: feed them anything and they either succeed or
raise :class:`~secreview.errors.InputError`; any other exception is a bug. They run

* briefly in the normal test suite (``tests/fuzz/test_fuzz.py``, hypothesis, a few dozen
  examples per target);
* longer on demand: ``SECREVIEW_FUZZ_EXAMPLES=100000 python -m pytest tests/fuzz`` or
  ``python -m tests.fuzz --examples 100000``;
* under atheris (coverage-guided, optional, not needed in CI): ``python -m tests.fuzz --atheris
  TARGET`` when ``pip install atheris`` works on the machine.
"""
