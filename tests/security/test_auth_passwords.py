"""The staff password policy: length, variety, the common-password list, not the username."""

from __future__ import annotations

import pytest

from server.passwords import WeakPassword, check_policy, common_passwords, is_common, password_matches


@pytest.mark.parametrize(
    ("password", "username", "message"),
    [
        ("a" * 10, "bob", "at least 12 characters"),
        ("a" * 12, "bob", "at least 5 different characters"),
        ("abababababababab", "bob", "at least 5 different characters"),
        ("x" * 257, "bob", "at most 256 characters"),
        ("qwertyuiop123", "bob", "most common"),
        ("1qaz2wsx3edc", "bob", "most common"),
        ("Sunshine2024!!", "bob", "most common"),
        ("!!password1234", "bob", "most common"),
        ("ILOVEYOU-12345", "bob", "most common"),
        ("alexander_1990", "alexander_1990", "the username"),
        ("Alexander_1990!", "alexander_1990", "the username"),
        ("0991_rednaxela", "alexander_1990", "the username"),
    ],
)
def test_weak_passwords_are_refused(password: str, username: str, message: str) -> None:
    with pytest.raises(WeakPassword, match=message):
        check_policy(password, username)


@pytest.mark.parametrize(
    ("password", "username"),
    [
        ("carnival-ops-demo", "ops"),
        ("carnival-audit-demo", "auditor"),
        ("correct horse battery staple", "bob"),
        ("tangerine-orbit-42", "olivia"),
        ("红包雨来了-2026-狂欢", "bob"),
    ],
)
def test_reasonable_passwords_pass(password: str, username: str) -> None:
    check_policy(password, username)


def test_the_shipped_list_is_large_and_lower_case() -> None:
    words = common_passwords()
    assert len(words) >= 10_000 - 100
    assert {"123456", "password", "qwerty", "iloveyou"} <= words
    assert all(word == word.lower() and not word.startswith("#") for word in words)
    assert is_common("password") and not is_common("tangerine-orbit-42")


def test_no_hash_means_no_match_after_the_same_work() -> None:
    assert password_matches(None, "anything at all") is False
