"""Every English message the server can send to the ops console has a Chinese template in
web/static/ops/server-text.js, and every template there still matches a message in the sources.

A message template is a string literal or f-string (each ``{...}`` field counted as a placeholder) in
one of these positions in :data:`SOURCES`:

- a positional argument of ``raise X(...)`` (not ``AssertionError``), of ``ApiError(...)``, ``Risk(...)``,
  ``Rejection(...)``, ``ValidationError(...)`` or ``error_body(...)`` wherever they are called, and of
  ``.append(...)``;
- the ``error=`` keyword of any call (marshmallow validators);
- an element of a list display or a list comprehension;
- an element of a tuple in one of those positions (``(path, message)``).

Only strings with a space count: codes, keys and field names have none. server-text.js lists each
template as ``en: "..."`` with named placeholders; both sides compare with placeholders as ``{}``.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
SERVER_TEXT = ROOT / "web/static/ops/server-text.js"
SOURCES = [
    "games/fairness/pools.py",
    "games/campaigns/config.py",
    "games/campaigns/admin.py",
    "games/campaigns/form.py",
    "games/campaigns/disclosure.py",
    "games/engine/disclosed_terms.py",
    "games/insight/preflight.py",
    "games/wheel/game.py",
    "games/wheel/config.py",
    "games/checkin/config.py",
    "games/checkin/game.py",
    "games/checkin/simulation.py",
    "games/checkin/terms.py",
    "games/monopoly/config.py",
    "games/monopoly/game.py",  # its check of the board's prizes; its refusals of a roll reach the shopper alike
    "games/monopoly/disclosure.py",
    "games/tasks/config.py",
    "games/tasks/game.py",
    "games/tasks/disclosure.py",
    "games/share/config.py",
    "games/share/game.py",  # its check of the prizes and a decision's refusal; its refusals of an assist go to shoppers
    "games/share/disclosure.py",
    "games/share/simulation.py",
    "games/insight/simulate_limits.py",
    "server/api_ops.py",
    "server/api_ops_planning.py",
    "server/api_ops_share.py",
    "server/api_ops_mall.py",
    "server/api_ops_messages.py",
    "games/messages/admin.py",  # its refusals reach the console through server/api_ops_messages.py
    "games/messages/config.py",  # a message's and a segment's fields
    "games/messages/rules.py",  # a template's variables, reaching the console through the config's fields
    "server/errors.py",
    "server/idempotency.py",
    "economy/limits.py",  # its ValueErrors reach the console as publish refusals (budget, stock)
]
MESSAGE_CALLS = {"ApiError", "Rejection", "ValidationError", "error_body", "append", "Risk"}
NOT_SHOWN = {"AssertionError"}  # internal invariants
STRING = r'"((?:[^"\\]|\\.)*)"'
EN_ENTRY = re.compile(rf"\ben:\s*{STRING}")
ENTRY = re.compile(rf"\b(?:en|lib):\s*{STRING},\s*zh:\s*{STRING}")
PLACEHOLDER = re.compile(r"\{\w+\}")


def _template(node: ast.expr) -> str | None:
    """The text of a string literal or f-string (fields as ``{}``); ``None`` for anything else."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(part.value if isinstance(part, ast.Constant) else "{}" for part in node.values)
    return None


def _name(call: ast.Call) -> str:
    func = call.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def _candidates(tree: ast.Module) -> list[ast.expr]:
    raised = {id(node.exc) for node in ast.walk(tree) if isinstance(node, ast.Raise) and node.exc is not None}
    found: list[ast.expr] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            if _name(node) in MESSAGE_CALLS or (id(node) in raised and _name(node) not in NOT_SHOWN):
                found += node.args
            found += [keyword.value for keyword in node.keywords if keyword.arg == "error"]
        elif isinstance(node, ast.List):
            found += node.elts
        elif isinstance(node, ast.ListComp):
            found.append(node.elt)
    return found + [part for node in found if isinstance(node, ast.Tuple) for part in node.elts]


def source_templates() -> dict[str, str]:
    """Message template -> the first file that has it."""
    templates: dict[str, str] = {}
    for path in SOURCES:
        for node in _candidates(ast.parse((ROOT / path).read_text(encoding="utf-8"))):
            text = _template(node)
            if text is not None and " " in text:
                templates.setdefault(text, path)
    return templates


def _js_string(text: str) -> str:
    return str(json.loads(f'"{text}"'))


def templates_source() -> str:
    """The ``TEMPLATES`` array of server-text.js (its header comment shows the form too)."""
    script = SERVER_TEXT.read_text(encoding="utf-8")
    start = script.index("const TEMPLATES = [")
    return script[start : script.index("\n];", start)]


def js_templates() -> list[str]:
    """The ``en:`` templates of server-text.js, placeholders as ``{}``."""
    found = EN_ENTRY.findall(templates_source())
    return [PLACEHOLDER.sub("{}", _js_string(text)) for text in found]


def test_every_server_message_has_a_chinese_template() -> None:
    missing = {text: path for text, path in source_templates().items() if text not in set(js_templates())}
    assert not missing, f"add to server-text.js: {missing}"


def test_every_template_still_matches_a_server_message() -> None:
    stale = [text for text in js_templates() if text not in source_templates()]
    assert not stale, f"no longer sent by the server (remove from server-text.js): {stale}"


def test_each_message_is_listed_once() -> None:
    templates = js_templates()
    assert sorted({t for t in templates if templates.count(t) > 1}) == []


def test_the_chinese_text_fills_in_the_templates_own_parameters() -> None:
    script = templates_source()
    entries = [(_js_string(en), _js_string(zh)) for en, zh in ENTRY.findall(script)]
    assert len(entries) == len(re.findall(r"\b(?:en|lib):\s*\"", script)), "write each entry as en/lib, then zh"
    wrong = [(en, zh) for en, zh in entries if set(PLACEHOLDER.findall(zh)) != set(PLACEHOLDER.findall(en))]
    assert not wrong
