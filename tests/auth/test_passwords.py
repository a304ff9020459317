"""Password rules: long enough, not too long, Thai welcome, the most common refused."""

import pytest

from portal.auth.passwords import hash_password, password_problem, verify_password


@pytest.mark.parametrize("password, accepted", [
    ("short", False),
    ("123456789", False),
    ("รหัสผ่านไทยยาวพอ", True),
    ("correct horse battery", True),
    ("abcdefgh" * 16, True),      # 128 characters: allowed
    ("qwertyuiop", False),        # among the most common
    ("PASSWORD123", False),       # common, in any letter case
    ("aaaaaaaaaaaa", False),      # one character repeated
    ("ab" * 65, False),           # 130 characters: too long
])
def test_password_rules(app_ctx, password, accepted):
    assert (password_problem(password) is None) == accepted


def test_hash_is_argon2id_and_verifies(app_ctx):
    hashed = hash_password("รหัสผ่านไทยยาวพอ")
    assert hashed.startswith("$argon2id$")
    assert verify_password(hashed, "รหัสผ่านไทยยาวพอ")
    assert not verify_password(hashed, "รหัสผ่านไทยยาวพอ ")
    assert not verify_password(None, "anything at all")
