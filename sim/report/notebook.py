"""What every report notebook does the same way.

Its outputs go to one folder with the settings that made them (`provenance.json`);
figures are saved and shown inline; tables are saved and shown; the closing
findings (结论) are written from the computed numbers, in the chosen language, into
the notebook and `findings.md`. `cogov report` reads those files back.

    nb = notebook.start("01_solo_vs_chorus", OUT, lang=lang, replications=10, seed=0)
    nb.record(params, seeds=c.seeds)        # the scenarios and seeds behind the numbers
    nb.figure(fig, "rates", caption=("图1 …", "Figure 1. …"))
    nb.findings(zh=["…"], en=["…"])
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from sim.report import labels, style

# "The chorus gain" of the README's headline: the one configuration it is quoted at.
REFERENCE = {"residents": 6400, "days": 365, "replications": 10, "seed": 0}

CAVEAT_EN = (
    "These are properties of the model's assumptions (docs/model.md), not empirical "
    "findings; a 95% CI covers the randomness of simulated runs at fixed assumptions, "
    "and says nothing about whether the assumptions hold."
)
CAVEAT_ZH = (
    "以上是模型假设的推论(见 docs/model.md),不是经验证据;95%置信区间只反映在给定假设下"
    "模拟运行的随机波动,不说明假设本身是否成立。"
)


@dataclass
class Notebook:
    name: str
    out: Path
    settings: dict
    scenarios: dict = field(default_factory=dict)
    seeds: list | None = None
    files: list = field(default_factory=list)

    def record(self, scenarios: dict | None = None, seeds=None) -> None:
        """Note the scenarios (name -> Scenario) and seeds behind the numbers."""
        for name, params in (scenarios or {}).items():
            self.scenarios[name] = {
                "hash": params.digest(),
                "days": params.days,
                "residents": params.community.residents,
            }
        if seeds is not None:
            self.seeds = [int(s) for s in seeds]
        self.write_provenance()

    def write_provenance(self) -> Path:
        from sim.provenance import provenance

        prov = provenance(
            scenarios=self.scenarios, seeds=self.seeds, notebook=self.name, settings=self.settings
        )
        prov["command"] = f"notebook {self.name}"
        path = self.out / "provenance.json"
        path.write_text(
            json.dumps(prov, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8"
        )
        return path

    def figure(self, fig, stem: str, caption=None) -> None:
        """Save (PNG + SVG at the page preset) and show inline, caption under it."""
        paths = style.finish(fig, self.out, stem, caption)
        self.files += [p.name for p in paths]

    def table(self, df: pd.DataFrame, stem: str, index: bool = True) -> pd.DataFrame:
        """Save the table with its code names (CSV, for machines) and return it for
        display with the label set's names, in the chosen language (for readers)."""
        df.to_csv(self.out / f"{stem}.csv", index=index)
        self.files.append(f"{stem}.csv")
        shown = df.rename(index=labels.name, columns=labels.name)
        by_column = {
            "metric": labels.metric,
            "parameter": labels.parameter,
            "scenario": labels.scenario,
            "lever": labels.lever,
            "graph": labels.graph,
        }
        for col, to_name in by_column.items():
            if col in df.columns:
                shown[col] = [to_name(v) if isinstance(v, str) else v for v in df[col]]
        return shown

    def findings(self, zh: list[str], en: list[str]) -> str:
        """The closing findings in the chosen language, shown and saved to findings.md."""
        lang = labels.language()
        parts = []
        if lang in ("zh", "both"):
            parts += [*zh, CAVEAT_ZH]
        if lang in ("en", "both"):
            parts += [*en, CAVEAT_EN]
        text = "\n\n".join(parts)
        (self.out / "findings.md").write_text(text + "\n", encoding="utf-8")
        self.write_provenance()
        if style.in_notebook():
            from IPython.display import Markdown, display

            display(Markdown(text))
        else:
            print(text)
        return text


def start(name: str, out, lang: str = "both", preset: str = "page", **settings) -> Notebook:
    """Set the figures' language and preset, make the output folder, note the settings."""
    style.configure(lang=lang, preset=preset)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    nb = Notebook(name, out, {"lang": lang, "preset": preset, **settings})
    nb.write_provenance()
    return nb


def size_note(residents: int, days: int, replications: int, why_zh: str, why_en: str):
    """(中文, English): how this notebook's size relates to the reference configuration of
    the chorus gain (README, notebook 01), and why it differs, if it does."""
    r = REFERENCE
    same = (residents, days, replications) == (r["residents"], r["days"], r["replications"])
    here_en = f"{residents:,} households, {days} days, {replications} replications"
    here_zh = f"{residents:,}户、{days}天、{replications}次重复"
    if same:
        return (
            f"本笔记本的规模与主要结果的参考配置相同({here_zh};README、笔记本01)。",
            f"This notebook runs at the size of the reference configuration of the headline "
            f"result ({here_en}; README, notebook 01).",
        )
    ref_en = f"{r['residents']:,} households, {r['days']} days, {r['replications']} replications"
    ref_zh = f"{r['residents']:,}户、{r['days']}天、{r['replications']}次重复"
    return (
        f"本笔记本使用{here_zh},而非参考配置({ref_zh},笔记本01与README)"
        + (f":{why_zh}" if why_zh else "。")
        + "这里的增益数值因此不是主要结果,不宜当作主要结果引用。",
        f"This notebook uses {here_en}, not the reference configuration ({ref_en}; notebook "
        "01 and the README)"
        + (f": {why_en}" if why_en else ".")
        + " Its gains are therefore not the headline figure and should not be quoted as it.",
    )


def pct(x: float, digits: int = 1) -> str:
    return f"{100 * x:.{digits}f}%"


def sign(ci: dict) -> int:
    """+1 or -1 when the CI lies wholly above or below 0, else 0 (noise cannot be ruled out)."""
    lo, hi = ci.get("ci_low"), ci.get("ci_high")
    if lo is None or not pd.notna(lo):
        return 0
    return 1 if lo > 0 else -1 if hi < 0 else 0


def pts(ci: dict, digits: int = 1) -> str:
    """A paired difference of rates in percentage points, with its CI: '+14.7 [+14.3, +15.2]',
    and '(n of N runs)' if some runs lack it."""
    from sim.stats import coverage

    m, lo, hi = (100 * ci[k] for k in ("mean", "ci_low", "ci_high"))
    if not pd.notna(m):
        return "n/a" + coverage(ci)
    if not pd.notna(lo):
        return f"{m:+.{digits}f}" + coverage(ci)
    return f"{m:+.{digits}f} [{lo:+.{digits}f}, {hi:+.{digits}f}]" + coverage(ci)


def num(ci: dict, digits: int = 3, signed: bool = False) -> str:
    """'mean [low, high]' with `digits` decimals, and '(n of N runs)' if some lack it."""
    from sim.stats import coverage

    s = ("+" if signed else "") + ("," if digits == 0 else "")  # 50,337: counts get commas
    m, lo, hi = ci["mean"], ci["ci_low"], ci["ci_high"]
    if not pd.notna(m):
        return "n/a" + coverage(ci)
    if not pd.notna(lo):
        return f"{m:{s}.{digits}f}" + coverage(ci)
    return f"{m:{s}.{digits}f} [{lo:{s}.{digits}f}, {hi:{s}.{digits}f}]" + coverage(ci)
