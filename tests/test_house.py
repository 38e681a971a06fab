"""The house: what makes the model cheap to change (kernel cache, layers, one name each)."""

import ast

import networkx as nx

import sim
from sim import jit
from sim.cases import Joint
from sim.params import CommunityParams


def test_prose_edits_do_not_change_the_kernel_hash():
    code = 'def f(x):\n    """Say why."""\n    return x + 1  # a comment\n'
    reworded = 'def f(x):\n    """Say why, better."""\n\n    return x + 1\n'
    changed = 'def f(x):\n    """Say why."""\n    return x + 2\n'
    assert jit._code(code.encode()) == jit._code(reworded.encode())
    assert jit._code(code.encode()) != jit._code(changed.encode())


def test_the_kernel_hash_covers_every_kernel_module():
    names = {p.relative_to(jit.PACKAGE).as_posix() for p in jit.kernel_sources()}
    assert {"core.py", "day.py", "cases.py", "levers/whistle.py", "rng.py"} <= names
    # the Python layers and the model's driver are not kernels: editing them is free
    assert not names & {"model.py", "metrics.py", "cli.py", "scenarios.py"}


# ---------------------------------------------------------------- layers
PACKAGE = jit.PACKAGE
# the model core: what one run needs. It imports nothing from the layers over it
# (command line, executors, sweeps, calibration, dashboard, reports).
CORE = {
    "sim", "sim.jit", "sim.rng", "sim.difficulty", "sim.cases", "sim.core", "sim.stages", "sim.day",
    "sim.community", "sim.params", "sim.data", "sim.files", "sim.limits", "sim.agents",
    "sim.model", "sim.metrics", "sim.experiments", "sim.presets", "sim.ties", "sim.levers",
    "sim.actors", "sim.views", "sim.reforms", "sim.imports",
}  # fmt: skip


def _modules() -> dict:
    out = {}
    for p in PACKAGE.rglob("*.py"):
        parts = list(p.relative_to(PACKAGE.parent).with_suffix("").parts)
        out[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = p
    return out


def _imports(modules: dict):
    """(importer, imported module, name, line) for every import of `sim`, in functions too."""
    for m, p in modules.items():
        for node in ast.walk(ast.parse(p.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                for a in node.names:
                    if a.name.split(".")[0] == "sim":
                        yield m, a.name, None, node.lineno
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                if node.module.split(".")[0] != "sim":
                    continue
                for a in node.names:
                    full = f"{node.module}.{a.name}"
                    if full in modules:
                        yield m, full, None, node.lineno
                    else:
                        yield m, node.module, a.name, node.lineno


def _graph():
    modules = _modules()
    g = nx.DiGraph()
    g.add_nodes_from(modules)
    for m, target, _, _ in _imports(modules):
        if target != m:
            g.add_edge(m, target)
    return g


def test_no_import_circles_in_sim():
    g = _graph()
    circles = [sorted(c) for c in nx.strongly_connected_components(g) if len(c) > 1]
    assert not circles, circles


def test_the_model_core_imports_nothing_from_the_layers_over_it():
    core = CORE | {m for m in _modules() if m.startswith("sim.levers.")}
    g = _graph()
    upward = [(m, t) for m in core for t in g.successors(m) if t not in core]
    assert not upward, upward


def test_no_private_name_crosses_a_module():
    modules = _modules()
    crossing = [
        f"{m}:{line} imports {target}.{name}"
        for m, target, name, line in _imports(modules)
        if name and name.startswith("_") and not name.startswith("__") and target != m
    ]
    for m, p in modules.items():  # module._name
        tree = ast.parse(p.read_text(encoding="utf-8"))
        bound = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                for a in node.names:
                    if f"{node.module}.{a.name}" in modules:
                        bound[a.asname or a.name] = f"{node.module}.{a.name}"
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and node.attr.startswith("_")
                and not node.attr.startswith("__")
                and isinstance(node.value, ast.Name)
                and bound.get(node.value.id, m) != m
            ):
                crossing.append(f"{m}:{node.lineno} uses {node.value.id}.{node.attr}")
    assert not crossing, crossing


def test_sim_uses_only_mesa_public_api():
    """Mesa 4 renames its insides; sim reaches Mesa's models and agents only through
    public names (the clock moves by `run_for` and `step`), and shadows none of its own."""
    import mesa

    model = mesa.Model(rng=0)
    private = {
        n
        for obj in (model, mesa.Agent(model), mesa.Model, mesa.Agent)
        for n in dir(obj)
        if n.startswith("_") and not n.startswith("__")
    }
    assert "_default_schedule" in private  # the check sees Mesa's insides
    used = [
        f"{m}:{node.lineno} .{node.attr}"
        for m, p in _modules().items()
        for node in ast.walk(ast.parse(p.read_text(encoding="utf-8")))
        if isinstance(node, ast.Attribute) and node.attr in private
    ]
    assert not used, used


def test_computation_returns_numbers_and_presentation_formats_them():
    g = _graph()
    for m in ("sim.compare", "sim.sweep.analysis", "sim.sweep.attribution", "sim.experiments"):
        assert not [t for t in g.successors(m) if t.startswith("sim.report")], m


def test_the_day_limit_is_written_once():
    """`limits.MAX_DAYS` is the one bound on a run's length (docs tables are generated)."""
    written = [
        f"{p.relative_to(PACKAGE)}:{i}"
        for p in PACKAGE.rglob("*.py")
        if p.name != "limits.py"
        for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if "3650" in line or "3_650" in line
    ]
    assert not written, written


def test_no_two_constants_share_a_name():
    """Codes are enum members (Stream.CADRES, Lever.CADRES, Helper.CADRES), never bare
    module constants that mean different numbers in different modules."""
    seen: dict[str, list[str]] = {}
    for m, p in _modules().items():
        for node in ast.parse(p.read_text(encoding="utf-8")).body:
            targets = node.targets if isinstance(node, ast.Assign) else []
            names = []
            for t in targets:
                names += [e.id for e in (t.elts if isinstance(t, ast.Tuple) else [t])
                          if isinstance(e, ast.Name)]  # fmt: skip
            if isinstance(node, ast.ClassDef):
                names.append(node.name)
            for n in names:
                if n.isupper() and len(n) > 1:
                    seen.setdefault(n, []).append(m)
    model = CORE | {m for m in _modules() if m.startswith("sim.levers.")}
    from sim.day import LEVER_INTERFACE  # one declaration per lever module, by design

    twice = {n: ms for n, ms in seen.items() if len([x for x in ms if x in model]) > 1}
    assert not set(twice) - set(LEVER_INTERFACE), twice


def test_enum_codes_match_their_names():
    from sim import core, day
    from sim.params import LEVER_NAMES

    assert tuple(s.name.lower() for s in core.Stream) == core.STREAMS
    assert tuple(v.name.lower() for v in day.Lever) == LEVER_NAMES
    assert len({int(v) for v in core.Stream}) == len(core.Stream)  # one number each


def test_dashboard_and_figures_give_a_lever_one_name():
    """The dashboard's short names are the label set's, its titles contain them, and
    the actor a lever adds is named as the lever is."""
    from sim.dashboard import i18n
    from sim.report import labels

    assert set(i18n.LEVERS) <= set(labels.LEVERS)
    for name, lever in i18n.LEVERS.items():
        zh, en = labels.LEVERS[name]
        assert lever["short"] == {"zh": zh, "en": en[0].lower() + en[1:]}, name
        assert zh in lever["name"]["zh"] and en.lower() in lever["name"]["en"].lower(), name
    assert i18n.ACTOR_NAMES["social_forces"]["zh"] == labels.LEVERS["social_forces"][0]
    assert i18n.CLOSERS["SOCIAL_FORCES"]["zh"] == labels.LEVERS["social_forces"][0]


def test_a_setting_keeps_its_name_down_to_the_kernels():
    """A setting the compiled code reads is the field `<section>_<key>` of its record and
    holds the scenario's value (a lever that is off: its module's neutral `OFF`); a kernel
    reads every such field; the other fields are declared as derived or as state."""
    from sim import core, day
    from sim.model import CoGovModel

    p = sim.chorus(community=CommunityParams(residents=400, communities=1), days=2)
    m = CoGovModel(p, seed=0)
    kernels = "".join(
        f.read_text(encoding="utf-8")
        for f in [
            PACKAGE / "core.py",
            PACKAGE / "stages.py",
            PACKAGE / "day.py",
            *(PACKAGE / "levers").glob("*.py"),
        ]
    )
    for record, sections, extra in (
        (m.param_table[0], [*core.SETTINGS.items(), *day.lever_settings("SHARED")],
         {n for n, _ in core.DERIVED + core.DAY_STATE}),
        (m.L.on[0], day.lever_settings("KNOBS"), None),
    ):  # fmt: skip
        named = set()
        for section, keys in sections:
            where, lever = p, section.removeprefix("levers.")
            for part in section.split("."):
                where = getattr(where, part)
            off = (
                {}
                if getattr(where, "enabled", True)
                else getattr(day.LEVER_MODULES[lever], "OFF", {})
            )
            for key in keys:
                field = f"{lever}_{key}"
                assert record[field] == off.get(key, getattr(where, key)), field
                assert f".{field}" in kernels, f"no kernel reads {field}"
                named.add(field)
        if extra is not None:
            assert set(record.dtype.names) == named | extra
    assert not set(day.PARAMS.names) & set(day.LEVERS.names)
    # a joint body's row holds its lever's settings (the kernels read it by `Joint` kind)
    bodies = [(n, mod.JOINT) for n, mod in day.LEVER_MODULES.items() if hasattr(mod, "JOINT")]
    assert {b["kind"] for _, b in bodies} == set(Joint) - {Joint.NONE}
    for lever, body in bodies:
        row, settings = m.joint_table[body["kind"]], getattr(p.levers, lever)
        assert row["premium"] == getattr(settings, body["premium"]), lever
        assert row["horizon"] == getattr(settings, body["horizon"]), lever
        assert row["closer"] == body["closer"] and row["centre"] == body["centre"], lever


def test_a_lever_gives_the_kernels_the_arrays_its_module_declares():
    """`view` gives exactly the module's `ARRAYS` (dtype, dimensions); off, they are empty."""
    from sim import day
    from sim.model import CoGovModel

    p = sim.chorus(community=CommunityParams(residents=400, communities=1), days=2)
    m = CoGovModel(p, seed=0)
    declared = {n: getattr(mod, "ARRAYS", {}) for n, mod in day.LEVER_MODULES.items()}
    assert sum(map(len, declared.values())) == len(day.NO_ARRAYS)  # no field declared twice
    for name, lever in m.levers.items():
        given = lever.view(m.L.on.copy())
        assert set(given) == set(declared.get(name, {})), name
        for field, (dtype, nd) in declared.get(name, {}).items():
            assert given[field].dtype == dtype and given[field].ndim == nd, (name, field)
    with_arrays = {n for n, a in declared.items() if a}
    assert with_arrays <= set(m.levers), "chorus builds every lever with arrays"
    solo = CoGovModel(sim.solo(community=p.community, days=2), seed=0)
    for field, (dtype, nd) in day.NO_ARRAYS.items():
        a = getattr(solo.L, field)
        assert a.size == 0 and a.dtype == dtype and a.ndim == nd, field
