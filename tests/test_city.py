"""A city of streets (issue 22, first step): the city file, its one-line errors, and
monthly rates pooled from the streets' counts."""

from pathlib import Path

import numpy as np
import pytest
import yaml

from sim import city
from sim.experiments import run
from sim.scenarios import load

ROOT = Path(__file__).resolve().parent.parent
SMALL = {"community": {"residents": 800}}


def write(tmp_path, data) -> Path:
    p = tmp_path / "city.yaml"
    p.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return p


def one_street(tmp_path, **extra):
    street = {"scenario": "solo", "name": "only", "overrides": SMALL, **extra}
    return write(tmp_path, {"days": 90, "districts": [{"name": "d", "streets": [street]}]})


def test_a_city_of_one_street_is_that_street_alone(tmp_path):
    c = city.load(one_street(tmp_path))
    r = city.run_city(c, seed=5)
    alone = run(load("solo", days=90, **SMALL), seed=r.seeds["only"], periods=((0, 30),))
    first = r.streets.iloc[0]
    w = alone.periods["0:30"]
    for k in ("taken_in", "resolved", "resolution_rate", "callback_resolution_rate"):
        assert first[k] == w[k] or (np.isnan(first[k]) and np.isnan(w[k])), k
    assert list(r.city["month"]) == [1, 2, 3]


def test_city_rates_are_pooled_from_street_counts():
    c = city.load(ROOT / "scenarios" / "cities" / "example.yaml")
    assert city.load("example").digest == c.digest  # the bundled name finds it
    assert [s.name for s in c.streets][:2] == ["core_solo_1", "core_solo_2"]
    assert c.households == 6400 * 3 + 4000 + 2000
    r = city.run_city(c, seed=1)
    m1 = r.streets[r.streets["month"] == 1]
    want = (m1["resolution_rate"] * m1["taken_in"]).sum() / m1["taken_in"].sum()
    got = r.city.loc[r.city["month"] == 1, "resolution_rate"].item()
    assert got == pytest.approx(want)
    assert r.city["streets"].eq(5).all() and len(r.city) == 12
    # alike streets get their own seeds: their months differ
    a, b = (r.streets[r.streets["street"] == s.name]["taken_in"].to_numpy() for s in c.streets[:2])
    assert not np.array_equal(a, b)


def test_same_seed_same_city_other_seed_other_city(tmp_path):
    c = city.load(one_street(tmp_path, count=2))
    a, b, other = city.run_city(c, 2), city.run_city(c, 2), city.run_city(c, 3)
    assert a.streets.equals(b.streets)
    assert not a.streets.equals(other.streets)


def test_a_missing_city_names_the_bundled_ones():
    with pytest.raises(city.CityError, match=r"^nowhere: no such file \(bundled cities: example"):
        city.load("nowhere")


@pytest.mark.parametrize(
    "data, expect",
    [
        ({"districts": []}, "districts: "),
        ({"districts": [{"name": "d", "streets": []}]}, "districts.0.streets: "),
        ({"districts": [{"name": "d", "streets": [{"scenario": "nope"}]}]},
         "districts.0.streets.0.scenario: no such scenario 'nope'"),
        ({"districts": [{"name": "d", "streets": [{"scenario": "solo", "count": 0}]}]},
         "districts.0.streets.0.count: "),
        ({"districts": [{"name": "d", "streets": [{"scenario": "solo", "colour": 1}]}]},
         "districts.0.streets.0.colour: unknown key (allowed here: scenario, name, count"),
        ({"districts": [{"name": "d", "streets": [{"scenario": "solo"}, {"scenario": "solo"}]}]},
         "districts.0.streets.1.name: street 'solo' is also in districts.0.streets.0"),
        ({"districts": [{"name": "d", "streets": [{"scenario": "solo"}]},
                        {"name": "d", "streets": [{"scenario": "chorus"}]}]},
         "districts.1.name: 'd' is named twice"),
        ({"districts": [{"name": "d", "streets": [
            {"scenario": "solo", "overrides": {"residents": {"voice": 2}}}]}]},
         "residents.voice"),
        ({"districts": [{"name": "d", "streets": [
            {"scenario": "solo", "count": 2000,
             "overrides": {"community": {"residents": 6000}}}]}]},
         "households in all, more than the 10,000,000 allowed"),
    ],
)  # fmt: skip
def test_bad_city_files_are_one_line_naming_the_field(tmp_path, data, expect):
    p = write(tmp_path, data)
    with pytest.raises(city.CityError) as e:
        city.load(p)
    msg = str(e.value)
    assert "\n" not in msg and msg.startswith(str(p)) and expect in msg, msg
