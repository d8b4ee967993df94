"""Input no handler should see: JSON nested too deep or with numbers too long for Python, and text the
database cannot store (NUL characters, which PostgreSQL refuses, and unpaired surrogates, which no
database driver can encode). Every request passes here before its view; each refusal is a 4xx JSON error.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

from flask import Flask, current_app, request

from server.body_limits import BodyTooLarge, view_body_limit
from server.errors import ApiError

MAX_JSON_DEPTH = 64
MAX_NUMBER_DIGITS = 100
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
UNSTORABLE_MESSAGE = "contains a NUL character or an unpaired surrogate, which cannot be stored"
F = TypeVar("F", bound=Callable[..., Any])
TOO_DEEP_MESSAGE = f"the request body is nested deeper than {MAX_JSON_DEPTH} levels"


class _NumberTooLong(ValueError):
    """A JSON number with more characters than :data:`MAX_NUMBER_DIGITS`."""


def _number(text: str, parse: Callable[[str], float]) -> float:
    if len(text) > MAX_NUMBER_DIGITS:
        raise _NumberTooLong(text)
    number = parse(text)
    if not math.isfinite(number):
        raise ValueError(f"{text} is not a finite number")
    return number


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def load_json(raw: bytes | str) -> Any:
    """Parse a request body as JSON, refusing what the standard parser would choke on or let through.

    :raises ApiError: 400 ``invalid_json`` for text that is not JSON (``NaN``, ``Infinity`` and numbers that
        overflow included), nested deeper than :data:`MAX_JSON_DEPTH`, or with a number longer than
        :data:`MAX_NUMBER_DIGITS` characters; 422 ``invalid_input`` naming each string that cannot be stored.
    """
    try:
        value = json.loads(
            raw,
            parse_int=lambda text: _number(text, int),
            parse_float=lambda text: _number(text, float),
            parse_constant=_no_constant,
        )
    except RecursionError as error:
        raise ApiError(400, "invalid_json", TOO_DEEP_MESSAGE) from error
    except _NumberTooLong as error:
        message = f"a number in the request body is longer than {MAX_NUMBER_DIGITS} characters"
        raise ApiError(400, "invalid_json", message) from error
    except ValueError as error:
        raise ApiError(400, "invalid_json", "the request body is not valid JSON") from error
    refuse_unstorable(unstorable_fields(value))
    return value


def unstorable_fields(value: Any) -> dict[str, list[str]]:
    """Messages by dotted path (``config.pool.prizes.0.name``) for every string, key or value, in ``value`` that
    cannot be stored. :raises ApiError: 400 ``invalid_json`` when ``value`` nests deeper than
    :data:`MAX_JSON_DEPTH`."""
    problems: dict[str, list[str]] = {}
    pending: list[tuple[str, int, Any]] = [("", 0, value)]
    while pending:
        path, depth, item = pending.pop()
        if isinstance(item, str) and UNSTORABLE.search(item):
            problems[path or "_schema"] = [UNSTORABLE_MESSAGE]
        if not isinstance(item, dict | list):
            continue
        if depth >= MAX_JSON_DEPTH:
            raise ApiError(400, "invalid_json", TOO_DEEP_MESSAGE)
        for key, inner in item.items() if isinstance(item, dict) else enumerate(item):
            if isinstance(key, str) and UNSTORABLE.search(key):
                problems[path or "_schema"] = [f"a key {UNSTORABLE_MESSAGE}"]
            else:
                pending.append((f"{path}.{key}" if path else str(key), depth + 1, inner))
    return problems


def refuse_unstorable(problems: dict[str, list[str]]) -> None:
    """:raises ApiError: 422 ``invalid_input`` with ``problems`` as its field messages, if there are any."""
    if problems:
        raise ApiError(422, "invalid_input", "some fields are invalid", problems)


def _named_values(pairs: Iterable[tuple[str, str]]) -> Iterator[tuple[str, list[str]]]:
    for name, value in pairs:
        if UNSTORABLE.search(name) or UNSTORABLE.search(value):
            yield UNSTORABLE.sub("?", name), [UNSTORABLE_MESSAGE]


def body_limit(max_bytes: int) -> Callable[[F], F]:
    """Decorate a view whose request body may be at most ``max_bytes`` (a larger one is refused with 413
    before it is read)."""

    def decorator(view: F) -> F:
        view.max_body_bytes = max_bytes  # type: ignore[attr-defined]
        return view

    return decorator


def check_request() -> None:
    """Apply the view's :func:`body_limit`, then refuse unstorable text in the query string, path or headers,
    and a JSON body :func:`load_json` refuses.

    :raises ApiError: as :func:`load_json`, or 400 ``invalid_header`` for a header.
    :raises werkzeug.exceptions.RequestEntityTooLarge: for a body over the view's limit.
    """
    limit = view_body_limit()
    if limit is not None:
        request.max_content_length = limit
    refuse_unstorable(dict(_named_values(request.args.items(multi=True))))
    refuse_unstorable(dict(_named_values((k, v) for k, v in (request.view_args or {}).items() if isinstance(v, str))))
    bad_headers = [name for name, _ in _named_values(request.headers.items())]
    if bad_headers:
        raise ApiError(400, "invalid_header", f"the header {bad_headers[0]} {UNSTORABLE_MESSAGE}")
    if request.is_json and request.content_length != 0:
        _bound_json_body()
        raw = request.get_data(cache=True)
        if raw.strip():
            load_json(raw)


def _bound_json_body() -> None:
    """A JSON body is parsed here, before the view's role check: it is bounded by ``MAX_CONTENT_LENGTH`` even
    where the view takes larger bodies of another kind (a segment's CSV upload).

    :raises BodyTooLarge: 413.
    """
    most = current_app.config["MAX_CONTENT_LENGTH"]
    if most is None:
        return
    request.max_content_length = min(request.max_content_length or most, most)
    if request.content_length is not None and request.content_length > most:
        raise BodyTooLarge(most)


def init_app(app: Flask) -> None:
    """Check every request with :func:`check_request` before its view runs."""
    app.before_request(check_request)
