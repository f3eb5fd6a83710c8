"""Passwords with the real Argon2 parameters: the workspace's other tests hash with test
parameters (tests/web_support.py), so this is where the parameters a deployment uses are
verified and a hash made with weaker ones is upgraded. Slow on purpose: each real hash costs
about a tenth of a second and 64 MiB."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher
from argon2.profiles import CHEAPEST

from secreview.store.accounts import check_password_hash

PASSWORD = "correct horse battery"


@pytest.mark.slow
def test_a_weaker_hash_is_upgraded_and_the_upgrade_verifies() -> None:
    weak = PasswordHasher.from_parameters(CHEAPEST).hash(PASSWORD)
    ok, upgraded = check_password_hash(weak, PASSWORD)
    assert ok and upgraded is not None and upgraded.startswith("$argon2id$")
    assert not PasswordHasher().check_needs_rehash(upgraded)
    assert check_password_hash(upgraded, PASSWORD) == (True, None)
    assert check_password_hash(upgraded, "wrong horse battery") == (False, None)
