"""A city of streets (issue 22): districts that share departments (区级部门), the
monthly ranking (街乡排名) and reforms piloted in some streets first.

`load` reads a city file (`sim/city/spec.py`), `run_city` runs it month by month on
any executor (`sim/city/run.py`), `pool` pools rates over streets as the hotline
does, `generate` writes a city of N streets.
"""

from sim.city.run import CityResult, CityRunError, pool, run_city, street_seeds
from sim.city.spec import (
    MAX_HOUSEHOLDS,
    MAX_STREETS,
    MONTH,
    STREET_TYPES,
    City,
    CityError,
    CitySpec,
    Street,
    bundled,
    load,
    pilot_streets,
    resolve,
)

__all__ = [
    "MAX_HOUSEHOLDS", "MAX_STREETS", "MONTH", "STREET_TYPES", "City", "CityError",
    "CityResult", "CityRunError", "CitySpec", "Street", "bundled", "load", "pilot_streets",
    "pool", "resolve", "run_city", "street_seeds",
]  # fmt: skip
