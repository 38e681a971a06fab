"""Generate the parameter and scenario-file tables of the docs from the code.

    python -m sim.docgen           # rewrite the marked regions of docs/model.md, docs/usage.md
    python -m sim.docgen --check   # exit 1 if either is out of date

`params_markdown()` walks the pydantic models of `sim/params.py` from `Scenario`
down (every field: default, allowed range, description); `schema_markdown()`
renders `sim.commands.schema()`, the JSON Schema `cogov schema` prints. Both are
pasted between `<!-- params:begin -->` / `<!-- params:end -->` (docs/model.md) and
`<!-- schema:begin -->` / `<!-- schema:end -->` (docs/usage.md), so a test can
hold the docs to the code.

A field without a `description` in `sim/params.py` gets one from `FALLBACK`
below, marked with a dagger (†) so the gap stays visible.
"""

from __future__ import annotations

import argparse
import sys
import typing
from pathlib import Path
from typing import Any

from pydantic import BaseModel

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
MODEL_MD = DOCS / "model.md"
USAGE_MD = DOCS / "usage.md"
PARAMS_MARKERS = ("<!-- params:begin -->", "<!-- params:end -->")
SCHEMA_MARKERS = ("<!-- schema:begin -->", "<!-- schema:end -->")
DEFAULTS_MARKERS = ("<!-- defaults:begin -->", "<!-- defaults:end -->")
OVERRIDES_MARKERS = ("<!-- overrides:begin -->", "<!-- overrides:end -->")
CHAIN_MARKERS = ("<!-- chain:begin -->", "<!-- chain:end -->")
LEVERS_MARKERS = ("<!-- levers:begin -->", "<!-- levers:end -->")
INERT_MARKERS = ("<!-- inert:begin -->", "<!-- inert:end -->")

# Descriptions for fields that carry none in sim/params.py (shown with a †).
FALLBACK: dict[tuple[str, str], str] = {
    ("Scenario", "name"): "scenario name (default: the file's stem)",
    ("Scenario", "description"): "one line shown by `cogov list`",
    ("Scenario", "days"): "days to simulate (one tick = one day)",
    ("Scenario", "community"): "the street's graph (see `community`)",
    ("Scenario", "departments"): "the departments (条); default: sim/data/defaults.yaml",
    ("Scenario", "categories"): "the categories of need (诉求); default: sim/data/defaults.yaml",
    ("Scenario", "residents"): "居民 (see `residents`)",
    ("Scenario", "grid_workers"): "网格员 (see `grid_workers`)",
    ("Scenario", "street_office"): "街道 and the silo (see `street_office`)",
    ("Scenario", "levers"): "the levers, each off by default (see `levers.*`)",
    ("Scenario", "emergency"): "平时 / 战时 shock window (see `emergency`)",
    ("Department", "name"): "identifier, lower_snake_case, unique",
    ("Department", "name_zh"): "Chinese name (labels only)",
    ("Department", "hours_per_case"): "hours its part of one case takes",
    ("Department", "handling_days"): "days from starting its part to finishing it",
    ("Category", "name"): "identifier, lower_snake_case, unique",
    ("Category", "name_zh"): "Chinese name (labels only)",
    ("Category", "severity"): "mean initial severity (each need: x uniform 0.5-1.5)",
    ("Category", "grid_solvable"): "a grid worker (or cadre, volunteer) can settle it",
    ("Category", "deadline_days"): "days from intake to closure counted as on time",
    ("Category", "grid_hours"): "hours to settle it at the grid",
    ("ResidentParams", "trust_mean"): "mean initial trust (Beta distribution)",
    ("ResidentParams", "trust_concentration"): "a + b of the initial Beta; higher: less spread",
    ("ResidentParams", "satisfaction_resolved"): "outcome: chance of satisfaction when resolved",
    ("ResidentParams", "satisfaction_unresolved"): (
        "outcome: chance of satisfaction when closed unresolved"
    ),
    ("GridWorkerParams", "per_grid"): "grid workers per grid (0: no patrol, no grid capacity)",
    ("GridWorkerParams", "hours_per_day"): "working hours per worker per day",
    ("GridWorkerParams", "priority"): "overload policy: counted tasks first, or neediest first",
    (
        "StreetOfficeParams",
        "max_bounces",
    ): "bounces (推诿) after which the case is closed unresolved",
    ("StreetOfficeParams", "forward_days"): "days a bounced or onward case waits at the street",
    ("Whistle", "enabled"): "switch the lever on",
    ("Whistle", "deadline_days"): "joint handling takes at most this many days",
    ("Whistle", "after_bounces"): "whistle for a case that has bounced this many times",
    ("Workstation", "enabled"): "switch the lever on",
    ("Workstation", "departments"): "member departments pooled into one team",
    ("Mediation", "enabled"): "switch the lever on",
    ("Mediation", "departments"): "the N: a category needing any of them goes to 1+N",
    ("Mediation", "hours_per_session"): "governance-centre hours per session (cost only)",
    ("Cadres", "enabled"): "switch the lever on",
    ("Cadres", "per_grid"): "cadres per grid (total rounded)",
    ("Cadres", "hours_per_week"): "hours each cadre gives a week",
    ("Cadres", "visit_hours"): "hours per home visit (入户)",
    ("Deliberation", "enabled"): "switch the lever on",
    ("Deliberation", "meeting_days"): "days from intake to the meeting",
    ("Deliberation", "meeting_hours"): "grid-worker hours per meeting, taken from casework",
    ("SocialForces", "enabled"): "switch the lever on",
    ("Mobilisation", "enabled"): "switch the lever on",
    ("PaperResolution", "enabled"): "switch the failure mode on",
    ("PaperResolution", "rate"): "chance a closure is reported resolved whatever happened",
    ("Campaign", "enabled"): "switch the campaign on",
    ("Campaign", "category"): "the category that jumps every queue",
    ("Campaign", "start"): "first day of the window",
    ("Campaign", "days"): "length of the window in days",
    ("Emergency", "enabled"): "switch the shock on",
    ("Emergency", "start"): "first day of the window",
    ("Emergency", "days"): "length of the window in days",
    ("Emergency", "multipliers"): "category name -> multiplier on its rate during the window",
}
# Constraints enforced by validators rather than field bounds.
EXTRA_RANGE: dict[tuple[str, str], str] = {
    ("CommunityParams", "grid_size"): "[low, high], 2 ≤ low ≤ high ≤ 5,000,000",
    ("Scenario", "categories"): "≥ 1 item; names unique",
    ("Scenario", "departments"): "names unique",
    ("Category", "departments"): "known department names",
    ("Workstation", "departments"): "known department names",
    ("Mediation", "departments"): "known department names",
    ("Campaign", "category"): "a known category name",
    ("Emergency", "multipliers"): "known category names; values ≥ 0",
}


# ---------------------------------------------------------------- formatting helpers
def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _num(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return f"{v:g}" if abs(v) < 1e6 else f"{v:,.0f}"
    if isinstance(v, int):
        return f"{v:,}" if abs(v) >= 10_000 else str(v)
    return str(v)


def _value(v: Any) -> str:
    """A default as it would be written in a scenario file."""
    if v is None:
        return "null"
    if isinstance(v, BaseModel):
        return "(mapping)"
    if isinstance(v, Path):
        return str(v)
    if isinstance(v, (list, tuple)):
        if v and all(isinstance(x, BaseModel) for x in v):
            return f"{len(v)} items (defaults.yaml)"
        return "[" + ", ".join(_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{k}: {_value(x)}" for k, x in v.items()) + "}"
    if isinstance(v, str):
        return v if v else '""'
    return _num(v)


def _bounds(prop: dict) -> str:
    """Range text from JSON-Schema keywords (minimum, maximum, exclusive*, enum)."""
    if "enum" in prop:
        return " | ".join(f"`{x}`" for x in prop["enum"])
    if "const" in prop:
        return f"`{prop['const']}`"
    lo = ("≥", prop["minimum"]) if "minimum" in prop else None
    if "exclusiveMinimum" in prop:
        lo = (">", prop["exclusiveMinimum"])
    hi = ("≤", prop["maximum"]) if "maximum" in prop else None
    if "exclusiveMaximum" in prop:
        hi = ("<", prop["exclusiveMaximum"])
    if lo and hi:
        op_lo = "≤" if lo[0] == "≥" else "<"
        return f"{_num(lo[1])} {op_lo} x {hi[0]} {_num(hi[1])}"
    if lo:
        return f"{lo[0]} {_num(lo[1])}"
    if hi:
        return f"{hi[0]} {_num(hi[1])}"
    if prop.get("pattern") == "^[a-z][a-z0-9_]*$":
        return "lower_snake_case"
    return ""


def _resolve(prop: dict, defs: dict) -> dict:
    if "$ref" in prop:
        return defs[prop["$ref"].split("/")[-1]]
    return prop


def _type(prop: dict, defs: dict) -> str:
    """A short type name for a JSON-Schema property."""
    if "$ref" in prop:
        return "mapping"
    if "anyOf" in prop:
        kinds = [_type(p, defs) for p in prop["anyOf"]]
        return " or ".join(dict.fromkeys(kinds))
    if "enum" in prop:
        return "string"
    t = prop.get("type")
    if t == "array":
        if "prefixItems" in prop:
            return "[" + ", ".join(_type(p, defs) for p in prop["prefixItems"]) + "]"
        items = prop.get("items", {})
        if "$ref" in items:
            return "list of mappings"
        return f"list of {_type(items, defs)}"
    if t == "object":
        extra = prop.get("additionalProperties")
        if isinstance(extra, dict):
            return f"mapping of string → {_type(extra, defs)}"
        return "mapping"
    names = {"integer": "int", "number": "number", "boolean": "bool", "string": "string"}
    return names.get(t, "null" if t == "null" else "any")


def _range(model: str, name: str, prop: dict) -> str:
    parts = []
    if "anyOf" in prop:
        parts += [_bounds(p) for p in prop["anyOf"] if p.get("type") != "null"]
    else:
        parts.append(_bounds(prop))
        extra = prop.get("additionalProperties")
        if isinstance(extra, dict) and _bounds(extra):
            parts.append("values " + _bounds(extra))
    if (model, name) in EXTRA_RANGE:
        parts = [EXTRA_RANGE[(model, name)]]
    return "; ".join(p for p in parts if p)


def _first_line(text: str | None) -> str:
    return text.strip().splitlines()[0] if text and text.strip() else ""


def _describe(model: str, name: str, prop: dict) -> str:
    if prop.get("description"):
        return prop["description"]
    if (model, name) in FALLBACK:
        return FALLBACK[(model, name)] + " †"
    return ""


# ---------------------------------------------------------------- the parameter tables
def _sections() -> list[tuple[str, type[BaseModel]]]:
    """(scenario key path, model) for every pydantic model reachable from `Scenario`."""
    from sim.params import Scenario

    out: list[tuple[str, type[BaseModel]]] = [("(top level)", Scenario)]

    def walk(path: str, model: type[BaseModel]) -> None:
        for name, field in model.model_fields.items():
            ann = field.annotation
            sub = f"{path}.{name}" if path else name
            cands = [ann, *typing.get_args(ann)]
            for c in cands:
                if isinstance(c, type) and issubclass(c, BaseModel):
                    key = f"{sub}[]" if typing.get_origin(ann) is tuple else sub
                    out.append((key, c))
                    walk(key, c)
                    break

    walk("", Scenario)
    return out


def param_models() -> list[type[BaseModel]]:
    """Every pydantic model the parameter tables cover."""
    return [m for _, m in _sections()]


def _model_table(model: type[BaseModel], path: str) -> list[str]:
    schema = model.model_json_schema()
    props = schema.get("properties", {})
    defs = schema.get("$defs", {})
    lines = [
        "| field | type | default | range / allowed | description |",
        "|---|---|---|---|---|",
    ]
    for name, field in model.model_fields.items():
        prop = props.get(name, {})
        sub = _resolve(prop, defs)
        if field.is_required():
            default = "*required*"
        else:
            default = _value(field.get_default(call_default_factory=True))
        description = _describe(model.__name__, name, prop)
        value = field.get_default(call_default_factory=True)
        if isinstance(value, BaseModel):
            key = f"{path}.{name}" if path != "(top level)" else name
            default = f"see `{key}`"
            description = description or _first_line(type(value).__doc__)
        lines.append(
            "| "
            + " | ".join(
                _cell(x)
                for x in (
                    f"`{name}`",
                    _type(prop, defs) if "$ref" not in prop else "mapping",
                    f"`{default}`" if not default.startswith(("*", "see")) else default,
                    _range(model.__name__, name, sub if "$ref" not in prop else prop),
                    description,
                )
            )
            + " |"
        )
    return lines


def params_markdown() -> str:
    """Markdown tables of every parameter model in sim/params.py, from `Scenario` down."""
    out = [
        "<!-- generated by `python -m sim.docgen` from sim/params.py; do not edit by hand -->",
        "",
        "Ranges are the bounds pydantic enforces when a scenario is loaded (`x` is the "
        "value); a dagger (†) marks a description written for the docs because "
        "`sim/params.py` gives the field none.",
    ]
    for path, model in _sections():
        doc = _first_line(model.__doc__)
        out += ["", f"#### `{path}` — {model.__name__}", ""]
        if doc and path != "(top level)":
            out += [doc, ""]
        out += _model_table(model, path)
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------- overrides and the retry chain
def overrides() -> list[tuple[str, Any, str, str, str]]:
    """(path, default, range, description, source) of every field marked with `override`."""
    from sim.city.ranking import RankingSpec

    rows = []
    city = [("ranking", RankingSpec)]  # a city file's own sections (sim/city/)
    for path, model in _sections() + city:
        schema = model.model_json_schema()
        props = schema.get("properties", {})
        for name, field in model.model_fields.items():
            extra = field.json_schema_extra
            if not isinstance(extra, dict) or "override" not in extra:
                continue
            key = name if path == "(top level)" else f"{path}.{name}"
            if (path, model) in city:
                key = f"{key} (city file)"
            rng = _range(model.__name__, name, props.get(name, {}))
            rows.append((key, field.default, rng, field.description or "", extra["override"]))
    return rows


def overrides_markdown() -> str:
    """One table of every probability a mechanism sets outright or adjusts."""
    out = [
        "<!-- generated by `python -m sim.docgen` from sim/params.py; do not edit by hand -->",
        "",
        "| parameter | default | range | what it overrides | source |",
        "|---|---|---|---|---|",
    ]
    for key, default, rng, desc, source in overrides():
        out.append(
            f"| `{key}` | {_value(default)} | {_cell(rng)} | {_cell(desc)} | {_cell(source)} |"
        )
    return "\n".join(out) + "\n"


def inert_markdown() -> str:
    """The knobs that may move nothing at the defaults, and where each binds."""
    from sim.knobs import INERT

    out = [
        "<!-- generated by `python -m sim.docgen` from sim/knobs.py; do not edit by hand -->",
        "",
        "| parameter | why it can be inert at the defaults | binds with |",
        "|---|---|---|",
    ]
    for path, (why, where) in INERT.items():
        out.append(f"| `{path}` | {_cell(why)} | `{_cell(_flat(where))}` |")
    return "\n".join(out) + "\n"


def _flat(d: dict, prefix: str = "") -> str:
    parts = []
    for k, v in d.items():
        if isinstance(v, dict):
            parts.append(_flat(v, f"{prefix}{k}."))
        else:
            parts.append(f"{prefix}{k}: {_value(v)}")
    return ", ".join(parts)


def chain_markdown() -> str:
    """The retry chain at the grid desk, from `sim.levers.RETRY_CHAIN`."""
    from sim.levers import MODULES, RETRY_CHAIN
    from sim.params import BuiltInLevers

    out = [
        "<!-- generated by `python -m sim.docgen` from sim/levers/__init__.py; "
        "do not edit by hand -->",
        "",
        "| order | who | lever | cases (`categories[]` flags) | success (typical case) "
        "| after a failure |",
        "|---:|---|---|---|---|---|",
    ]
    for i, lever in enumerate(RETRY_CHAIN, 1):
        helper = MODULES[lever].HELPER
        flag = helper["takes"]
        settings = BuiltInLevers.model_fields[lever].annotation
        own = "success" in settings.model_fields  # its own, else as grid workers
        success = (
            f"`levers.{lever}.success` (null: as grid workers)" if own else "`grid_workers.success`"
        )
        cases = "grid-solvable" if flag == "grid_solvable" else f"`{flag}`, grid-solvable"
        after = (
            "to the grid worker, who tries it again (`grid_workers.retry_after_helper`; "
            "false: escalates it); no other helper"
        )
        out.append(f"| {i} | {helper['who']} | `{lever}` | {cases} | {success} | {after} |")
    out.append(
        f"| {len(RETRY_CHAIN) + 1} | 网格员 grid worker | — | grid-solvable | "
        "`grid_workers.success` | escalated to the street office: the departments on its route |"
    )
    out.append(
        f"| {len(RETRY_CHAIN) + 2} | 职能部门 departments | — | the category's route | each part: "
        "`departments[].success`; joint bodies: their parts together, with a premium | "
        "closed unresolved when the route ends with a failed part |"
    )
    return "\n".join(out) + "\n"


def _phase_calls() -> dict[str, list[tuple[str, str]]]:
    """Per lever module: (phase, `module.kernel`) for each call the day's phases make."""
    import ast

    from sim import day

    tree = ast.parse(Path(day.__file__).read_text(encoding="utf-8"))
    phases = {f.name: f for f in tree.body if isinstance(f, ast.FunctionDef)}
    out: dict[str, list[tuple[str, str]]] = {}
    for phase in day.PHASES:
        todo, seen = [phases[phase]], {phase}
        while todo:  # the phase and the functions of sim/day.py it calls (its parts)
            for node in ast.walk(todo.pop()):
                f = node.func if isinstance(node, ast.Call) else None
                if isinstance(f, ast.Name) and f.id in phases and f.id not in seen:
                    seen.add(f.id)
                    todo.append(phases[f.id])
                if isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name):
                    mod = getattr(day, f.value.id, None)
                    if getattr(mod, "__name__", "").startswith("sim.levers."):
                        out.setdefault(f.value.id, []).append((phase, f"{f.value.id}.{f.attr}"))
    return out


def levers_markdown() -> str:
    """The levers: names, the article's section, code, and where each acts, from the
    registry (`sim.levers.MODULES`), its labels and the calls in the day's phases."""
    import re

    from sim.levers import MODULES, RETRY_CHAIN, emergency
    from sim.report.labels import LEVERS

    calls = _phase_calls()
    out = [
        "<!-- generated by `python -m sim.docgen` from sim/levers/ and sim/day.py; "
        "do not edit by hand -->",
        "",
        "| lever | 中文 | article | code | where it acts (`sim/day.py` phase: kernel) |",
        "|---|---|---|---|---|",
    ]
    for name, module in [*MODULES.items(), ("emergency", emergency)]:
        cls = getattr(module, "LEVER", None) or emergency.EmergencyShock
        doc = (module.__doc__ or "").split("\n\n")[0]
        article = ", ".join(dict.fromkeys(re.findall(r"[一二三四五]\([一二三四五]\)", doc))) or "—"
        where = ["setup"] if "setup" in vars(cls) else []
        path = Path(module.__file__).resolve().relative_to(ROOT).as_posix()
        for phase, kernel in calls.get(name, []):  # `emergency.x` would read as a setting
            kernel = kernel if name in MODULES else f"{path}` `{kernel.split('.')[-1]}"
            where.append(f"`{phase}`: `{kernel}`")
        if name in RETRY_CHAIN:
            where.append("retry chain (`the_grid_settles`)")
        if hasattr(module, "JOINT"):
            where.append("joint body (`core.JOINT_BODY`, in `core.handle_joint`)")
        lever = f"`{name}`" if name in MODULES else f"(`{name}`)"
        out.append(
            f"| {lever} | {LEVERS[name][0]} | {article} | `{path}` `{cls.__name__}` "
            f"| {'; '.join(where)} |"
        )
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------- the scenario-file reference
def schema_markdown() -> str:
    """The scenario-file reference, rendered from `sim.commands.schema()`."""
    from sim.commands import schema

    s = schema()
    defs = s.get("$defs", {})
    out = [
        "<!-- generated by `python -m sim.docgen` from `cogov schema`; do not edit by hand -->",
        "",
        "Every key a scenario file may hold; any other key is refused with a one-line "
        "error naming the keys allowed there. `departments` and `categories` are lists of "
        "mappings; all other sections are mappings that merge key by key under `extends:`.",
    ]

    def section(title: str, node: dict, path: str, defaults: dict | None) -> None:
        props = node.get("properties", {})
        required = set(node.get("required", []))
        desc = node.get("description", "")
        out.extend(["", f"#### `{title}`", ""])
        if desc:
            out.extend([desc.splitlines()[0], ""])
        out.append("| key | type | default | range / allowed | description |")
        out.append("|---|---|---|---|---|")
        nested: list[tuple[str, dict, str, dict | None]] = []
        model = node.get("title", "Scenario") if path else "Scenario"
        for key, prop in props.items():
            target = _resolve(prop, defs)
            if "default" in prop:
                default = prop["default"]
            elif defaults and key in defaults:
                default = defaults[key]
            elif key in required:
                default = "*required*"
            else:
                default = "—"
            full = f"{path}.{key}" if path else key
            if "$ref" in prop:
                shown = f"see `{full}`"
                nested.append((full, target, full, default if isinstance(default, dict) else None))
            elif prop.get("type") == "array" and "$ref" in prop.get("items", {}):
                shown = "defaults.yaml" if default == "—" else _value(default)
                item = _resolve(prop["items"], defs)
                nested.append((f"{full}[]", item, f"{full}[]", None))
            elif isinstance(default, str) and default.startswith(("*", "—")):
                shown = default
            else:
                shown = f"`{_value(default)}`"
            rng = "" if "$ref" in prop else _range(model, key, target)
            if "$ref" in prop:
                description = (
                    prop.get("description")
                    or _first_line(target.get("description"))
                    or _describe(model, key, {})
                )
            else:
                description = _describe(model, key, prop)
            out.append(
                "| "
                + " | ".join(
                    _cell(x) for x in (f"`{key}`", _type(prop, defs), shown, rng, description)
                )
                + " |"
            )
        for args in nested:
            section(*args)

    section("(top level)", s, "", None)
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------- default data tables
def defaults_markdown() -> str:
    """The default departments and categories (sim/data/defaults.yaml) as two tables."""
    from sim.params import Levers, default_data

    data = default_data()
    ws = set(Levers().workstation.departments)
    n_set = set(Levers().mediation.departments)
    out = [
        "<!-- generated by `python -m sim.docgen` from sim/data/defaults.yaml; "
        "do not edit by hand -->",
        "",
        "Departments (条). Hours a day are per 10,000 households and scale with the "
        "street; *lever* says which lever pools or convenes the department by default.",
        "",
        "| name | 中文 | hours/day per 10k hh | hours/case | acceptance | handling days "
        "| success | lever |",
        "|---|---|---:|---:|---:|---:|---:|---|",
    ]
    for d in data["departments"]:
        lever = "workstation" if d.name in ws else "mediation (N)" if d.name in n_set else ""
        out.append(
            f"| `{d.name}` | {d.name_zh} | {_num(d.hours_per_day)} | {_num(d.hours_per_case)} "
            f"| {_num(d.acceptance)} | {d.handling_days} | {_num(d.success)} | {lever} |"
        )
    cats = data["categories"]
    total = sum(c.rate for c in cats)
    out += [
        "",
        f"Categories of need (诉求). Rates are needs per 1,000 households a year "
        f"(total {_num(total)}: {total / 1000:.2f} per household); *share* is of that total.",
        "",
        "| name | 中文 | rate | share | severity | departments | grid-solvable | collective "
        "| counted | service | deadline days | grid hours |",
        "|---|---|---:|---:|---:|---|---|---|---|---|---:|---:|",
    ]

    def yes(flag: bool) -> str:
        return "yes" if flag else ""

    for c in cats:
        out.append(
            f"| `{c.name}` | {c.name_zh} | {_num(c.rate)} | {100 * c.rate / total:.1f} % "
            f"| {_num(c.severity)} | {', '.join(c.departments)} | {yes(c.grid_solvable)} "
            f"| {yes(c.collective)} | {yes(c.counted)} | {yes(c.service)} "
            f"| {c.deadline_days} | {_num(c.grid_hours)} |"
        )
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------- rewriting the docs
def replace_region(text: str, markers: tuple[str, str], body: str) -> str:
    begin, end = markers
    i, j = text.find(begin), text.find(end)
    if i < 0 or j < i:
        raise ValueError(f"markers {begin} ... {end} not found")
    return text[: i + len(begin)] + "\n" + body + text[j:]


def region(text: str, markers: tuple[str, str]) -> str:
    """The text between the markers (without them), or raise."""
    begin, end = markers
    i, j = text.find(begin), text.find(end)
    if i < 0 or j < i:
        raise ValueError(f"markers {begin} ... {end} not found")
    return text[i + len(begin) : j]


def targets() -> list[tuple[Path, tuple[str, str], str]]:
    return [
        (MODEL_MD, DEFAULTS_MARKERS, defaults_markdown()),
        (MODEL_MD, PARAMS_MARKERS, params_markdown()),
        (MODEL_MD, OVERRIDES_MARKERS, overrides_markdown()),
        (MODEL_MD, CHAIN_MARKERS, chain_markdown()),
        (MODEL_MD, LEVERS_MARKERS, levers_markdown()),
        (MODEL_MD, INERT_MARKERS, inert_markdown()),
        (USAGE_MD, SCHEMA_MARKERS, schema_markdown()),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m sim.docgen",
        description="Regenerate the parameter tables (docs/model.md) and the scenario-file "
        "reference (docs/usage.md) from the code.",
    )
    parser.add_argument("--check", action="store_true", help="exit 1 if a doc is out of date")
    args = parser.parse_args(argv)
    stale = []
    for path in dict.fromkeys(p for p, _, _ in targets()):
        text = path.read_text(encoding="utf-8")
        new = text
        for p, markers, body in targets():
            if p == path:
                new = replace_region(new, markers, body)
        if new != text:
            stale.append(path)
            if not args.check:
                path.write_text(new, encoding="utf-8")
    rel = ", ".join(str(p.relative_to(ROOT)) for p in stale)
    if args.check:
        if stale:
            print(f"out of date: {rel} (run `python -m sim.docgen`)", file=sys.stderr)
            return 1
        return 0
    print(f"rewrote: {rel}" if stale else "docs up to date", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())


__all__ = [
    "chain_markdown",
    "defaults_markdown",
    "levers_markdown",
    "main",
    "overrides_markdown",
    "param_models",
    "params_markdown",
    "schema_markdown",
]
