"""URL converters shared by every blueprint."""

from __future__ import annotations

from flask import Flask
from werkzeug.routing import IntegerConverter, Map

ROW_ID_MAX = 2**31 - 1  # the largest id an INTEGER primary key holds on PostgreSQL (and so on every database)


class RowIdConverter(IntegerConverter):
    """``<int:...>`` for row ids: 1 to :data:`ROW_ID_MAX`; anything else matches no route (a 404), so a
    huge or zero id never reaches the database."""

    def __init__(self, map: Map, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("min", 1)
        kwargs.setdefault("max", ROW_ID_MAX)
        super().__init__(map, *args, **kwargs)  # type: ignore[arg-type]


def init_app(app: Flask) -> None:
    """Make ``<int:...>`` in every route a row id (call before registering blueprints)."""
    app.url_map.converters["int"] = RowIdConverter
