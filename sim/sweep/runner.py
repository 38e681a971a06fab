"""Run a sweep into a folder, one Parquet file per finished run; resume; load results.

Layout of the output folder:

    manifest.json        spec hash, the spec itself, seeds, provenance, sessions
    design.json          the design points (and a sampler's raw rows, for SALib)
    runs/<key>.parquet   one row per finished run: point, replication, seed, summary
                         (a paired sweep: one row per pair, A_<m>, B_<m>, gain_<m>)
    daily/<key>.parquet  its daily series (only with keep_daily: true)
    failed/<key>.json    a run that raised: its error and traceback

Every file is written to a temporary name (unique to the process) in the same
folder and moved into place with os.replace, so a run is either wholly there or
not at all, even if the process is killed. Running the same sweep again checks
each finished run's file (re-running damaged ones) and skips the rest. One
process writes into a folder at a time (an OS lock on `.lock`).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from sim.executors import Outcome, execute
from sim.sweep.spec import Sweep, SweepError, load

MANIFEST = "manifest.json"
DESIGN = "design.json"


def _atomic_bytes(path: Path, write) -> None:
    # unique per process and call: one process's clean-up never removes another's file
    tmp = path.parent / f".{path.name}.{os.getpid()}-{uuid.uuid4().hex[:8]}.tmp"
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


def write_row(path: Path, row: dict) -> None:
    """Atomically write one record as Parquet: through Arrow, as pandas would store it,
    at half pandas' cost (a sweep writes one per run)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    _atomic_bytes(path, lambda t: pq.write_table(pa.Table.from_pylist([row]), t))


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
    damaged: list[str] = field(default_factory=list)  # run files found damaged, re-run
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
    scen = {sweep.base.name: {"hash": sweep.base.digest(), "files": sweep.base_files}}
    if sweep.versus is not None:  # a paired sweep: A (the base) and B, column prefixes
        a, b = sweep.names
        base["compare"] = {
            "names": [a, b],
            "gain": f"gain_<metric> = {b}_<metric> - {a}_<metric>",
            b: {
                "name": sweep.versus.name,
                "hash": sweep.versus.digest(),
                "files": sweep.versus_files,
            },
        }
        scen[sweep.versus.name] = {"hash": sweep.versus.digest(), "files": sweep.versus_files}
    prov = provenance(
        scenarios=scen,
        seeds=sweep.seeds,
        master_seed=sweep.spec.seed,
        sweep_hash=sweep.hash,
    )
    if old is None:
        return {**base, "provenance": prov, "sessions": [], "status": status}
    return {**old, **base, "status": status}


_TMP = re.compile(r"^\..+\.(\d+)-[0-9a-f]{8}\.tmp$")


def _clean_stale(out: Path) -> None:
    """Remove temporary files left by killed processes (never a live one's)."""
    from sim.outputs import alive

    for stale in out.glob("*/.*.tmp"):
        m = _TMP.match(stale.name)
        pid = int(m.group(1)) if m else None
        if pid is None or not alive(pid):
            stale.unlink(missing_ok=True)


def run_file_ok(path: Path, key: str, daily: Path | None = None) -> bool:
    """A finished run's file is readable, holds one row, and is the run it is named for."""
    import pyarrow.parquet as pq

    try:
        f = pq.ParquetFile(path)
        if f.metadata.num_rows != 1:
            return False
        if f.read(columns=["key"]).column("key")[0].as_py() != key:
            return False
        if daily is not None:
            d = pq.ParquetFile(daily)
            if d.metadata.num_rows < 1:
                return False
    except Exception:  # truncated, not Parquet, no key column: damaged
        return False
    return True


def _verified_done(out: Path, keys: set[str], keep_daily: bool) -> tuple[set[str], list[str]]:
    """Keys of finished runs whose files check out; damaged files are removed."""
    done, damaged = set(), []
    for p in (out / "runs").glob("[!.]*.parquet"):
        key = p.stem
        if key not in keys:
            continue
        daily = out / "daily" / f"{key}.parquet" if keep_daily else None
        if run_file_ok(p, key, daily):
            done.add(key)
        else:
            damaged.append(key)
            p.unlink(missing_ok=True)
            if daily is not None:
                daily.unlink(missing_ok=True)
    return done, sorted(damaged)


def run_sweep(
    spec: str | Path | Sweep,
    out: str | Path,
    workers: int = 1,
    scheduler: Any = None,
    retry_failed: bool = False,
    progress: bool = True,
    wait: bool = False,
) -> SweepResult:
    """Run (or resume) a sweep into `out`; finished runs are skipped, failures recorded.

    `scheduler`: a Dask scheduler address (`tcp://host:8786`), a `distributed.Client`
    or a cluster object; otherwise `workers` local processes (spawn). A second
    process on the same `out` refuses (or with `wait=True` waits its turn).
    """
    sweep = spec if isinstance(spec, Sweep) else load(spec)
    out = Path(out)
    client = None
    if scheduler is not None:  # reach the cluster before creating anything
        from sim.dask_client import connect

        try:
            client = connect(scheduler)
        except ConnectionError as e:
            raise SweepError(f"--scheduler {scheduler}: {e}") from None
    try:
        return _run_locked(sweep, out, workers, client, scheduler, retry_failed, progress, wait)
    finally:
        if client is not None and client is not scheduler:
            client.close()


def _run_locked(sweep, out, workers, client, scheduler, retry_failed, progress, wait):
    from sim.outputs import OutputError, folder_lock

    if out.exists() and not out.is_dir():
        raise SweepError(f"{out}: exists and is not a folder")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise SweepError(f"{out}: cannot create the output folder ({e.strerror})") from None
    try:
        with folder_lock(out, wait):
            return _run(sweep, out, workers, client, scheduler, retry_failed, progress)
    except OutputError as e:
        raise SweepError(str(e)) from None
    except OSError as e:  # a full disk, lost permissions: what is written stays valid
        why = e.strerror or (str(e).splitlines()[0][:120] if str(e) else type(e).__name__)
        raise SweepError(
            f"{out}: cannot write ({why}); finished runs are kept: free some space and run "
            "the same command again to resume"
        ) from None


def _run(sweep, out, workers, client, scheduler, retry_failed, progress) -> SweepResult:
    from tqdm.auto import tqdm

    old = _check_folder(out, sweep)
    for sub in ("runs", "failed", *(["daily"] if sweep.spec.keep_daily else [])):
        (out / sub).mkdir(parents=True, exist_ok=True)
    _clean_stale(out)

    tasks = sweep.tasks()
    keys = {t.key for t in tasks}
    done, damaged = _verified_done(out, keys, sweep.spec.keep_daily)
    failed_before = {p.stem for p in (out / "failed").glob("[!.]*.json")} & keys
    skipped = sorted(failed_before - done) if not retry_failed else []
    todo = [t for t in tasks if t.key not in done and t.key not in skipped]

    result = SweepResult(out, len(tasks), len(done), skipped_failed=skipped, damaged=damaged)
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
        for o in execute(todo, workers=workers, scheduler=client):
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
                "damaged": len(damaged),
                "seconds": round(result.elapsed, 3),
                "provenance": provenance(),
            },
        ]
        with contextlib.suppress(OSError):  # full disk: the previous manifest still stands
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
        write_row(out / "runs" / f"{key}.parquet", run_row(o))
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
    if not out.is_dir():
        raise SweepError(f"{out}: not a sweep folder (no such folder)")
    if not (out / MANIFEST).is_file():
        raise SweepError(f"{out}: not a sweep folder (no {MANIFEST}; run `cogov sweep` first)")
    return out


def _read_json(path: Path, what: str) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SweepError(f"{path}: missing; the sweep folder is incomplete ({what})") from None
    except (OSError, ValueError) as e:
        why = e.strerror if isinstance(e, OSError) else "not valid JSON"
        raise SweepError(
            f"{path}: damaged ({why}); run `cogov sweep SPEC --out {path.parent}` again "
            "to rewrite it, or use a new folder"
        ) from None
    if not isinstance(data, dict):
        raise SweepError(f"{path}: damaged (not a JSON object)")
    return data


def load_manifest(out: str | Path) -> dict:
    return _read_json(_folder(out) / MANIFEST, "the sweep's manifest")


def load_design(out: str | Path) -> dict:
    design = _read_json(_folder(out) / DESIGN, "the design points")
    if not isinstance(design.get("points"), list) or "axes" not in design:
        raise SweepError(f"{Path(out) / DESIGN}: damaged (no points or axes)")
    return design


def check_results(out: str | Path, manifest: dict, design: dict) -> None:
    """Every run file is whole and belongs to this sweep; else one line naming the first."""
    out = _folder(out)
    ids = {p.get("point") for p in design["points"] if isinstance(p, dict)}
    for f in sorted((out / "runs").glob("[!.]*.parquet")):
        point = f.stem.rsplit("-r", 1)[0]
        if point not in ids or not run_file_ok(f, f.stem):
            raise SweepError(
                f"{f}: damaged or not a run of this sweep; run `cogov sweep` on this folder "
                "again to re-run it (damaged run files are re-run)"
            )


def load_results(out: str | Path, daily: bool = False) -> pd.DataFrame:
    """Every finished run (one row each, sorted by key); `daily=True`: the daily series."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    out = _folder(out)
    files = sorted((out / ("daily" if daily else "runs")).glob("[!.]*.parquet"))
    if not files:
        return pd.DataFrame()
    tables = []
    for f in files:
        try:
            tables.append(pq.read_table(f))
        except Exception:  # truncated or not Parquet
            raise SweepError(
                f"{f}: damaged; run `cogov sweep` on this folder again to re-run it"
            ) from None
    try:  # one Arrow table is ~4x faster than thousands of small DataFrames
        df = pa.concat_tables(tables, promote_options="default").to_pandas()
    except (pa.ArrowInvalid, pa.ArrowTypeError):  # a column's type differs between runs
        df = pd.concat([t.to_pandas() for t in tables], ignore_index=True)
    return df.sort_values(["key", "day"] if daily else "key", kind="stable").reset_index(drop=True)


def load_failures(out: str | Path) -> list[dict]:
    """The recorded failures (error and traceback of each)."""
    out = _folder(out)
    return [_read_json(p, "a failure record") for p in sorted((out / "failed").glob("[!.]*.json"))]
