"""The model's state as the compiled phases see it: the settings records, the joint
bodies, the street's arrays (`X`) and the levers' view (`L`), and room for more days.

A part of `CoGovModel` (`sim/model.py`), kept apart because it is the one place
where the scenario's names become the kernels' fields (docs/model.md §7.20).
"""

from __future__ import annotations

import numpy as np

from sim import core, day
from sim.cases import Joint
from sim.levers import MODULES, RETRY_CHAIN
from sim.params import COMPILED_LEVERS


class CompiledViews:
    """What the kernels read, built from the model's settings and tables."""

    def _param_record(self) -> np.ndarray:
        """The scalars the shared rules read, as one record (`day.PARAMS`)."""
        rec = np.zeros(1, dtype=day.PARAMS)
        self._copy_settings(rec, core.SETTINGS.items())
        self._copy_settings(rec, day.lever_settings("SHARED"))
        rec["households"] = self.community.n
        rec["workstation_unit"] = self.workstation_unit
        rec["grid_workers_need_first"] = self.params.grid_workers.priority == "need_first"
        rec["meeting_share"] = 0.0  # set each morning (day.begin_day)
        rec["paper_today"] = -1.0
        rec["persuasion_today"] = -1.0
        rec["three_part"] = self.params.residents.satisfaction_model == "three_part"
        h = self.params.horizons
        rec["horizons_on"] = max(h.grid_days, h.escalate_days, h.close_days) > 0
        return rec

    def _joint_bodies(self) -> np.ndarray:
        """The joint bodies (`core.JOINT_BODY`, by `Joint` kind), each from the `JOINT` of
        the lever module that convenes it, with the settings in force (`_view_levers`)."""
        table = np.zeros(len(Joint), dtype=core.JOINT_BODY)
        for lever, module in day.LEVER_MODULES.items():
            body = getattr(module, "JOINT", None)
            if body is not None:
                p, row = getattr(self._view_levers, lever), table[body["kind"]]
                for field in ("premium", "horizon"):  # its settings, by their keys
                    row[field] = getattr(p, body[field])
                for field in ("closer", "capped", "centre"):
                    row[field] = body[field]
        return table

    def _copy_settings(self, rec: np.ndarray, sections) -> None:
        """Each setting into its field `<section>_<key>`. Levers' settings are those in
        force (`_view_levers`); a lever that is off gives a setting its module's `OFF`
        value where it names one (the neutral value)."""
        for section, keys in sections:
            lever = section.removeprefix("levers.")
            if lever != section:
                where = getattr(self._view_levers, lever)
                off = {} if where.enabled else getattr(day.LEVER_MODULES[lever], "OFF", {})
            else:
                where, off = getattr(self.params, section), {}
            for key in keys:
                rec[f"{lever}_{key}"] = off.get(key, getattr(where, key))

    # ------------------------------------------------------------ the kernels' view
    @property
    def X(self) -> core.Street:
        """The state as the kernels see it; rebuilt only when the case book has grown."""
        v = self._view
        if v is None or v.book is not self.book.data or v.others is not self.book.others:
            c = self.community.adjacency
            self._view = v = core.Street(
                book=self.book.data,
                others=self.book.others,
                sizes=self.book.sizes,
                homes=self.residents.data,
                signalled=self.residents.signalled,
                tally=self.tally.counts,
                hours=self.tally.hours.vector,
                params=self.param_table,
                cats=self.cat_table,
                units=self.unit_table,
                grids=self.grid_table,
                route=self.route,
                route_len=self.route_len,
                route_parts=self.route_parts,
                step_hours=self.step_hours,
                step_days=self.step_days,
                dept_success=self.dept_success,
                streams=self.S,
                forwarded=self.tally.forwarded,
                accepted=self.tally.accepted,
                indptr=c.indptr.astype(np.int64) if v is None else v.indptr,
                indices=c.indices.astype(np.int64) if v is None else v.indices,
                members=self.members,
                joints=self.joint_table,
            )
        return v

    def make_room(self, days: int, last: int | None = None) -> None:
        """Room in the case book for `days` of arrivals (far into the Poisson tail, at the
        emergency's multipliers) and the spread disputes waiting; and in the daily record
        up to day `last` (by default `days` after the last day run)."""
        t = self.cat_table  # (no BLAS for 11 numbers: its threads would spin)
        lam = float((t["rate"] * np.maximum(t["multiplier"], t["shock"])).sum()) * days
        lam *= self.community.n
        cases = int(lam + 12 * np.sqrt(lam) + 64) + self.pending[0].size
        if self.book.n + cases > self.book.data.size:
            self.book.make_room(cases, 0)
        if self.book.n_others + cases * self._room > self.book.others.size:
            self.book.make_room(0, cases * self._room)
        last = self.steps + days if last is None else last
        if last >= self.L.daily.shape[0]:
            grown = np.zeros((max(last + 1, 2 * self.L.daily.shape[0]), self.L.daily.shape[1]))
            grown[: self.L.daily.shape[0]] = self.L.daily
            self.L = self.L._replace(daily=grown)

    def _room_per_day(self) -> int:
        """Most households one new need can touch: its ties in its grid, or a party."""
        adj = self.community.adjacency.tocoo()
        same = self.community.grid[adj.row] == self.community.grid[adj.col]
        return int(np.bincount(adj.row[same], minlength=self.community.n).max(initial=0)) + 1

    def _lever_view(self) -> day.Levers:
        """The levers' switches, knobs and arrays as the compiled phases read them: each
        built lever gives its own (`view`), the rest stay empty (`day.NO_ARRAYS`)."""
        lv, built = self._view_levers, self.levers
        on = np.zeros(1, dtype=day.LEVERS)
        for name in COMPILED_LEVERS:
            on[name] = getattr(self.params.levers, name).enabled
            if name not in built:
                for field, value in getattr(MODULES[name], "VIEW_OFF", {}).items():
                    on[field] = value
        self._copy_settings(on, day.lever_settings("KNOBS"))
        on["centre_sessions_per_day"] = self.governance_centre.sessions_per_day
        on["room_per_case"] = self._room
        arrays = {f: np.zeros((0,) * nd, dtype=t) for f, (t, nd) in day.NO_ARRAYS.items()}
        for lever in built.values():
            arrays.update(lever.view(on))
        chain, takes = [], []  # the helpers at the grid desk, in the order of the retry chain
        for i, name in enumerate(RETRY_CHAIN):
            if not getattr(lv, name).enabled:
                continue
            h = MODULES[name].HELPER
            own = getattr(lv, name).success  # its own, or the grid workers' (null)
            success = self.params.grid_workers.success if own is None else own
            chain.append((h["kind"], h["stream"], success, int(h["closer"]), 1 << i, h["hours"]))
            takes.append(getattr(self, f"cat_{h['takes']}"))
        return day.Levers(
            on=on,
            enabled=np.array([getattr(lv, k).enabled for k in COMPILED_LEVERS]),
            start=np.array([getattr(lv, k).start_day for k in COMPILED_LEVERS], dtype=np.int64),
            ramp=np.array([getattr(lv, k).ramp_days for k in COMPILED_LEVERS], dtype=np.int64),
            end=self._ends[: len(COMPILED_LEVERS)].copy(),
            strength=np.zeros(len(COMPILED_LEVERS)),
            chain=np.array(chain, dtype=core.HELPER_ROW),
            takes=np.array(takes, dtype=bool).reshape(len(chain), len(self.params.categories)),
            volunteers=np.bincount(
                self.community.grid[self.residents.volunteer], minlength=self.community.n_grids
            ).astype(np.int64),
            daily=np.zeros((self.params.days + 1, len(day.DAILY))),
            **arrays,
        )
