"""Scenario files (YAML): loading, `extends:`, and one-line errors.

A scenario may `extends:` another file (a path relative to it, or a bundled
scenario's name) and override only what differs: mappings merge key by key,
anything else (lists, numbers) is replaced whole. Cycles are refused.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from sim.params import Scenario


class ScenarioError(ValueError):
    """A scenario that cannot be used; its message is one line naming file and field."""


def bundled_dir() -> Path:
    """The bundled `scenarios/` folder (override with COGOV_SCENARIOS)."""
    env = os.environ.get("COGOV_SCENARIOS")
    return Path(env) if env else Path(__file__).resolve().parent.parent / "scenarios"


def bundled() -> dict[str, Path]:
    d = bundled_dir()
    return {p.stem: p for p in sorted(d.glob("*.yaml"))} if d.is_dir() else {}


def resolve(name_or_path: str | Path) -> Path:
    """A path to a file, or the name of a bundled scenario (`solo`, `chorus.yaml`)."""
    p = Path(name_or_path)
    if p.is_file():
        return p
    stem = p.name.removesuffix(".yaml").removesuffix(".yml")
    if p.parent == Path(".") and stem in bundled():
        return bundled()[stem]
    names = ", ".join(bundled()) or "none"
    raise ScenarioError(f"{name_or_path}: no such file (bundled scenarios: {names})")


def read_mapping(path: Path, error=ScenarioError, what: str = "scenario keys") -> dict:
    """A YAML file holding a mapping; any problem is one line naming the file."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise error(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as e:
        raise error(f"{path}: cannot read the file ({e.__class__.__name__})") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(e, "problem", None) or "invalid YAML"
        raise error(f"{path}: not valid YAML{where}: {problem}") from None
    if data is None:
        raise error(f"{path}: the file is empty (expected a mapping of {what})")
    if not isinstance(data, dict):
        raise error(f"{path}: expected a mapping of {what}, got {type(data).__name__}")
    return data


def merge(base: dict, over: dict) -> dict:
    """Mappings merge recursively; every other value in `over` replaces the base's."""
    out = dict(base)
    for k, v in over.items():
        out[k] = merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


def raw(path: Path, _chain: tuple[Path, ...] = ()) -> tuple[dict, tuple[Path, ...]]:
    """The merged mapping of a file and everything it extends, and the files read."""
    path = Path(path)
    real = path.resolve()
    if real in _chain:
        cycle = " -> ".join(str(p) for p in (*_chain, real))
        raise ScenarioError(f"{path}: extends: cycle ({cycle})")
    data = read_mapping(path)
    parent = data.pop("extends", None)
    data.setdefault("name", path.stem)
    community = data.get("community")
    graph = community.get("graph_file") if isinstance(community, dict) else None
    if isinstance(graph, str) and not Path(graph).is_absolute():
        data["community"]["graph_file"] = str((path.parent / graph).resolve())
    if parent is None:
        return data, (*_chain, real)
    if not isinstance(parent, str):
        raise ScenarioError(f"{path}: extends: must be a file name (got {parent!r})")
    target = path.parent / parent
    if not target.is_file():
        try:
            target = resolve(parent)
        except ScenarioError:
            raise ScenarioError(
                f"{path}: extends: no such scenario {parent!r} (a path relative to this file, "
                "or a bundled name)"
            ) from None
    base, files = raw(target, (*_chain, real))
    base.pop("name", None)
    base.pop("description", None)
    return merge(base, data), files


def load(name_or_path: str | Path, **overrides: Any) -> Scenario:
    """Load and validate a scenario file; overrides (e.g. `days=30`) apply on top."""
    path = resolve(name_or_path)
    data, _ = raw(path)
    data = merge(data, overrides)
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as e:
        raise ScenarioError(f"{path}: {describe(e)}") from None
    graph = scenario.community.graph_file
    if graph is not None:
        if not Path(graph).is_file():
            raise ScenarioError(f"{path}: community.graph_file: no such file ({graph})")
        from sim.community import GraphFileError
        from sim.community import load as load_graph

        try:  # a malformed graph is bad input: say so now, not in a worker later
            load_graph(graph)
        except GraphFileError as e:
            raise ScenarioError(f"{path}: community.graph_file: {e}") from None
    return scenario


def file_hashes(name_or_path: str | Path) -> dict[str, str]:
    """sha256 of the file and of every file it extends (for provenance)."""
    data, files = raw(resolve(name_or_path))
    graph = (data.get("community") or {}).get("graph_file")
    if graph and Path(graph).is_file():
        files = (*files, Path(graph))
    return {str(f): hashlib.sha256(f.read_bytes()).hexdigest()[:16] for f in files}


# ---------------------------------------------------------------- messages
_BOUNDS = {
    "greater_than_equal": ">=",
    "greater_than": ">",
    "less_than_equal": "<=",
    "less_than": "<",
}
_TYPES = {
    "int_parsing": "a whole number",
    "int_type": "a whole number",
    "int_from_float": "a whole number",
    "float_parsing": "a number",
    "float_type": "a number",
    "bool_parsing": "true or false",
    "bool_type": "true or false",
    "string_type": "a string",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "tuple_type": "a list",
    "list_type": "a list",
}


def _model_at(loc: tuple) -> type[BaseModel] | None:
    """The pydantic model a location points into (to list its allowed keys)."""
    model: Any = Scenario
    for part in loc:
        if isinstance(part, int):
            continue
        field = getattr(model, "model_fields", {}).get(part)
        if field is None:
            return model
        ann = field.annotation
        for cand in (ann, *getattr(ann, "__args__", ())):
            if isinstance(cand, type) and issubclass(cand, BaseModel):
                model = cand
                break
        else:
            return model
    return model


def describe(e: ValidationError) -> str:
    """The first error of a validation, as `field: what is allowed (got x)`."""
    err = e.errors()[0]
    loc = tuple(err["loc"])
    where = ".".join(str(x) for x in loc) or "(top level)"
    kind, ctx, got = err["type"], err.get("ctx") or {}, err.get("input")
    if kind == "extra_forbidden":
        model = _model_at(loc[:-1])
        allowed = ", ".join(model.model_fields) if model else "?"
        return f"{where}: unknown key (allowed here: {allowed})"
    if kind in _BOUNDS:
        bound = next(iter(ctx.values()))
        bound = f"{bound:g}" if isinstance(bound, float) else bound
        return f"{where}: must be {_BOUNDS[kind]} {bound} (got {got!r})"
    if kind in _TYPES:
        return f"{where}: must be {_TYPES[kind]} (got {got!r})"
    if kind == "literal_error":
        return f"{where}: must be one of {ctx.get('expected')} (got {got!r})"
    if kind == "missing":
        return f"{where}: required"
    if kind == "string_pattern_mismatch":
        return f"{where}: must be lower_snake_case (got {got!r})"
    msg = err["msg"].removeprefix("Value error, ")
    if msg.split(":")[0].replace(".", "").replace("_", "").isalnum() and ":" in msg:
        return msg  # our own validators already name the field
    return f"{where}: {msg}" + (
        f" (got {got!r})" if got is not None and len(repr(got)) < 60 else ""
    )
