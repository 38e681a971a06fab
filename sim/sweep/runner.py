"""Run a sweep into a folder, one Parquet file per finished run; resume; load results.

Layout of the output folder:

    manifest.json        spec hash, the spec itself, seeds, provenance, sessions
    design.json          the design points (and a sampler's raw rows, for SALib)
    runs/<key>.parquet   one row per finished run: point, replication, seed, summary
    daily/<key>.parquet  its daily series (only with keep_daily: true)
    failed/<key>.json    a run that raised: its error and traceback

Every file is written to a temporary name in the same folder and moved into
place with os.replace, so a run is either wholly there or not at all, even if
the process is killed. Running the same sweep again skips finished runs.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from sim.executors import Outcome, execute
from sim.sweep.spec import Sweep, SweepError, load

MANIFEST = "manifest.json"
DESIGN = "design.json"


def _atomic_bytes(path: Path, write) -> None:
    tmp = path.parent / f".{path.name}.{os.getpid()}.tmp"
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def write_json(path: Path, obj: Any) -> None:
    """Atomically write JSON (UTF-8, Chinese kept readable)."""
    text = json.dumps(obj, indent=2, ensure_ascii=False, default=str)
    _atomic_bytes(path, lambda t: t.write_text(text, encoding="utf-8"))


def write_parquet(path: Path, df: pd.DataFrame) -> None:
    """Atomically write a DataFrame as Parquet."""
    _atomic_bytes(path, lambda t: df.to_parquet(t, index=False))


def _cell(v: Any) -> Any:
    """An axis value as a Parquet-friendly scalar (lists/dicts as JSON text)."""
    if v is None or isinstance(v, (bool, int, float, str)):
        return v
    return json.dumps(v, default=str)


def run_row(outcome: Outcome) -> dict:
    """The one-row record of a finished run."""
    t = outcome.task
    row = {
        "key": t.key,
        "point": t.meta["point"],
        "replication": t.meta["replication"],
        "seed": t.seed,
        **{k: _cell(v) for k, v in t.meta["values"].items()},
        "point_values": json.dumps(t.meta["values"], sort_keys=True, default=str),
    }
    for k, v in (outcome.summary or {}).items():
        if k not in row:
            row[k] = v
    return row


@dataclass
class SweepResult:
    out: Path
    total: int
    already_done: int
    done: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)  # this session
    skipped_failed: list[str] = field(default_factory=list)  # earlier failures, not retried
    elapsed: float = 0.0

    @property
    def complete(self) -> bool:
        return self.already_done + self.done == self.total


def _check_folder(out: Path, sweep: Sweep) -> dict | None:
    """The existing manifest if this folder holds the same sweep; refuse a different one."""
    mpath = out / MANIFEST
    if mpath.is_file():
        try:
            old = json.loads(mpath.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            raise SweepError(f"{mpath}: unreadable manifest; use a new --out folder") from None
        if old.get("spec_hash") != sweep.hash:
            raise SweepError(
                f"{out}: holds a different sweep ({old.get('name')!r}, spec hash "
                f"{old.get('spec_hash')}; {sweep.path} hashes to {sweep.hash}): "
                "use a new --out folder, or the spec that made it"
            )
        return old
    if out.exists() and not out.is_dir():
        raise SweepError(f"{out}: exists and is not a folder")
    if out.is_dir() and any(p for p in out.iterdir() if not p.name.startswith(".")):
        raise SweepError(f"{out}: not empty and has no {MANIFEST}; use a new or empty folder")
    return None


def _design_record(sweep: Sweep) -> dict:
    return {
        "design": sweep.spec.design,
        "axes": sweep.axes,
        "problem": sweep.problem(),
        "points": [{"point": p.id, "values": p.values, "x": p.x} for p in sweep.points],
    }


def _manifest(sweep: Sweep, old: dict | None, **status) -> dict:
    from sim.provenance import provenance

    base = {
        "name": sweep.name,
        "spec_hash": sweep.hash,
        "spec_file": str(sweep.path),
        "spec": sweep.spec.model_dump(mode="json"),
        "base": {"name": sweep.base.name, "hash": sweep.base.digest(), "files": sweep.base_files},
        "design": sweep.spec.design,
        "axes": sweep.axes,
        "points": len(sweep.points),
        "replications": sweep.spec.replications,
        "seeds": sweep.seeds,
        "tasks": len(sweep.points) * len(sweep.seeds),
    }
    prov = provenance(
        scenarios={sweep.base.name: {"hash": sweep.base.digest(), "files": sweep.base_files}},
        seeds=sweep.seeds,
        master_seed=sweep.spec.seed,
        sweep_hash=sweep.hash,
    )
    if old is None:
        return {**base, "provenance": prov, "sessions": [], "status": status}
    return {**old, **base, "status": status}


def run_sweep(
    spec: str | Path | Sweep,
    out: str | Path,
    workers: int = 1,
    scheduler: Any = None,
    retry_failed: bool = False,
    progress: bool = True,
) -> SweepResult:
    """Run (or resume) a sweep into `out`; finished runs are skipped, failures recorded.

    `scheduler`: a Dask scheduler address (`tcp://host:8786`), a `distributed.Client`
    or a cluster object; otherwise `workers` local processes (spawn).
    """
    from tqdm.auto import tqdm

    sweep = spec if isinstance(spec, Sweep) else load(spec)
    out = Path(out)
    old = _check_folder(out, sweep)
    try:
        for sub in ("runs", "failed", *(["daily"] if sweep.spec.keep_daily else [])):
            (out / sub).mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise SweepError(f"{out}: cannot create the output folder ({e.strerror})") from None
    for stale in out.glob("*/.*.tmp"):  # left by a killed run
        stale.unlink(missing_ok=True)

    tasks = sweep.tasks()
    keys = {t.key for t in tasks}
    done = {p.stem for p in (out / "runs").glob("*.parquet")} & keys
    failed_before = {p.stem for p in (out / "failed").glob("*.json")} & keys
    skipped = sorted(failed_before - done) if not retry_failed else []
    todo = [t for t in tasks if t.key not in done and t.key not in skipped]

    result = SweepResult(out, len(tasks), len(done), skipped_failed=skipped)
    manifest = _manifest(sweep, old, state="running")
    if old is None:
        write_json(out / DESIGN, _design_record(sweep))
    write_json(out / MANIFEST, manifest)

    t0 = time.perf_counter()
    where = (
        f"dask {getattr(scheduler, 'scheduler_address', scheduler)}"
        if scheduler is not None
        else f"{workers} local worker{'s' if workers != 1 else ''}"
    )
    bar = tqdm(
        total=len(tasks),
        initial=len(done),
        desc=sweep.name,
        unit="run",
        disable=not progress,
        dynamic_ncols=True,
    )
    bar.set_postfix(done=len(done), failed=len(skipped), refresh=False)
    try:
        for o in execute(todo, workers=workers, scheduler=scheduler):
            _record(out, o)
            if o.ok:
                result.done += 1
            else:
                result.failed.append((o.task.key, o.error or "?"))
            bar.set_postfix(
                done=result.already_done + result.done,
                failed=len(result.failed) + len(skipped),
                refresh=False,
            )
            bar.update(1)
    except ConnectionError as e:
        raise SweepError(f"--scheduler {scheduler}: {e}") from None
    finally:
        bar.close()
        result.elapsed = time.perf_counter() - t0
        state = "complete" if result.complete else "incomplete"
        manifest = _manifest(
            sweep,
            manifest,
            state=state,
            finished=result.already_done + result.done,
            failed=len(result.failed) + len(skipped),
            total=len(tasks),
        )
        from sim.provenance import provenance

        manifest["sessions"] = [
            *manifest.get("sessions", []),
            {
                "executor": where,
                "ran": result.done,
                "failed": len(result.failed),
                "skipped": len(done),
                "seconds": round(result.elapsed, 3),
                "provenance": provenance(),
            },
        ]
        write_json(out / MANIFEST, manifest)
    return result


def _record(out: Path, o: Outcome) -> None:
    key = o.task.key
    if o.ok:
        if o.daily is not None:
            daily = o.daily.copy()
            daily.insert(0, "replication", o.task.meta["replication"])
            daily.insert(0, "point", o.task.meta["point"])
            daily.insert(0, "key", key)
            write_parquet(out / "daily" / f"{key}.parquet", daily)
        write_parquet(out / "runs" / f"{key}.parquet", pd.DataFrame([run_row(o)]))
        (out / "failed" / f"{key}.json").unlink(missing_ok=True)
    else:
        write_json(
            out / "failed" / f"{key}.json",
            {
                "key": key,
                "point": o.task.meta["point"],
                "replication": o.task.meta["replication"],
                "seed": o.task.seed,
                "values": o.task.meta["values"],
                "error": o.error,
                "traceback": o.traceback,
            },
        )


def _folder(out: str | Path) -> Path:
    out = Path(out)
    if not (out / MANIFEST).is_file():
        raise SweepError(f"{out}: not a sweep folder (no {MANIFEST}; run `cogov sweep` first)")
    return out


def load_manifest(out: str | Path) -> dict:
    return json.loads((_folder(out) / MANIFEST).read_text(encoding="utf-8"))


def load_design(out: str | Path) -> dict:
    return json.loads((_folder(out) / DESIGN).read_text(encoding="utf-8"))


def load_results(out: str | Path, daily: bool = False) -> pd.DataFrame:
    """Every finished run (one row each, sorted by key); `daily=True`: the daily series."""
    out = _folder(out)
    files = sorted((out / ("daily" if daily else "runs")).glob("[!.]*.parquet"))
    if not files:
        return pd.DataFrame()
    df = pd.concat([pd.read_parquet(f) for f in files], ignore_index=True)
    return df.sort_values(["key", "day"] if daily else "key", kind="stable").reset_index(drop=True)


def load_failures(out: str | Path) -> list[dict]:
    """The recorded failures (error and traceback of each)."""
    out = _folder(out)
    return [
        json.loads(p.read_text(encoding="utf-8"))
        for p in sorted((out / "failed").glob("[!.]*.json"))
    ]
