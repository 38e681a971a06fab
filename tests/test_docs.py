"""The docs stay in sync with the code: generated tables, levers, metrics."""

import ast
import builtins
import importlib
import inspect
import re
import textwrap
import typing
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import pytest
from pydantic import BaseModel

import sim
from sim import docgen
from sim.metrics import HEADLINE

ROOT = Path(__file__).resolve().parent.parent
MODEL_MD = ROOT / "docs" / "model.md"
USAGE_MD = ROOT / "docs" / "usage.md"
HINT = "docs are out of date: run `python -m sim.docgen`"


@pytest.fixture(scope="module")
def model_md() -> str:
    return MODEL_MD.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def usage_md() -> str:
    return USAGE_MD.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("doc", "markers", "generate"),
    [
        ("model", docgen.PARAMS_MARKERS, docgen.params_markdown),
        ("model", docgen.DEFAULTS_MARKERS, docgen.defaults_markdown),
        ("model", docgen.LEVERS_MARKERS, docgen.levers_markdown),
        ("model", docgen.CHAIN_MARKERS, docgen.chain_markdown),
        ("usage", docgen.SCHEMA_MARKERS, docgen.schema_markdown),
    ],
)
def test_generated_regions_match_the_code(doc, markers, generate, model_md, usage_md):
    text = model_md if doc == "model" else usage_md
    assert docgen.region(text, markers) == "\n" + generate(), HINT


def test_docgen_check_passes():
    assert docgen.main(["--check"]) == 0, HINT


def test_every_parameter_appears_in_the_tables():
    """Every field of every parameter model has a row (nothing skipped by the walker)."""
    text = docgen.params_markdown()
    for model in docgen.param_models():
        for name in model.model_fields:
            assert f"| `{name}` |" in text, f"{model.__name__}.{name} missing"


def test_every_schema_key_is_documented():
    from sim.commands import schema

    s = schema()
    text = docgen.schema_markdown()
    keys = set(s["properties"])
    for d in s["$defs"].values():
        keys |= set(d.get("properties", {}))
    for key in keys:
        assert f"| `{key}` |" in text, f"{key} missing from the scenario-file reference"


def test_every_lever_and_lever_module_is_described(model_md):
    for lever in sim.LEVER_NAMES:
        assert f"`{lever}`" in model_md, f"lever {lever} not in docs/model.md"
    for path in sorted((ROOT / "sim" / "levers").glob("*.py")):
        if path.name == "__init__.py":
            assert "sim/levers/__init__.py" in model_md
            continue
        assert f"sim/levers/{path.name}" in model_md, f"{path} not in docs/model.md"


def test_every_headline_metric_is_defined(model_md):
    for metric in HEADLINE:
        row = re.search(rf"^\| `{re.escape(metric)}` \| (.+) \|$", model_md, re.M)
        assert row and row.group(1).strip(), f"metric {metric} not defined in docs/model.md"


def test_every_random_stream_is_listed(model_md):
    from sim.core import STREAMS

    for name in STREAMS:
        assert f"`{name}`" in model_md, f"random stream {name} not in docs/model.md"


def test_usage_names_every_subcommand(usage_md):
    from sim.cli import build_parser

    parser = build_parser()
    sub = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    for name in sub.choices:
        assert f"cogov {name}" in usage_md, f"`cogov {name}` not in docs/usage.md"


# ---------------------------------------------------------------- code names in the docs
# Every backticked token of the docs that names code must name code that exists. Tokens
# are sorted into classes by their shape (`dead_reason`; one helper per class):
#   `sim/day.py`, `scenarios/<lever>.yaml`   a path into the repository: it exists
#   `sim/day.py` `strength`                  a name beside a .py path: defined in that file
#   `residents.voice`, `departments[].x`     a dotted path whose head is a scenario
#                                            section: a scenario-file setting
#   `sim.metrics.window`                     imported and getattr'd
#   `CaseBook.others`, `model.steps`         a class of sim (or `model`, `result`) and an
#                                            attribute, field or `self.x` of it
#   `core.close`, `day.record`               a module of sim by its last name, and a name
#   `take_by_capacity`, `HOME`, `CaseBook`   bare snake_case with an underscore or called,
#                                            ALL_CAPS, CamelCase: in `vocabulary()`
#   `COGOV_X`, `cogov run ...`, `key: v`     an env variable sim or scripts read, a
#                                            subcommand, a YAML / keyword key (as bare)
# A token of no class (one lower-case word, a number, a value, an output file, a command
# line, a template such as `hours_<actor>`) is prose and is not checked. Fenced code
# blocks are examples to run, not references, and are skipped.

DOCS = (ROOT / "README.md", MODEL_MD, USAGE_MD)
SIM = ROOT / "sim"
# Top-level folders of the repository: a path starting with one of them must exist.
REPO_DIRS = ("sim", "scenarios", "notebooks", "docs", "tests", "benchmarks", "scripts", ".ci")
# Names from other packages the docs mention by themselves (builtins are found anyway).
EXTERNAL = {
    "LocalCluster": "dask.distributed",
    "SeedSequence": "numpy.random",
    "default_rng": "numpy.random",
}
IDENT = r"[A-Za-z_][A-Za-z0-9_]*"
DOTTED = re.compile(rf"^{IDENT}(?:\.{IDENT})*$")
# A name, optionally called (`f()`, `f(a, b=1)`) or indexed (`d["k"]`): the name is checked.
CALLED = re.compile(rf"^(?P<name>{IDENT}(?:\.{IDENT})*)(?P<rest>(?:\(.*\)|\[.*\])+)$")
SETTINGS_PATH = re.compile(rf"^{IDENT}(?:\[\])?(?:\.(?:{IDENT}|\*)(?:\[\])?)*$")
FILE_SUFFIXES = (
    ".py", ".md", ".yaml", ".yml", ".json", ".csv", ".parquet", ".png", ".svg", ".ipynb",
    ".txt", ".html", ".docx", ".db", ".toml", ".sh", ".graphml", ".lock",
)  # fmt: skip


@dataclass(frozen=True)
class Span:
    """One backticked token: where it is, and the `.py` file it is written beside, as in
    `sim/day.py` `strength` (then the name must be defined in that file)."""

    file: str
    line: int
    text: str
    in_file: str | None = None

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: `{self.text}`"


def code_spans(path: Path) -> list[Span]:
    """Backticked tokens outside fenced code blocks. A token right after a `.py` path (only
    spaces or a line break between), or after such a token with ", " between, is read in
    that file."""
    spans = []
    fenced = False
    carry = None  # a `.py` path that ended the previous line
    rel = str(path.relative_to(ROOT))
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.lstrip().startswith(("```", "~~~")):
            fenced, carry = not fenced, None
            continue
        if fenced:
            continue
        in_file, end, last_is_path = carry, (0 if carry else None), False
        for m in re.finditer(r"`([^`]+)`", line):
            text = m.group(1)
            between = line[end : m.start()] if end is not None else None
            linked = between is not None and (between.strip() == "" or between == ", ")
            here = in_file if in_file and linked else None
            spans.append(Span(rel, n, text, here))
            last_is_path = text.endswith(".py") and "/" in text
            if last_is_path:
                in_file = text
            elif here is None:
                in_file = None
            end = m.end()
        tail = line[end:] if end is not None else line
        carry = in_file if last_is_path and tail.strip() == "" else None
    return spans


# ---------------------------------------------------------------- what the code defines
@cache
def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"))


def _targets(node) -> list[str]:
    """Names bound by an assignment target (tuples unpacked)."""
    if isinstance(node, ast.Name):
        return [node.id]
    if isinstance(node, (ast.Tuple, ast.List)):
        return [n for e in node.elts for n in _targets(e)]
    return []


def _self_attributes(tree: ast.AST) -> set[str]:
    """`self.x = ...` (and `self.a, self.b = ...`) anywhere in a class or module."""
    out = set()
    for node in ast.walk(tree):
        targets = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, (ast.AnnAssign, ast.AugAssign)):
            targets = [node.target]
        for t in targets:
            for e in t.elts if isinstance(t, ast.Tuple) else [t]:
                if (
                    isinstance(e, ast.Attribute)
                    and isinstance(e.value, ast.Name)
                    and e.value.id == "self"
                ):
                    out.add(e.attr)
    return out


def _body_names(body: list) -> set[str]:
    """Names a module or class body defines: functions, classes, assignments, fields."""
    out = set()
    for node in body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            out.add(node.name)
        elif isinstance(node, ast.Assign):
            out.update(n for t in node.targets for n in _targets(t))
        elif isinstance(node, ast.AnnAssign):
            out.update(_targets(node.target))
    return out


def defined_in_file(path: Path) -> set[str]:
    """The module-level names a file defines itself (imports do not count)."""
    return _body_names(_tree(path).body)


@cache
def sim_files() -> tuple[Path, ...]:
    return tuple(sorted(SIM.rglob("*.py")))


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def sim_classes() -> dict[str, list[str]]:
    """Class name -> the sim modules defining a class of that name."""
    out: dict[str, list[str]] = {}
    for path in sim_files():
        for node in ast.walk(_tree(path)):
            if isinstance(node, ast.ClassDef):
                out.setdefault(node.name, []).append(_module_name(path))
    return out


@cache
def sim_modules() -> dict[str, list[str]]:
    """A module's last name (`core`, `day`, `style`) -> its full names in sim."""
    out: dict[str, list[str]] = {}
    for path in sim_files():
        name = _module_name(path)
        out.setdefault(name.rsplit(".", 1)[-1], []).append(name)
    return out


@cache
def sim_names() -> frozenset[str]:
    """Every name sim defines: functions, classes, module and class attributes (enum
    members, dataclass / NamedTuple / pydantic fields), `self.x` attributes, parameters
    of functions (keyword arguments), and identifier-like string constants (env
    variables, papermill parameters)."""
    out = set()
    for path in sim_files():
        tree = _tree(path)
        out |= _body_names(tree.body) | _self_attributes(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                out |= _body_names(node.body)
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                a = node.args
                out.update(x.arg for x in a.args + a.kwonlyargs + a.posonlyargs)
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                out.update(re.findall(r"^[A-Z][A-Z0-9_]+$", node.value))
    return frozenset(out)


@cache
def small_model():
    """A tiny street: the attributes `CoGovModel`, `Tally`, `CaseBook` and `Residents`
    provide through `__getattr__` (table columns) exist only on instances."""
    from sim.model import CoGovModel
    from sim.params import Scenario

    return CoGovModel(Scenario(community={"residents": 100}))


def _instances() -> dict[str, object]:
    m = small_model()
    return {"CoGovModel": m, "Tally": m.tally, "CaseBook": m.book, "Residents": m.residents}


def _sim_class_objects(name: str, modules: list[str] | None = None) -> list[type]:
    out = []
    for module in modules or sim_classes().get(name, []):
        obj = getattr(importlib.import_module(module), name, None)
        if isinstance(obj, type):
            out.append(obj)
    return out


def class_has(name: str, attr: str, modules: list[str] | None = None) -> bool:
    """Whether a class of sim has `attr`: a method, property or class attribute, a field
    (dataclass, NamedTuple, pydantic), a `self.x` set in the methods of it or of a base
    class, or an attribute its instances provide (`__getattr__`)."""
    for cls in _sim_class_objects(name, modules):
        if hasattr(cls, attr) or attr in getattr(cls, "model_fields", {}):
            return True
        if attr in getattr(cls, "__dataclass_fields__", {}):
            return True
        for klass in cls.__mro__[:-1]:
            try:
                source = inspect.getsource(klass)
            except (OSError, TypeError):
                continue
            if attr in _self_attributes(ast.parse(textwrap.dedent(source))):
                return True
        instance = _instances().get(name)
        if isinstance(instance, cls) and hasattr(instance, attr):
            return True
    return False


# ---------------------------------------------------------------- vocabulary
def _scenario():
    from sim.params import Scenario

    return Scenario


@cache
def settings_paths() -> frozenset[str]:
    """Every scenario-file path: `residents`, `residents.voice`, `departments[]`,
    `departments[].acceptance`, `levers.social_forces.success`..."""
    out = set()

    def walk(prefix: str, model: type[BaseModel]) -> None:
        for name, field in model.model_fields.items():
            path = f"{prefix}.{name}" if prefix else name
            out.add(path)
            ann = field.annotation
            for c in (ann, *typing.get_args(ann)):
                if isinstance(c, type) and issubclass(c, BaseModel):
                    sub = f"{path}[]" if typing.get_origin(ann) in (tuple, list) else path
                    out.add(sub)
                    walk(sub, c)
                    break

    walk("", _scenario())
    return frozenset(out)


@cache
def metric_names() -> frozenset[str]:
    """Summary figures (as `sim.run` returns them), headline metrics, window metrics and
    daily columns."""
    from sim import day, metrics

    run = sim.run(small_model().params, seed=0, days=1)
    names = set(metrics.HEADLINE) | set(metrics.INFO) | set(run.summary)
    names |= {x for group in metrics.WINDOW_BASIS.values() for x in group}
    names |= set(metrics.daily_columns(np.zeros((1, len(day.DAILY))), 1))
    return frozenset(names)


@cache
def vocabulary() -> frozenset[str]:
    """Bare names that name code or data: what sim defines (and the tests' test
    functions), attributes of its instances, scenario settings and their allowed values,
    metrics and daily columns, levers, random streams, actors, the default departments
    and categories, bundled scenarios, notebooks and the command line's placeholders."""
    from sim import core, day
    from sim.cli import build_parser
    from sim.commands import schema
    from sim.params import default_data

    names = set(sim_names()) | set(metric_names()) | set(sim.LEVER_NAMES)
    names |= set(core.STREAMS) | set(core.ACTORS) | set(core.TALLY)
    names |= set(day.PARAMS.names) | set(day.LEVERS.names)  # the compiled records' fields
    names |= {p.rsplit(".", 1)[-1].removesuffix("[]") for p in settings_paths()}
    data = default_data()
    names |= {x.name for x in (*data["departments"], *data["categories"])}
    s = schema()
    for node in [s, *s.get("$defs", {}).values()]:
        for prop in node.get("properties", {}).values():
            for sub in [prop, *prop.get("anyOf", [])]:
                names |= {str(x) for x in sub.get("enum", [])}
    names |= {p.stem for p in (ROOT / "scenarios").glob("*.yaml")}
    names |= glossary_terms()
    for nb in (ROOT / "notebooks").glob("*.ipynb"):
        names |= {nb.stem, nb.stem.split("_", 1)[1]}
    for path in (ROOT / "tests").glob("test_*.py"):
        names |= {n for n in defined_in_file(path) if n.startswith("test_")}
    parser = build_parser()
    sub = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    for p in sub.choices.values():
        for a in p._actions:
            names.add(a.dest.upper())
            meta = a.metavar if isinstance(a.metavar, tuple) else (a.metavar,)
            names |= {x for x in meta if x}
    return frozenset(names)


@cache
def glossary_terms() -> frozenset[str]:
    """The terms of docs/model.md's glossary (its "**Names**" bullet): words of the domain,
    used as names throughout, not pointers to code."""
    text = MODEL_MD.read_text(encoding="utf-8")
    m = re.search(r"^\* \*\*Names\*\*(.*?)(?=^\* |^$)", text, re.M | re.S)
    assert m, "docs/model.md has no **Names** glossary"
    return frozenset(re.findall(r"`([^`]+)`", m.group(1)))


@cache
def subcommands() -> frozenset[str]:
    from sim.cli import build_parser

    parser = build_parser()
    sub = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    return frozenset(sub.choices)


def is_metric_column(name: str) -> bool:
    """`gain_<metric>` and `<scenario>_<metric>`: the columns of a paired sweep."""
    scenarios = {p.stem for p in (ROOT / "scenarios").glob("*.yaml")}
    for prefix in ("gain", *scenarios):
        if name.startswith(prefix + "_") and name[len(prefix) + 1 :] in metric_names():
            return True
    return False


# ---------------------------------------------------------------- the rules, one a class
def check_path(text: str) -> str | None:
    """A path into the repository (`sim/day.py`, `sim/levers/`, `scenarios/<lever>.yaml`,
    `scenarios/targets/*.yaml`) must exist; a bare `x.py` must be a file of sim. Paths of
    outputs (`out/…`, `DIR/analysis/`, `summary.json`) are not the repository's."""
    parts = text.rstrip("/").split("/")
    if parts[0] in REPO_DIRS:
        pattern = re.sub(r"<[^>]*>", "*", text.rstrip("/"))  # `scenarios/<lever>.yaml`
        if "*" in pattern:
            return None if any(ROOT.glob(pattern)) else "no such path"
        return None if (ROOT / pattern).exists() else "no such path"
    if "/" not in text and text.endswith(".py"):
        found = (ROOT / text).exists() or any(SIM.rglob(text))
        return None if found else "no such file in sim/"
    return None


def check_in_file(name: str, path: str) -> str | None:
    """`sim/day.py` `strength`: the name (or, for `Class.attr`, the class and then its
    attribute) is defined in that file."""
    file = ROOT / path
    if not file.exists():
        return f"{path} does not exist"
    head, _, attr = name.partition(".")
    if head not in defined_in_file(file):
        return f"not defined in {path}"
    if attr and file.is_relative_to(SIM):
        module = _module_name(file)
        if not class_has(head, attr.split(".")[0], [module]):
            return f"{head} in {path} has no attribute {attr}"
    return None


def check_setting(text: str) -> str | None:
    """`residents.voice`, `departments[].acceptance`, `departments.*.acceptance` (a sweep
    axis: `*` is every item), `levers.*` (every field): a path of the scenario file."""
    path = re.sub(r"\.\*(?=\.)", "[]", text)
    if path.endswith(".*"):
        path = path[:-2]
    return None if path in settings_paths() else "no such scenario setting"


def check_sim_dotted(text: str) -> str | None:
    """`sim.metrics.window`: import the longest module prefix, getattr the rest."""
    parts = text.split(".")
    for k in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:k]))
        except ImportError:
            continue
        for attr in parts[k:]:
            if not hasattr(obj, attr):
                return f"{getattr(obj, '__name__', '.'.join(parts[:k]))} has no {attr}"
            obj = getattr(obj, attr)
        return None
    return "no such module"


# Instances the docs name by their usual variable.
ALIASES = {"model": "CoGovModel", "result": "RunResult"}


def check_dotted(text: str) -> str | None:
    """`Class.attr` (a class of sim; its first attribute is checked), `model.attr` (a
    `CoGovModel`), `core.close` (a module of sim by its last name, and the names after
    it). Other dotted names (`prim.Prim`, `distributed.Client`) are not sim's."""
    head, attr = text.split(".")[:2]
    cls = ALIASES.get(head, head)
    if cls in sim_classes():
        return None if class_has(cls, attr) else f"{cls} has no attribute {attr}"
    if head in sim_modules():
        for module in sim_modules()[head]:
            obj = importlib.import_module(module)
            for part in text.split(".")[1:]:
                obj = getattr(obj, part, None)
            if obj is not None:
                return None
        return f"not in {' or '.join(sim_modules()[head])}"
    return None


def check_bare(name: str, called: bool) -> str | None:
    """A bare name is checked when it looks like code: CamelCase (a class), ALL_CAPS (a
    constant, enum member or placeholder), or snake_case with an underscore or called
    (`name()`); it must then be in the vocabulary (`vocabulary()`). One lower-case word
    (`route`, `trust`) is prose."""
    if len(name) == 1:
        return None
    camel = name[0].isupper() and any(c.islower() for c in name)
    caps = name.isupper()
    snake = "_" in name or called
    if not (camel or caps or snake):
        return None
    if name in vocabulary() or name in EXTERNAL or hasattr(builtins, name):
        return None
    if any(hasattr(x, name) for x in _instances().values()):  # table columns
        return None
    if is_metric_column(name):
        return None
    if camel:
        return "no such class or function in sim"
    return "not defined in sim (nor a setting, metric, lever or data name)"


def dead_reason(span: Span) -> str | None:
    """Why a token names code that does not exist, or None (exists, or not code)."""
    text = span.text.strip()
    if re.fullmatch(r"COGOV_[A-Z0-9_]+(=.*)?", text):  # an environment variable
        var = text.split("=")[0]
        used = any(var in p.read_text(encoding="utf-8") for p in sim_files())
        used = used or any(var in p.read_text() for p in (ROOT / "scripts").glob("*"))
        return None if used else "environment variable not read by sim/ or scripts/"
    if text.startswith("cogov "):  # a command line
        cmd = text.split()[1]
        if re.fullmatch(r"[a-z]+", cmd) and cmd not in subcommands():
            return "no such subcommand"
        return None
    m = re.fullmatch(rf"({IDENT})\s*(=|:)(\s.*|[^=].*)?", text)
    if m and not text.startswith(("http", "tcp")):  # `keep_model=True`, `start_day: 365`
        return check_bare(m.group(1), False) if "_" in m.group(1) else None
    if "/" in text or text.endswith(FILE_SUFFIXES):
        return check_path(text) if " " not in text else None
    called = CALLED.match(text)
    name = called.group("name") if called else text
    if not DOTTED.match(name) and not SETTINGS_PATH.match(name):
        return None  # spaces, operators, templates (`hours_<actor>`), values
    if span.in_file:
        return check_in_file(name, span.in_file)
    head = re.split(r"[.\[]", name)[0]
    if ("." in name or "[" in name) and head in _scenario().model_fields:
        return check_setting(name)
    if not DOTTED.match(name):
        return None
    if name.startswith("sim."):
        return check_sim_dotted(name)
    if "." in name:
        return check_dotted(name)
    return check_bare(name, called is not None and called.group("rest").startswith("("))


def test_every_code_name_in_the_docs_exists():
    """A backticked name of code in README.md, docs/model.md and docs/usage.md resolves
    (rules: `dead_reason` and the helpers it calls)."""
    dead = [
        f"{span}: {why}" for doc in DOCS for span in code_spans(doc) if (why := dead_reason(span))
    ]
    assert not dead, f"{len(dead)} dead code names in the docs:\n" + "\n".join(dead)
