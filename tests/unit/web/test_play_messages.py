"""Every refusal a shopper's play can get has a text in both languages of the shopper pages
(web/static/play/messages.js), so no shopper ever sees a raw error code."""

from __future__ import annotations

import re
from pathlib import Path

from server.errors import REJECTION_STATUS

MESSAGES = Path(__file__).resolve().parents[3] / "web/static/play/messages.js"
KEY = re.compile(r'^\s+"([\w.]+)":', re.MULTILINE)


def keys_by_language() -> dict[str, set[str]]:
    """The keys of the ``zh`` and ``en`` tables."""
    text = MESSAGES.read_text(encoding="utf-8")
    zh, en = text.split("\n  en: {\n", 1)
    return {"zh": set(KEY.findall(zh)), "en": set(KEY.findall(en))}


def test_every_play_refusal_has_a_text_in_both_languages() -> None:
    for language, keys in keys_by_language().items():
        missing = sorted(code for code in REJECTION_STATUS if f"error.{code}" not in keys)
        assert not missing, f"{language}: no text for {missing}"


def test_both_languages_have_the_same_keys() -> None:
    found = keys_by_language()
    assert found["zh"] == found["en"], found["zh"] ^ found["en"]
