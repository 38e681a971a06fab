"""The docs stay in sync with the code: generated tables, levers, metrics."""

import re
from pathlib import Path

import pytest

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
