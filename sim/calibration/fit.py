"""ABC-SMC calibration (pyabc) of a targets file: a posterior, not a hand-tuned guess.

A draw sets the fitted paths in every case, runs each case `replications` times
and compares the mean figures of each case's window with the targets. The
distance is sqrt(sum z^2), z = (simulated - observed) / standard error, so
every target counts in its own units of uncertainty. ABC-SMC (Beaumont et al.
2009, as in pyabc) shrinks the tolerance epsilon generation by generation (the
median of the last one's distances) until epsilon <= `min_epsilon` or the
budget of model runs is spent. The posterior is the ABC approximation at the
final epsilon: draws that reproduce the targets within it.

Everything the calibration keeps is in its folder: `abc.db` (pyabc's history,
written after every generation, so a killed calibration resumes there) and
`calibration.json` (what is being calibrated). Results are written last,
`fit.json` after everything else.
"""

from __future__ import annotations

import json
import logging
import shutil
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.calibration.sampler import SeededSampler, run_draws
from sim.calibration.targets import Targets, TargetsError, load, runs_per_draw

STATE = "calibration.json"
DB = "abc.db"
FIT = "fit.json"
POSTERIOR = "posterior.parquet"
MAX_GENERATIONS = 30
FRESH_REPLICATIONS = 20  # runs at the best draw behind fit.json's simulated figures
MISSING = 1e6  # a figure the run could not give (no case in the window): far from any target


# ---------------------------------------------------------------- one draw
def simulate(parameter: dict, targets: Targets, names: dict[str, str]) -> dict[str, float]:
    """pyabc's model: the mean figures of every case at one draw (seeds from NumPy's
    global generator, which the sampler seeded for this draw)."""
    from sim.experiments import run

    values = {names[k]: float(v) for k, v in parameter.items()}
    seeds = np.random.randint(0, 2**31 - 1, size=targets.spec.replications)  # noqa: NPY002
    out = {}
    for case in targets.cases:
        try:
            s = case.scenario(values) if case.city is None else case.city_at(values)
        except ValueError:  # a combination the scenario refuses: a draw that fits nothing
            out.update({f"{case.label}:{m}": MISSING for m in case.targets})
            continue
        key = f"{case.period[0]}:{case.period[1]}"
        if case.city is not None:  # the whole city, its figures pooled over the window
            from sim.city.run import run_city, window

            figures = [window(run_city(s, seed=int(seed)), *case.period) for seed in seeds]
        else:
            figures = [
                run(s, int(seed), days=case.days, daily=False, periods=(case.period,)).periods[key]
                for seed in seeds
            ]
        for m in case.targets:
            x = np.array([f[m] for f in figures], dtype=float)
            x = x[np.isfinite(x)]
            out[f"{case.label}:{m}"] = float(x.mean()) if x.size else MISSING
    return out


# ---------------------------------------------------------------- executors
def _mapper(workers: int, client):
    """How a batch of draws is computed: in this process, local workers or Dask."""
    if client is not None:

        def on_dask(jobs):
            futures = client.map(run_draws, *zip(*jobs, strict=True), pure=False)
            return client.gather(futures)

        return on_dask, max(1, sum(client.ncores().values()))
    if workers > 1:
        from sim.executors import local_pool

        pool = local_pool(workers)
        return (lambda jobs: list(pool.map(run_draws, *zip(*jobs, strict=True)))), workers
    return (lambda jobs: [run_draws(*j) for j in jobs]), 1


# ---------------------------------------------------------------- the folder
# what must match to resume: a larger budget or a lower min_epsilon goes further; the
# model's source hash too, so generations of an older model are never mixed in
SAME = ("targets_hash", "seed", "parameters", "model")


def _identity(targets: Targets, seed: int) -> dict:
    from sim.jit import model_hash

    return {
        "targets_hash": targets.hash, "seed": seed, "parameters": targets.paths,
        "model": model_hash(),
    }  # fmt: skip


def _stored_population(out: Path, targets: Targets, seed: int) -> int | None:
    try:
        old = json.loads((out / STATE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    same = all(old.get(k) == v for k, v in _identity(targets, seed).items())
    return old.get("population") if same else None


def _open_folder(
    out: Path, ident: dict, population: int | None, overwrite: bool
) -> tuple[bool, int | None]:
    """Prepare `out`: (whether it holds this calibration's earlier generations, the
    population they were drawn with)."""
    from sim.outputs import MARKER

    state = out / STATE
    if state.is_file():
        try:
            old = json.loads(state.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            old = None
        same = old is not None and all(old.get(k) == ident[k] for k in SAME)
        if same and population not in (None, old.get("population")):
            same = False
        if same:
            return (out / DB).is_file(), old.get("population")
        if not overwrite:
            old = old or {}
            if all(old.get(k) == ident[k] for k in SAME):
                what = f"population {old.get('population')}"
            elif (
                old.get("model") != ident["model"]
                and old.get("targets_hash") == ident["targets_hash"]
            ):
                what = f"made by another version of the model, {old.get('model')}"
            else:
                what = f"targets hash {str(old.get('targets_hash'))[:12]}, seed {old.get('seed')}"
            raise TargetsError(
                f"{out}: holds a calibration of other targets or settings ({what}); "
                "add --overwrite to replace it, or choose another --out"
            )
        shutil.rmtree(out)
    elif out.is_dir() and any(p for p in out.iterdir() if not p.name.startswith(".")):
        if not (overwrite and (out / MARKER).is_file()):
            raise TargetsError(
                f"{out}: not empty and holds no calibration; choose a new or empty folder"
            )
        shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / MARKER).write_text("cogov calibrate\n", encoding="utf-8")
    (out / DB).unlink(missing_ok=True)
    return False, None


# ---------------------------------------------------------------- the result
@dataclass
class Calibration:
    out: Path
    posterior: pd.DataFrame  # a column per path, weight, distance
    fit: dict
    generations: int
    stopped: str  # why sampling ended
    elapsed: float = 0.0
    history: Any = field(default=None, repr=False)

    @property
    def best(self) -> dict:
        return self.fit["best"]


def default_population(evaluations: int) -> int:
    """Draws per generation: 20-100, so that the budget pays for about six generations."""
    return int(min(100, max(20, evaluations // 6)))


def check_budget(targets: Targets, budget: int, population: int) -> None:
    per = runs_per_draw(targets)
    need = 3 * population * per
    if budget < need:
        raise TargetsError(
            f"--budget: {budget:,} model runs pay for {budget // per:,} draws; a population of "
            f"{population} needs at least {need:,} runs (3 generations x {population} draws x "
            f"{per} runs per draw): raise --budget or lower --population"
        )


def calibrate(
    targets: str | Path | Targets,
    out: str | Path,
    budget: int = 2000,
    workers: int = 1,
    scheduler: Any = None,
    seed: int = 0,
    population: int | None = None,
    min_epsilon: float = 1.0,
    overwrite: bool = False,
    progress: bool = True,
    figures: bool = True,
) -> Calibration:
    """Calibrate, or resume a calibration, into `out` within `budget` model runs.

    Same targets, seed and population give the same posterior on any executor
    (`workers` local processes or a Dask `scheduler`), and a resumed calibration
    the same as an unbroken one. Run again with a larger `budget` to go further.
    """
    from sim.outputs import OutputError, folder_lock
    from sim.sweep.runner import write_json

    targets = targets if isinstance(targets, Targets) else load(targets)
    out = Path(out)
    evaluations = budget // runs_per_draw(targets)
    if workers > 1:  # runs at once must fit in memory (the corners were checked one at a time)
        from sim import limits

        for i, case in enumerate(targets.cases):
            top = {p: hi for p, (_, hi) in zip(targets.paths, targets.bounds, strict=True)}
            if case.city is not None:
                from sim.city.spec import fits

                fits(targets.path, case.city_at(top).streets, workers, f"cases.{i}'s city")
                continue
            try:
                limits.check(case.scenario(top), days=case.days, parallel=workers)
            except limits.TooBig as e:
                raise TargetsError(
                    f"{targets.path}: cases.{i} with --workers {workers}: {e}"
                ) from None
    # the budget is checked before anything is created (the population of a run to resume)
    check_budget(targets, budget, population or _stored_population(out, targets, seed)
                 or default_population(evaluations))  # fmt: skip
    client = None
    if scheduler is not None:
        from sim.dask_client import connect

        try:
            client = connect(scheduler)
        except ConnectionError as e:
            raise TargetsError(f"--scheduler {scheduler}: {e}") from None
    try:
        if out.exists() and not out.is_dir():
            raise TargetsError(f"{out}: exists and is not a folder; choose another --out")
        out.mkdir(parents=True, exist_ok=True)
        with folder_lock(out, what="cogov calibrate"):
            ident = _identity(targets, seed)
            resume, before = _open_folder(out, ident, population, overwrite)
            population = population or before or default_population(evaluations)
            write_json(
                out / STATE,
                {**ident, "population": population, "targets_file": str(targets.path),
                 "budget": budget, "min_epsilon": min_epsilon},
            )  # fmt: skip
            return _calibrate(
                targets, out, evaluations, workers, client, seed, population, min_epsilon,
                resume, progress, figures,
            )  # fmt: skip
    except OutputError as e:
        raise TargetsError(str(e)) from None
    finally:
        if client is not None and client is not scheduler:
            client.close()


def _quiet_pyabc() -> None:
    for name in ("ABC", "pyabc", "History", "Epsilon", "Distance", "Acceptor", "Sampler"):
        logging.getLogger(name).setLevel(logging.WARNING)


def _calibrate(
    targets, out, evaluations, workers, client, seed, population, min_epsilon, resume,
    progress, figures,
):  # fmt: skip
    import functools

    import pyabc
    from tqdm.auto import tqdm

    _quiet_pyabc()
    t0 = time.perf_counter()
    names = {f"p{i}": p for i, p in enumerate(targets.paths)}
    prior = pyabc.Distribution(
        **{
            k: pyabc.RV("uniform", lo, hi - lo)
            for k, (lo, hi) in zip(names, targets.bounds, strict=True)
        }
    )
    model = functools.partial(simulate, targets=targets, names=names)
    mapper, parallel = _mapper(workers, client)
    db = f"sqlite:///{(out / DB).resolve()}"
    abc_id = 1
    if resume:
        try:
            resume = pyabc.History(db).n_populations > 0  # 0: killed in generation 0
        except Exception:  # killed while the database was being created
            resume = False
        if not resume:
            (out / DB).unlink(missing_ok=True)
    used = int(pyabc.History(db).total_nr_simulations or 0) if resume else 0
    per = runs_per_draw(targets)
    bar = tqdm(
        total=evaluations * per, initial=used * per, desc=f"calibrate {targets.name}",
        unit="run", disable=not progress, dynamic_ncols=True,
    )  # fmt: skip

    def on_batch(size, t):
        bar.set_postfix(generation=t, refresh=False)
        bar.update(size * per)

    sampler = SeededSampler(seed, mapper, parallel, evaluations, used, on_batch)
    abc = pyabc.ABCSMC(
        model,
        prior,
        pyabc.PNormDistance(p=2, fixed_weights=targets.weights()),
        population_size=population,
        sampler=sampler,
        # generation 0 takes the prior as it is; a resumed run takes the median of the
        # last stored generation, as an unbroken run would have
        eps=pyabc.MedianEpsilon(initial_epsilon="from_sample" if resume else np.inf),
    )
    if resume:
        abc.load(db, abc_id)
        pops = abc.history.get_all_populations()
        last = pops[pops.t >= 0].iloc[-1]
        if abc.history.n_populations > 1:
            sampler.rate = population / max(1, int(last.samples))
    else:
        abc.new(db, targets.observed())
    stopped = _why_stop(abc.history, min_epsilon, sampler)
    try:
        if stopped is None:
            done = abc.history.max_t + 1
            with warnings.catch_warnings():  # pyabc compares inf - inf after generation 0
                warnings.simplefilter("ignore", RuntimeWarning)
                abc.run(minimum_epsilon=min_epsilon, max_nr_populations=MAX_GENERATIONS - done)
            stopped = _why_stop(abc.history, min_epsilon, sampler) or "generations"
    finally:
        bar.close()
    history = abc.history
    return _results(targets, out, history, seed, stopped, workers, client, figures, t0)


def _why_stop(history, min_epsilon: float, sampler: SeededSampler) -> str | None:
    """Why sampling is over, or None to go on."""
    if history.n_populations == 0:
        return None
    pops = history.get_all_populations()
    pops = pops[pops.t >= 0]
    if len(pops) and float(pops.epsilon.iloc[-1]) <= min_epsilon:
        return "min_epsilon"
    if len(pops) >= MAX_GENERATIONS:
        return "generations"
    if sampler.stopped_for_budget or sampler.left < 1:
        return "budget"
    return None


# ---------------------------------------------------------------- outputs
def _posterior(history, names: dict[str, str]) -> tuple[pd.DataFrame, dict, float]:
    t = history.max_t
    pop = history.get_population(t)
    rows = []
    for p in pop.particles:
        rows.append(
            {**{names[k]: float(v) for k, v in p.parameter.items()}, "weight": p.weight,
             "distance": p.distance}
        )  # fmt: skip
    post = pd.DataFrame(rows, columns=[*names.values(), "weight", "distance"])
    post["weight"] = post["weight"] / post["weight"].sum()
    best_row = post.loc[post["distance"].idxmin()]
    best = {p: float(best_row[p]) for p in names.values()}
    eps = float(history.get_all_populations().set_index("t").epsilon.loc[t])
    return post, best, (eps if np.isfinite(eps) else None)


def _weighted_quantile(x: np.ndarray, w: np.ndarray, q: float) -> float:
    order = np.argsort(x)
    cw = np.cumsum(w[order]) / w.sum()
    return float(x[order][np.searchsorted(cw, q, side="left").clip(0, len(x) - 1)])


def summarize(post: pd.DataFrame, paths: list[str]) -> dict:
    """Weighted mean, median and 90% interval of each parameter's posterior."""
    w = post["weight"].to_numpy()
    out = {}
    for p in paths:
        x = post[p].to_numpy()
        out[p] = {
            "mean": float(np.average(x, weights=w)),
            "median": _weighted_quantile(x, w, 0.5),
            "q05": _weighted_quantile(x, w, 0.05),
            "q95": _weighted_quantile(x, w, 0.95),
        }
    return out


EDGE = 0.05  # the outer share of a prior's range next to each bound
PILED = 0.25  # weight there above which a posterior is piled against the bound (uniform: 0.05)


def diagnostics(post: pd.DataFrame, targets: Targets, epsilon: float | None) -> dict:
    """What says whether the fit can be read: the final population's effective sample
    size (Kish), the final tolerance per target in standard errors, and each parameter
    whose posterior is piled against a bound of its prior (the model cannot reach the
    data from inside the prior, which is no information from the data)."""
    w = post["weight"].to_numpy()
    w = w / w.sum()
    k = sum(len(c.targets) for c in targets.cases)
    piled = []
    for path, (low, high) in zip(targets.paths, targets.bounds, strict=True):
        x = post[path].to_numpy()
        edge = EDGE * (high - low)
        for side, near in (("low", x <= low + edge), ("high", x >= high - edge)):
            share = float(w[near].sum())
            if share > PILED:
                piled.append({"parameter": path, "bound": side, "weight_in_outer_5pc": share})
    return {
        "ess": float(1.0 / np.sum(w**2)),
        "targets_n": k,
        "epsilon_per_target_se": None if epsilon is None else epsilon / np.sqrt(k),
        "at_bounds": piled,
    }


def _fresh(targets: Targets, best: dict, seed: int, workers: int, client):
    """Fresh replications of every case at the best draw: the fit's simulated figures."""
    from sim.executors import Task, execute
    from sim.experiments import replication_seeds
    from sim.stats import mean_ci

    seeds = replication_seeds(seed + 1, max(FRESH_REPLICATIONS, targets.spec.replications))
    tasks = [
        Task(f"{c.label}/r{r:03d}", c.scenario(best), s, c.days, keep_daily=False,
             periods=(c.period,), city=None if c.city is None else c.city_at(best))
        for c in targets.cases for r, s in enumerate(seeds)
    ]  # fmt: skip
    figures: dict[str, list] = {}
    for o in execute(tasks, workers=workers, scheduler=client):
        if not o.ok:
            raise RuntimeError(f"a run at the best draw failed: {o.error}")
        figures.setdefault(o.task.key.split("/")[0], []).append(o)
    rows = []
    for i, c in enumerate(targets.cases):
        key = f"{c.period[0]}:{c.period[1]}"
        outs = sorted(figures[c.label], key=lambda o: o.task.key)
        for m, (obs, se) in c.targets.items():
            ci = mean_ci([o.periods[key][m] for o in outs])
            rows.append(
                {"case": i, "scenario": c.name, "period": list(c.period), "metric": m,
                 "observed": obs, "se": se, "simulated_mean": ci["mean"],
                 "ci_low": ci["ci_low"], "ci_high": ci["ci_high"],
                 "n": ci["n"], "total": ci["total"], "z": (ci["mean"] - obs) / se}
            )  # fmt: skip
    return rows, seeds


def fitted_scenarios(targets: Targets, best: dict) -> dict[str, str]:
    """One scenario file per case that runs the best draw (`cogov run FILE`)."""
    import yaml

    out = {}
    for i, c in enumerate(targets.cases):
        if c.city is not None:
            out[f"case{i}_{c.name}.yaml"] = fitted_city(targets, i, best)
            continue
        s = c.scenario(best)
        data = s.model_dump(mode="json")
        data["days"] = c.days
        data["name"] = f"{s.name}_fitted"
        head = (
            f"# {targets.name}, case {i}: {c.name} at the best draw of the calibration\n"
            f"# (targets hash {targets.hash[:12]}); fitted: "
            + ", ".join(f"{p}={v:.4g}" for p, v in best.items())
            + "\n"
        )
        out[f"case{i}_{c.name}.yaml"] = head + yaml.safe_dump(
            data, allow_unicode=True, sort_keys=False
        )
    return out


def fitted_city(targets: Targets, i: int, best: dict) -> str:
    """A city case's city file at the best draw (`cogov city run FILE`): the city file
    as written, each street's scenario by its full path and the fitted values added to
    its overrides (a list they reach, such as `departments`, given whole)."""
    import yaml

    from sim import scenarios
    from sim.city.spec import named_beside
    from sim.sweep.paths import get_path

    c = targets.cases[i]
    fitted = c.city_at(best)
    data = scenarios.read_mapping(Path(c.city.path))
    data.pop("days", None)
    data["days"] = c.days
    data["name"] = f"{c.name}_fitted"
    by_spec = iter(fitted.streets)
    for d in data["districts"]:
        for st in d["streets"]:
            first = next(by_spec)
            for _ in range(st.get("count", 1) - 1):
                next(by_spec)
            ref = Path(c.city.path).parent / st["scenario"]
            if ref.is_file() and named_beside(Path(c.city.path), st["scenario"]) is None:
                st["scenario"] = str(ref.resolve())
            dump = first.params.model_dump(mode="json")
            over = scenarios.merge(st.get("overrides") or {}, c.overrides or {})
            for path in best:
                top, *rest = path.split(".")
                if not rest or top in ("departments", "categories") or "*" in rest:
                    over[top] = dump[top]  # a top-level value, or a list given whole
                    continue
                node = over
                for part in [top, *rest[:-1]]:
                    node = node.setdefault(part, {})
                node[rest[-1]] = get_path(dump, path)
            st["overrides"] = over
    head = (
        f"# {targets.name}, case {i}: the city {c.name} at the best draw of the calibration\n"
        f"# (targets hash {targets.hash[:12]}); fitted in every street: "
        + ", ".join(f"{p}={v:.4g}" for p, v in best.items())
        + "\n"
    )
    return head + yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def _results(targets, out, history, seed, stopped, workers, client, figures, t0) -> Calibration:
    from sim.provenance import provenance
    from sim.sweep.runner import write_json, write_parquet

    names = {f"p{i}": p for i, p in enumerate(targets.paths)}
    post, best, eps = _posterior(history, names)
    rows, fresh_seeds = _fresh(targets, best, seed, workers, client)
    (out / FIT).unlink(missing_ok=True)  # fit.json last: without it the folder is unfinished
    write_parquet(out / POSTERIOR, post)
    fitted = out / "fitted"
    shutil.rmtree(fitted, ignore_errors=True)
    fitted.mkdir()
    for name, text in fitted_scenarios(targets, best).items():
        (fitted / name).write_text(text, encoding="utf-8")
    pops = history.get_all_populations()
    pops = pops[pops.t >= 0]
    evaluations = int(pops.samples.sum())
    fit = {
        "name": targets.name,
        "source": targets.spec.source,
        "targets": rows,
        "best": best,
        "posterior": summarize(post, list(names.values())),
        "epsilon": eps,
        **diagnostics(post, targets, eps),
        "generations": len(pops),
        "epsilons": [float(e) if np.isfinite(e) else None for e in pops.epsilon],
        "population": len(post),
        "stopped": stopped,
        "draws": evaluations,
        "runs": evaluations * runs_per_draw(targets),
        "fresh_runs": len(fresh_seeds) * len(targets.cases),
        "provenance": provenance(
            scenarios={c.label: {"name": c.name, "files": c.files} for c in targets.cases},
            seeds=fresh_seeds,
            master_seed=seed,
            targets_hash=targets.hash,
            targets_file=str(targets.path),
            pyabc=_pyabc_version(),
        ),
    }
    if figures:
        from sim.calibration import plots

        plots.save_all(targets, post, rows, out / "figures")
    write_json(out / FIT, fit)
    return Calibration(out, post, fit, len(pops), stopped, time.perf_counter() - t0, history)


def _pyabc_version() -> str:
    import pyabc

    return pyabc.__version__


def load_result(out: str | Path) -> Calibration:
    """A finished calibration's posterior and fit, read back from its folder."""
    out = Path(out)
    if not (out / FIT).is_file():
        raise TargetsError(f"{out}: no {FIT}; the calibration has not finished (run it again)")
    fit = json.loads((out / FIT).read_text(encoding="utf-8"))
    post = pd.read_parquet(out / POSTERIOR)
    return Calibration(out, post, fit, fit["generations"], fit["stopped"])
