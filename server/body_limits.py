"""Request bodies are bounded: over ``MAX_CONTENT_LENGTH`` (``CARNIVAL_MAX_CONTENT_LENGTH``) a request is
answered 413 before its body is read, whatever the route; a body sent without a length is answered 413 as
soon as it is read past the limit. Views that take no body read at most a few bytes (:func:`read_small_body`)."""

from __future__ import annotations

from typing import IO

from flask import Flask, Request, Response, current_app, jsonify, request
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.utils import cached_property
from werkzeug.wsgi import LimitedStream, get_input_stream

from server.errors import error_body

SMALL_BODY = 1024  # room for "{}" and whitespace in a request documented as empty


class BodyTooLarge(RequestEntityTooLarge):
    """A body over ``limit`` bytes (413), saying the limit."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"the request body may have at most {limit} bytes")


class _MaxStream(LimitedStream):
    """A body without a declared length, read up to ``maximum`` bytes: one byte more raises 413 (a plain
    maximum-limited stream stops silently at the limit, handing on a truncated body)."""

    def __init__(self, stream: IO[bytes], maximum: int) -> None:
        super().__init__(stream, maximum + 1, is_max=True)
        self.maximum = maximum

    def readinto(self, buffer: bytearray) -> int | None:  # type: ignore[override]
        count = super().readinto(buffer)
        if self.tell() > self.maximum:
            raise BodyTooLarge(self.maximum)
        return count


class BoundedRequest(Request):
    """Flask's request, whose body stream refuses a streamed body longer than ``MAX_CONTENT_LENGTH``."""

    @cached_property
    def stream(self) -> IO[bytes]:  # type: ignore[override]
        """The body, bounded by its declared length or by ``MAX_CONTENT_LENGTH``."""
        limit = self.max_content_length
        if self.content_length is None and limit is not None and self.environ.get("wsgi.input_terminated"):
            return _MaxStream(self.environ["wsgi.input"], limit)
        return get_input_stream(self.environ, max_content_length=limit)


def refuse_large_bodies() -> None:
    """``before_request`` hook: a declared length over the limit (the view's own, declared with
    :func:`server.input_guard.body_limit`, else ``MAX_CONTENT_LENGTH``) is refused unread.

    :raises BodyTooLarge: 413.
    """
    declared = view_body_limit()
    limit = declared if declared is not None else current_app.config["MAX_CONTENT_LENGTH"]
    if limit is not None and request.content_length is not None and request.content_length > limit:
        raise BodyTooLarge(limit)


def view_body_limit() -> int | None:
    """The limit the request's view declared with :func:`server.input_guard.body_limit`, if any."""
    return getattr(current_app.view_functions.get(request.endpoint or ""), "max_body_bytes", None)


def read_small_body(limit: int = SMALL_BODY) -> bytes:
    """The request body of a view documented as taking (almost) none. The body may already have been read
    (and cached) by the input checks; a body sent without a length is bounded by the view's
    :func:`server.input_guard.body_limit`, which the view declares with the same ``limit``.

    :raises BodyTooLarge: 413 when the body is longer than ``limit``.
    """
    if request.content_length is not None and request.content_length > limit:
        raise BodyTooLarge(limit)
    raw = request.get_data(cache=True)
    if len(raw) > limit:
        raise BodyTooLarge(limit)
    return raw


def _too_large(error: RequestEntityTooLarge) -> tuple[Response, int]:
    if not isinstance(error, BodyTooLarge):  # cut off while reading a body sent without a length
        error = BodyTooLarge(current_app.config["MAX_CONTENT_LENGTH"])
    return jsonify(error_body("body_too_large", str(error.description))), 413


def init_app(app: Flask) -> None:
    """Refuse large bodies early and answer every 413 with the JSON error document."""
    app.request_class = BoundedRequest
    app.before_request(refuse_large_bodies)
    app.register_error_handler(RequestEntityTooLarge, _too_large)
