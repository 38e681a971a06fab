"""The sentences of scenario discovery: each box in English and Chinese, as a decision
maker reads it (`sim/sweep/discover.py`)."""

from __future__ import annotations

import math

import numpy as np


def number(v: float) -> str:
    """A bound as a decision maker reads it: two significant figures."""
    if v == 0 or not math.isfinite(v):
        return f"{v:g}"
    if abs(v) >= 100:
        return f"{v:,.0f}"
    digits = max(0, 1 - math.floor(math.log10(abs(v))))
    text = f"{round(v, digits):.{digits}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _is_rate(metric: str) -> bool:
    from sim.metrics import INFO

    if metric in INFO:
        return INFO[metric][0] == "share 0-1"
    return metric.endswith("_rate")


def _subject(d) -> tuple[str, str, str, str]:  # d: a discover.Discovery
    """(English subject, Chinese subject, threshold in English, threshold in Chinese)."""
    from sim.report.labels import METRICS, SCENARIOS

    m, v = d.metric, d.value
    q = f" (q{d.threshold.quantile:g} of the sweep's points)" if d.threshold.quantile else ""
    qz = f"(全部设计点的第 {d.threshold.quantile:g} 百分位)" if d.threshold.quantile else ""
    if d.paired and m.startswith("gain_") and m[5:] in METRICS:
        a, b = d.paired
        base = m[5:]
        zh, en = METRICS[base]
        za, zb = (SCENARIOS.get(n, (n, n))[0] for n in (a, b))
        if _is_rate(base):
            pts = f"{100 * v:+.1f}"
            more = "more" if d.direction == "above" else "less"
            en_s = f"{b} gains {more} than {pts} points of {en.lower()} over {a}{q}"
            zh_s = (
                f"{zb}相对{za}的{zh}提升{'超过' if d.direction == 'above' else '不足'} "
                f"{pts} 个百分点{qz}"
            )
            return en_s, zh_s, "", ""
        return (
            f"{b}'s {en.lower()} minus {a}'s",
            f"{zb}与{za}的{zh}之差",
            f"{number(v)}{q}",
            f"{number(v)}{qz}",
        )
    prefix, _, rest = m.partition("_")
    if d.paired and prefix in d.paired and rest in METRICS:
        zh, en = METRICS[rest]
        return (
            f"{prefix}'s {en.lower()}",
            f"{SCENARIOS.get(prefix, (prefix, prefix))[0]}的{zh}",
            f"{number(v)}{q}",
            f"{number(v)}{qz}",
        )
    zh, en = METRICS.get(m, (m, m))
    return en[:1].upper() + en[1:], zh, f"{number(v)}{q}", f"{number(v)}{qz}"


def _condition(axis: str, lo: float, hi: float, full: tuple[float, float]) -> tuple:
    from sim.report.labels import PARAMETERS

    zh, en, unit = PARAMETERS.get(axis, (axis, axis, ""))
    if unit == "multiplier":  # "department success x1.2" reads as a scale, not a rate
        zh, en = f"{zh}倍数", f"{en} multiplier"
    en = en if en[1:2].isupper() else en[:1].lower() + en[1:]
    low_cut, high_cut = lo > full[0], hi < full[1]
    if low_cut and high_cut:
        return (
            "between",
            f"{en} is between {number(lo)} and {number(hi)}",
            (f"{zh}介于 {number(lo)} 与 {number(hi)} 之间"),
        )
    if low_cut:
        return "above", f"{en} is above {number(lo)}", f"{zh}高于 {number(lo)}"
    return "below", f"{en} is below {number(hi)}", f"{zh}低于 {number(hi)}"


def write_sentences(d, b) -> None:
    """Box `b` of discovery `d` as sentences in English and Chinese (`b.sentence_*`)."""
    subj_en, subj_zh, thr_en, thr_zh = _subject(d)
    order = sorted(  # the tightest restriction first
        b.limits.items(),
        key=lambda kv: (kv[1][1] - kv[1][0]) / max(np.ptp(d.ranges[kv[0]]), 1e-12),
    )
    parts = []
    for a, (lo, hi) in order:
        side, en, zh = _condition(a, lo, hi, d.ranges[a])
        b.side[a] = side
        parts.append((en, zh))
    cond_en = " and ".join(p[0] for p in parts) or "anywhere in the sweep"
    cond_zh = "且".join(p[1] for p in parts) or "在整个取值范围内"
    if thr_en:  # "X is below T"
        word = "above" if d.direction == "above" else "below"
        zword = "高于" if d.direction == "above" else "低于"
        claim_en, claim_zh = f"{subj_en} is {word} {thr_en}", f"{subj_zh}{zword} {thr_zh}"
    else:  # the subject already holds the threshold ("chorus gains less than 2 points")
        claim_en, claim_zh = subj_en, subj_zh
    claim_en = claim_en[:1].upper() + claim_en[1:]
    fit_en = (
        f"{b.density:.0%} of the design points in this box are so (density); it holds "
        f"{b.coverage:.0%} of all such points (coverage) and {b.mass:.0%} of the sweep (mass)"
    )
    fit_zh = (
        f"该区域内 {b.density:.0%} 的设计点如此(密度),覆盖全部此类点的 {b.coverage:.0%}"
        f"(覆盖率),占全部设计点的 {b.mass:.0%}(质量)"
    )
    b.sentence_en = f"{claim_en} when {cond_en}: {fit_en}."
    b.sentence_zh = f"当{cond_zh}时,{claim_zh}:{fit_zh}。"
