"""Default categories and departments: data, not code (see defaults.yaml)."""

from functools import cache
from importlib.resources import files

import yaml


@cache
def default_data() -> dict:
    from sim.params import Category, Department

    raw = yaml.safe_load(files(__package__).joinpath("defaults.yaml").read_text(encoding="utf-8"))
    return {
        "departments": tuple(Department(**d) for d in raw["departments"]),
        "categories": tuple(Category(**c) for c in raw["categories"]),
    }
