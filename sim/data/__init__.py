"""Default categories and departments: data, not code (see defaults.yaml)."""

from functools import cache
from importlib.resources import files

import yaml


@cache
def default_records() -> dict:
    """The bundled departments and categories as plain records (`sim.params` checks them)."""
    return yaml.safe_load(files(__package__).joinpath("defaults.yaml").read_text(encoding="utf-8"))
