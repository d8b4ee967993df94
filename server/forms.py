"""Form descriptions generated from marshmallow schemas, so a game added later gets its console
form without console code. Each field becomes a JSON Schema property (via apispec) plus its name;
nested schemas become objects and lists of them arrays."""

from __future__ import annotations

from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from marshmallow import Schema, fields, missing


def _converter() -> Any:
    plugin = MarshmallowPlugin()
    APISpec("forms", "1", "3.0.3", plugins=[plugin])
    return plugin.converter


def describe(schema: Schema | type[Schema]) -> dict[str, Any]:
    """``{"type": "object", "fields": [{"name", "required", ...JSON Schema keywords}]}`` for ``schema``."""
    instance = schema() if isinstance(schema, type) else schema
    converter = _converter()
    return {"type": "object", "fields": [_field(converter, name, f) for name, f in instance.fields.items()]}


NESTED_KEYWORDS = ("description", "default")  # what a nested field's metadata says of it, besides x-... keys


def _field(converter: Any, name: str, field: fields.Field) -> dict[str, Any]:
    described: dict[str, Any] = {"name": name, "required": field.required}
    if isinstance(field, fields.Nested):
        return {**described, **describe(field.schema), **_nested_metadata(field)}
    if isinstance(field, fields.List) and isinstance(field.inner, fields.Nested):
        listed = {**described, "type": "array", "items": describe(field.inner.schema)}
        return {**listed, **_nested_metadata(field)}
    prop = converter.field2property(field)
    if field.load_default not in (None, missing) and not callable(field.load_default):
        prop.setdefault("default", field.load_default)
    return {**described, **prop}


def _nested_metadata(field: fields.Field) -> dict[str, Any]:
    """What a nested field's (or a list of them's) metadata says for the console: its description, default, whether
    it may be null, and its ``x-`` keywords (which kinds of item it applies to, ...)."""
    kept = {key: value for key, value in field.metadata.items() if key in NESTED_KEYWORDS or key.startswith("x-")}
    return {**kept, "nullable": True} if field.allow_none else kept
