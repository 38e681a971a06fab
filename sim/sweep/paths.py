"""Dotted paths into a scenario (`levers.cadres.per_grid`, `departments.*.acceptance`),
and the scenario at a design point: one module for sweeps and calibration targets.

Inside a list (`departments`, `categories`) a path step is an index, an item's
`name`, or `*`, which sets the field on every item.
"""

from __future__ import annotations

import functools
import json
from typing import Annotated, Any

from pydantic import Field, TypeAdapter, ValidationError

from sim.params import Scenario

# a dotted path into the scenario; `days` is the spec's own key, not an axis
AxisPath = Annotated[str, Field(pattern=r"^[a-z_][a-z0-9_]*(\.([a-z0-9_]+|\*))+$")]


class PathError(ValueError):
    pass


def _step(node: Any, part: str, path: str, value: Any, rest: list[str]) -> Any:
    if isinstance(node, dict):
        child = node.get(part, {} if rest else None)
        node = dict(node)
        node[part] = _set(child, rest, value, path) if rest else value
        return node
    if isinstance(node, (list, tuple)):
        items = list(node)
        if part == "*":
            idx = range(len(items))
        elif part.isdigit():
            if int(part) >= len(items):
                raise PathError(f"{path}: index {part} out of range ({len(items)} items)")
            idx = [int(part)]
        else:
            idx = [
                i for i, it in enumerate(items) if isinstance(it, dict) and it.get("name") == part
            ]
            if not idx:
                names = [it.get("name") for it in items if isinstance(it, dict)]
                raise PathError(f"{path}: no item named {part!r} (known: {', '.join(names)})")
        for i in idx:
            items[i] = _set(items[i], rest, value, path) if rest else value
        return items
    raise PathError(f"{path}: {part!r} is not inside a mapping or list")


def _set(node: Any, parts: list[str], value: Any, path: str) -> Any:
    return _step(node, parts[0], path, value, parts[1:])


def set_path(data: dict, path: str, value: Any) -> dict:
    """A copy of `data` with the dotted `path` set (`*` sets every item of a list)."""
    return _set(data, path.split("."), value, path)


def get_path(data: Any, path: str) -> Any:
    """The value at a dotted path (for `*`, the first item's)."""
    node = data
    for part in path.split("."):
        if isinstance(node, dict):
            node = node.get(part)
        elif isinstance(node, (list, tuple)) and node:
            if part == "*":
                node = node[0]
            elif part.isdigit():
                node = node[int(part)] if int(part) < len(node) else None
            else:
                node = next(
                    (x for x in node if isinstance(x, dict) and x.get("name") == part), None
                )
        else:
            return None
    return node


def plain(v: Any) -> Any:
    """numpy scalars -> Python, for YAML/JSON and pydantic."""
    if hasattr(v, "item") and not isinstance(v, (list, tuple, dict)):
        return v.item()
    return v


def point_scenario(base: Scenario | None, base_dump: dict, values: dict) -> Scenario:
    """The base scenario with a design point's values set (raises PathError/ValidationError).

    Validated strictly, like a scenario file: an axis value `true` is not 1. Only the
    sections the point changes are validated again (with the scenario's checks across
    sections), not the departments and categories it leaves as they were: thousands of
    points then take a second, not a quarter of a minute. Anything it refuses is
    validated in full, so the message names the field as a scenario file would.
    """
    data = base_dump
    for k, v in values.items():
        data = set_path(data, k, v)
    sections = {k.split(".")[0] for k in values}
    if base is not None and sections <= QUICK_SECTIONS:  # base: the validated base_dump
        try:
            update = {
                name: _section(name).validate_json(json.dumps(data[name], default=str), strict=True)
                for name in sections
            }
            return base.model_copy(update=update).check_across()
        except (ValidationError, ValueError):
            pass  # the full validation below names the field
    return Scenario.model_validate_json(json.dumps(data, default=str), strict=True)


# Sections a point may change and be validated alone (not the long departments and
# categories, which other sections' checks refer to by name).
QUICK_SECTIONS = frozenset(Scenario.model_fields) - {"departments", "categories"}


@functools.cache
def _section(name: str) -> TypeAdapter:
    return TypeAdapter(Scenario.model_fields[name].annotation)
