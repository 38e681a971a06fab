"""Scenario files (YAML): loading, `extends:`, and one-line errors.

A scenario may `extends:` another file (a path relative to it, or a bundled
scenario's name) and override only what differs: mappings merge key by key,
anything else (lists, numbers) is replaced whole. Cycles are refused.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from sim import limits
from sim.files import not_a_file
from sim.params import Scenario

MAX_LINE = 300  # characters of one error line


def clip(text: str, limit: int = MAX_LINE) -> str:
    """One line of bounded length (a value pasted into a message can be huge)."""
    line = " ".join(str(text).split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def show(value: Any, limit: int = 40) -> str:
    """A value as written in a message: repr, clipped."""
    r = repr(value)
    return r if len(r) <= limit else r[: limit - 1] + "…"


class ScenarioError(ValueError):
    """A scenario that cannot be used; its message is one line naming file and field.

    `problems` holds every problem found (one line each, for `cogov validate`);
    the message is the first, with a count of the others.
    """

    def __init__(self, message: str, problems: list[str] | None = None):
        self.problems = [clip(p) for p in (problems or [message])]
        first = self.problems[0]
        more = len(self.problems) - 1
        if more:
            first += f" (+{more} more problem{'s' if more > 1 else ''}{self.more_hint})"
        super().__init__(first)

    more_hint = ": `cogov validate` lists them"


def bundled_dir() -> Path:
    """The bundled `scenarios/` folder (override with COGOV_SCENARIOS)."""
    env = os.environ.get("COGOV_SCENARIOS")
    return Path(env) if env else Path(__file__).resolve().parent.parent / "scenarios"


def bundled() -> dict[str, Path]:
    d = bundled_dir()
    return {p.stem: p for p in sorted(d.glob("*.yaml"))} if d.is_dir() else {}


def resolve_beside(path: Path, name: str, error: type[Exception], field: str, kind: str) -> Path:
    """A scenario named in another file (a sweep's base, a targets case): a path relative to
    that file, else a bundled name; else `error` naming the file and the field."""
    local = path.parent / name
    if local.is_file():
        return local
    try:
        return resolve(name)
    except ScenarioError:
        names = ", ".join(bundled()) or "none"
        raise error(
            f"{path}: {field}: no such scenario {name!r} (a path relative to the {kind} file, "
            f"or a bundled name: {names})"
        ) from None


def resolve(name_or_path: str | Path) -> Path:
    """A path to a file, or the name of a bundled scenario (`solo`, `chorus.yaml`)."""
    p = Path(name_or_path)
    why = not_a_file(p)
    if why is None:
        return p
    stem = p.name.removesuffix(".yaml").removesuffix(".yml")
    if p.parent == Path(".") and stem in bundled():
        return bundled()[stem]
    if why != "no such file":
        raise ScenarioError(f"{name_or_path}: {why}")
    names = ", ".join(bundled()) or "none"
    raise ScenarioError(f"{name_or_path}: no such file (bundled scenarios: {names})")


def read_text(path: Path, error=ScenarioError, limit: int = limits.MAX_FILE_BYTES) -> str:
    """A small UTF-8 text file; a folder, device, huge or binary file is one line."""
    why = not_a_file(path)
    if why:
        raise error(f"{path}: {why}")
    try:
        with path.open("rb") as f:
            data = f.read(limit + 1)
    except OSError as e:
        why = e.strerror or e.__class__.__name__
        raise error(f"{path}: cannot read the file ({why})") from None
    if len(data) > limit:
        raise error(f"{path}: larger than {limit:,} bytes; not a scenario file")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise error(f"{path}: cannot read the file (not UTF-8 text)") from None


# ---------------------------------------------------------------- strict YAML
class _Problem(Exception):
    def __init__(self, msg: str, mark=None):
        super().__init__(msg)
        self.mark = mark


class _Loader(yaml.SafeLoader):
    """YAML as JSON-like data: no dates, sets or binary; string keys; no duplicates."""


# dates stay text: a scenario has no date fields, and a name like 2024-06-01 is text
_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if not tag.endswith(":timestamp")]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _refuse_tag(loader, node):
    raise _Problem(f"the YAML tag {node.tag} is not allowed here", node.start_mark)


for _tag in ("binary", "set", "omap", "pairs", "timestamp"):
    _Loader.add_constructor(f"tag:yaml.org,2002:{_tag}", _refuse_tag)
_Loader.add_constructor(None, _refuse_tag)


def _mapping(loader, node, deep=False):
    seen: dict = {}
    for key_node, _ in node.value:
        if key_node.tag == "tag:yaml.org,2002:merge":
            continue
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str):
            raise _Problem(
                f"key {show(key)} is not a name (write names as text; quote yes/no/on/off)",
                key_node.start_mark,
            )
        if key in seen:
            raise _Problem(
                f"duplicate key {show(key)} (first at line {seen[key] + 1})", key_node.start_mark
            )
        seen[key] = key_node.start_mark.line
    return yaml.SafeLoader.construct_mapping(loader, node, deep)


def _construct_map(loader, node):
    data: dict = {}
    yield data
    data.update(_mapping(loader, node))


_Loader.add_constructor("tag:yaml.org,2002:map", _construct_map)


def _prescan(text: str) -> None:
    """Depth and size of the document, aliases expanded, before anything is built.

    A file nested thousands deep or an alias bomb (a few lines that expand to
    billions of values) is refused here, in time linear in the file's length.
    """
    sizes: dict[str, tuple[int, int]] = {}  # anchor -> (values, depth below)
    stack: list[list] = []  # [anchor, values, depth below] of each open collection
    total = 0

    def add(n: int, below: int, mark) -> None:
        nonlocal total
        total += n
        if total > limits.MAX_NODES:
            raise _Problem(
                f"more than {limits.MAX_NODES:,} values (aliases expanded); not a scenario file",
                mark,
            )
        if stack:
            stack[-1][1] += n
            stack[-1][2] = max(stack[-1][2], below + 1)
        if len(stack) + below > limits.MAX_DEPTH:
            raise _Problem(f"nested more than {limits.MAX_DEPTH} levels deep", mark)

    for ev in yaml.parse(text, Loader=_Loader):
        if isinstance(ev, yaml.CollectionStartEvent):
            if len(stack) >= limits.MAX_DEPTH:
                raise _Problem(f"nested more than {limits.MAX_DEPTH} levels deep", ev.start_mark)
            stack.append([ev.anchor, 1, 0])
        elif isinstance(ev, yaml.CollectionEndEvent):
            anchor, n, below = stack.pop()
            if anchor is not None:
                sizes[anchor] = (n, below)
            add(n, below, ev.start_mark)
        elif isinstance(ev, yaml.ScalarEvent):
            if ev.anchor is not None:
                sizes[ev.anchor] = (1, 0)
            add(1, 0, ev.start_mark)
        elif isinstance(ev, yaml.AliasEvent):
            if any(frame[0] == ev.anchor for frame in stack):
                raise _Problem(f"alias *{ev.anchor} refers to itself", ev.start_mark)
            n, below = sizes.get(ev.anchor, (1, 0))
            add(n, below, ev.start_mark)


def parse_yaml(path: Path, text: str, error=ScenarioError) -> Any:
    """Parse YAML strictly (limits first); any problem is one line naming the file."""
    try:
        _prescan(text)
        return yaml.load(text, Loader=_Loader)  # a SafeLoader subclass
    except _Problem as e:
        where = f"line {e.mark.line + 1}: " if e.mark is not None else ""
        raise error(f"{path}: {where}{e}") from None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(e, "problem", None) or "invalid YAML"
        raise error(f"{path}: not valid YAML{where}: {problem}") from None
    except RecursionError:  # belt and braces: the prescan bounds depth
        raise error(f"{path}: nested too deeply") from None


def read_mapping(path: Path, error=ScenarioError, what: str = "scenario keys") -> dict:
    """A YAML file holding a mapping; any problem is one line naming the file."""
    data = parse_yaml(path, read_text(path, error), error)
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


def _origins(data: dict, source: str, prefix: tuple = ()) -> dict[tuple, str]:
    """Which file set each key (at every depth of mappings): to blame the right file."""
    out: dict[tuple, str] = {}
    for k, v in data.items():
        out[(*prefix, k)] = source
        if isinstance(v, dict):
            out.update(_origins(v, source, (*prefix, k)))
    return out


def _raw(path: Path, _chain: tuple[Path, ...] = ()) -> tuple[dict, tuple[Path, ...], dict]:
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
    if isinstance(graph, str) and graph and not Path(graph).is_absolute():
        data["community"]["graph_file"] = str((path.parent / graph).resolve())
    origins = _origins(data, str(path))
    if parent is None:
        return data, (*_chain, real), origins
    if not isinstance(parent, str) or not parent:
        raise ScenarioError(f"{path}: extends: must be a file name (got {show(parent)})")
    target = path.parent / parent
    why = not_a_file(target)
    if why not in (None, "no such file"):
        raise ScenarioError(f"{path}: extends: {target} {why}")
    if why:
        try:
            target = resolve(parent)
        except ScenarioError:
            raise ScenarioError(
                f"{path}: extends: no such scenario {show(parent)} (a path relative to this "
                "file, or a bundled name)"
            ) from None
    base, files, base_origins = _raw(target, (*_chain, real))
    base.pop("name", None)
    base.pop("description", None)
    return merge(base, data), files, {**base_origins, **origins}


def raw(path: Path, _chain: tuple[Path, ...] = ()) -> tuple[dict, tuple[Path, ...]]:
    """The merged mapping of a file and everything it extends, and the files read."""
    data, files, _ = _raw(path, _chain)
    return data, files


def _jsonable(v: Any) -> Any:
    if isinstance(v, Path):
        return str(v)
    if hasattr(v, "item"):  # numpy scalars
        return v.item()
    raise TypeError(f"{type(v).__name__} is not a number, text, list or mapping")


def _blame(loc: tuple, origins: dict[tuple, str], top: Path) -> str:
    """The file that set the value at `loc` (longest prefix), with the file that extends it."""
    for k in range(len(loc), 0, -1):
        origin = origins.get(tuple(loc[:k]))
        if origin is not None:
            break
    else:
        return str(top)
    if origin == str(top):
        return origin
    rel = "extended by" if Path(origin).name.endswith((".yaml", ".yml")) else "on top of"
    return f"{origin} ({rel} {top})"


def validate(data: dict, path: Path, origins: dict[tuple, str] | None = None) -> Scenario:
    """The merged mapping as a Scenario, strictly: no bool or text taken for a number.

    Validated as JSON (what YAML data is): `true` is not 1, `"3"` is not 3, and
    infinities or NaN are refused by the models' `allow_inf_nan=False`.
    """
    try:
        text = json.dumps(data, default=_jsonable)
    except (TypeError, ValueError) as e:
        raise ScenarioError(f"{path}: {e}") from None
    try:
        return Scenario.model_validate_json(text, strict=True)
    except ValidationError as e:
        problems = [f"{_blame(loc, origins or {}, path)}: {msg}" for loc, msg in describe_all(e)]
        raise ScenarioError(problems[0], problems) from None


def load(name_or_path: str | Path, **overrides: Any) -> Scenario:
    """Load and validate a scenario file; overrides (e.g. `days=30`) apply on top."""
    return load_with(name_or_path, overrides)


def load_with(
    name_or_path: str | Path, overrides: dict | None = None, source: str = "overrides"
) -> Scenario:
    """`load`, naming where the overrides came from (`source`) in error messages."""
    path = resolve(name_or_path)
    data, _, origins = _raw(path)
    if overrides:
        data = merge(data, overrides)
        origins.update(_origins(overrides, source))
    scenario = validate(data, path, origins)
    households = None
    graph = scenario.community.graph_file
    if graph is not None:
        where = _blame(("community", "graph_file"), origins, path)
        from sim.community import GraphFileError
        from sim.community import load as load_graph

        why = not_a_file(Path(graph))
        if why:
            raise ScenarioError(f"{where}: community.graph_file: {why} ({graph})")
        try:  # a malformed graph is bad input: say so now, not in a worker later
            households = load_graph(graph).n
        except GraphFileError as e:
            raise ScenarioError(f"{where}: community.graph_file: {e}") from None
    try:
        limits.check(scenario, households=households)
    except limits.TooBig as e:
        raise ScenarioError(f"{path}: {e}") from None
    return scenario


def file_hashes(name_or_path: str | Path) -> dict[str, str]:
    """sha256 of the file and of every file it extends (for provenance)."""
    data, files = raw(resolve(name_or_path))
    graph = (data.get("community") or {}).get("graph_file")
    if isinstance(graph, str) and graph and Path(graph).is_file():
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


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def one_error(err: dict) -> tuple[tuple, str]:
    """One pydantic error as (location, `field: what is allowed (got x)`)."""
    loc = tuple(err["loc"])
    where = ".".join(show(x, 40) if isinstance(x, str) and len(x) > 40 else str(x) for x in loc)
    where = where or "(top level)"
    kind, ctx, got = err["type"], err.get("ctx") or {}, err.get("input")
    if kind == "extra_forbidden":
        model = _model_at(loc[:-1])
        allowed = ", ".join(model.model_fields) if model else "?"
        return loc, f"{where}: unknown key (allowed here: {allowed})"
    if kind in _BOUNDS:
        bound = next(iter(ctx.values()))
        bound = f"{bound:g}" if isinstance(bound, float) else f"{bound:,}"
        return loc, f"{where}: must be {_BOUNDS[kind]} {bound} (got {show(got)})"
    if kind == "finite_number":
        return loc, f"{where}: must be a finite number (got {show(got)})"
    if kind in ("too_long", "too_short"):
        return loc, f"{where}: {err['msg'].lower()}"
    if kind in _TYPES:
        hint = ""
        if isinstance(got, str) and _number(got):
            hint = ": text, not a number; drop the quotes (YAML reads 1e9 as text: write 1.0e+9)"
        return loc, f"{where}: must be {_TYPES[kind]} (got {show(got)}{hint})"
    if kind == "literal_error":
        return loc, f"{where}: must be one of {ctx.get('expected')} (got {show(got)})"
    if kind == "missing":
        return loc, f"{where}: required"
    if kind == "string_pattern_mismatch":
        return loc, f"{where}: must be lower_snake_case (got {show(got)})"
    msg = err["msg"].removeprefix("Value error, ")
    head = msg.split(":")[0]
    if ":" in msg and head.replace(".", "").replace("_", "").isalnum():
        # our own validators already name the field: blame that field's file
        return tuple(int(x) if x.isdigit() else x for x in head.split(".")), msg
    suffix = f" (got {show(got)})" if got is not None and not isinstance(got, dict) else ""
    return loc, f"{where}: {msg}{suffix}"


def describe_all(e: ValidationError) -> list[tuple[tuple, str]]:
    """Every error of a validation, once each, as (location, one-line message)."""
    out: dict[str, tuple] = {}
    for err in e.errors():
        loc, msg = one_error(err)
        out.setdefault(msg, loc)
    return [(loc, msg) for msg, loc in out.items()]


def describe(e: ValidationError) -> str:
    """The first error of a validation, as `field: what is allowed (got x)`."""
    return describe_all(e)[0][1]
