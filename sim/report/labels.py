"""One label set for every figure and table: a Chinese and an English name per metric,
lever, scenario, parameter path and unit (MODEL.md glossary), and the language choice.

Each idea has exactly one name in each language here; figure code asks for a label
and never spells one itself, so a lever cannot have two Chinese names in two figures.
`set_language("zh" | "en" | "both")` chooses what every figure shows.
"""

from __future__ import annotations

from sim.metrics import INFO
from sim.params import PLUGINS

LANGUAGES = ("zh", "en", "both")
_lang = ["both"]

# metric -> (中文, English)
METRICS = {
    "resolution_rate": ("解决率", "Resolution rate"),
    "reported_resolution_rate": ("上报解决率", "Reported resolution rate"),
    "needs_met_rate": ("诉求满足率", "Needs met"),
    "satisfaction_rate": ("满意率", "Satisfaction rate"),
    "detection_rate": ("发现率", "Detection rate"),
    "mean_days_to_resolve": ("平均办结天数", "Mean days to resolve"),
    "median_days_to_resolve": ("办结天数中位数", "Median days to resolve"),
    "on_time_rate": ("按时办结率", "On-time rate"),
    "dispatch_on_time_rate": ("派单后按时办结率", "On time from dispatch"),
    "bounces_per_case": ("推诿次数/件", "Bounces per case"),
    "lost_cases": ("流失案件", "Lost cases"),
    "backlog": ("积压", "Backlog"),
    "conflicts": ("矛盾激化", "Conflicts"),
    "mean_trust": ("民意信任度", "Mean trust"),
    "participation_rate": ("参与率", "Participation rate"),
    "overload_days": ("网格员超负荷天数", "Overload days"),
    "staff_hours": ("带薪工时", "Paid staff hours"),
    "resolutions_per_100_staff_hours": ("每百带薪工时解决数", "Resolutions per 100 staff hours"),
    "total_hours": ("总工时(含志愿者等)", "Total hours"),
    "resolutions_per_100_total_hours": ("每百总工时解决数", "Resolutions per 100 total hours"),
    "handoffs_per_case": ("转办次数/件", "Hand-offs per case"),
    "spread_disputes": ("矛盾扩散", "Spread disputes"),
    "duplicate_reports": ("重复诉求(已合并)", "Merged duplicate reports"),
    # 接诉即办 as the hotline measures it
    "response_rate": ("响应率", "Response rate"),
    "callback_resolution_rate": ("回访解决率", "Call-back resolution rate"),
    "callback_satisfaction_rate": ("回访满意率", "Call-back satisfaction rate"),
    "true_callback_resolution_rate": ("回访样本真实解决率", "Call-back sample, true resolution"),
    "true_callback_satisfaction_rate": (
        "回访样本真实满意率",
        "Call-back sample, true satisfaction",
    ),
    "callbacks": ("回访接通数", "Call-backs answered"),
    "closed_at_horizon": ("超时答复办结", "Closed at the horizon"),
    "escalated": ("督办", "Escalated"),
    # where the open cases sit (the daily series)
    "at_grid": ("在网格排队", "Queued at the grid"),
    "at_street": ("在街道待转派", "At the street office"),
    "at_unit": ("在部门排队", "Queued at a department"),
    "at_joint": ("待联合处置", "Waiting for a joint session"),
    "at_meeting": ("待协商", "Waiting for a meeting"),
    "in_handling": ("办理中", "In handling"),
    # measured in the notebooks from the daily series
    "peak_backlog": ("积压峰值", "Peak backlog"),
    "excess_backlog": ("超额积压", "Excess backlog"),  # above the same run without the shock
    "peak_excess_backlog": ("超额积压峰值", "Peak excess backlog"),
    "excess_backlog_days": ("累计超额积压", "Cumulative excess backlog"),
    "not_recovered": ("尚未恢复的运行", "Runs not yet recovered"),
}

# lever -> (中文, English); the glossary's names
LEVERS = {
    "whistle": ("吹哨报到", "Whistle"),
    "workstation": ("一体化工作站", "Integrated workstation"),
    "mediation": ("1+N联动调解", "Joint mediation (1+N)"),
    "cadres": ("机关干部下沉", "Sunk-down cadres"),
    "deliberation": ("协商民主", "Deliberation"),
    "social_forces": ("社会力量", "Social forces"),
    "mobilisation": ("线上组群+线下编队", "Online groups + offline teams"),
    "paper_resolution": ("管理信息失真", "Paper resolution"),
    "campaign": ("运动型治理", "Campaign"),
    "persuasion": ("回访前做工作", "Persuasion before the call-back"),
    "emergency": ("平时/战时", "Emergency"),
} | {name: module.LABELS for name, module in PLUGINS.items()}  # yours: (中文, English)

SCENARIOS = {
    "solo": ("独角戏", "Solo act"),
    "chorus": ("大合唱", "Chorus"),
    "chorus_structure": ("大合唱(协同增益为0)", "Chorus, no coordination premium"),
    "chorus_neutral": ("大合唱(覆盖项均为中性)", "Chorus, every override neutral"),
    "classroom": ("课堂街道:独角戏", "Classroom street: solo"),
    "classroom_chorus": ("课堂街道:大合唱", "Classroom street: chorus"),
    "classroom_flood": ("课堂街道:独角戏+洪灾", "Classroom street: solo, flood"),
    "classroom_chorus_flood": ("课堂街道:大合唱+洪灾", "Classroom street: chorus, flood"),
    "solo_flood": ("独角戏+洪灾", "Solo act, flood"),
    "chorus_flood": ("大合唱+洪灾", "Chorus, flood"),
    **{k: (f"独角戏+{zh}", f"Solo + {en[0].lower()}{en[1:]}") for k, (zh, en) in LEVERS.items()},
}

# unit as in sim.metrics.INFO -> (中文, English) for axis labels
UNITS = {
    "share 0-1": ("比例", "share"),
    "ratio": ("比值", "ratio"),
    "days": ("天", "days"),
    "per case": ("次/件", "per case"),
    "cases": ("件", "cases"),
    "0-1": ("0–1", "0–1"),
    "grid-days": ("网格·天", "grid-days"),
    "hours": ("小时", "hours"),
    "per 100 h": ("件/百小时", "per 100 h"),
    "reports": ("条", "reports"),
    "points": ("百分点", "percentage points"),
    "probability": ("概率", "probability"),
    "multiplier": ("倍数", "multiplier"),
    "per grid": ("人/网格", "per grid"),
    "hours per week": ("小时/周", "hours per week"),
    "hours per day": ("小时/天", "hours per day"),
    "per day": ("场/天", "per day"),
    "case-days": ("件·天", "case-days"),
    "index": ("指数", "index"),
    "draws": ("抽样数", "draws"),
    "weight": ("权重", "weight"),
    "on/off": ("开(1)/关(0)", "on (1) / off (0)"),
}

# units of the notebook-measured metrics (the model's own are in sim.metrics.INFO)
EXTRA_UNITS = {
    "peak_backlog": "cases",
    "excess_backlog": "cases",
    "peak_excess_backlog": "cases",
    "excess_backlog_days": "case-days",
    "not_recovered": "share 0-1",
    **dict.fromkeys(
        ("at_grid", "at_street", "at_unit", "at_joint", "at_meeting", "in_handling"), "cases"
    ),
}

# parameter path (as in sweep axes and targets files) -> (中文, English, unit)
PARAMETERS = {
    "levers.cadres.per_grid": ("下沉干部", "Sunk-down cadres", "per grid"),
    "levers.cadres.hours_per_week": ("下沉干部每周工时", "Cadre hours per week", "hours per week"),
    "levers.whistle.deadline_days": ("吹哨报到时限", "Whistle deadline", "days"),
    "levers.whistle.coordination": ("吹哨报到协同增益", "Whistle coordination premium",
                                    "probability"),
    "levers.workstation.coordination": ("一体化工作站协同增益",
                                        "Workstation coordination premium", "probability"),
    "levers.mediation.coordination": ("1+N联动调解协同增益", "Mediation coordination premium",
                                      "probability"),
    "levers.mediation.sessions_per_day": ("1+N联动调解每日场次", "Joint mediation sessions",
                                          "per day"),
    "levers.social_forces.hours_per_day": ("社会力量每日工时", "Social forces hours",
                                           "hours per day"),
    "levers.mobilisation.online_detection": ("线上组群发现概率", "Online group detection",
                                             "probability"),
    "levers.paper_resolution.rate": ("未解决而上报解决的比例", "Paper resolution rate",
                                     "probability"),
    "levers.persuasion.rate": ("回访前做工作的说服率", "Persuasion rate", "probability"),
    "levers.whistle.mandate_gain": ("吹哨报到授权强度", "Whistle mandate", "share 0-1"),
    "levers.workstation.mandate_gain": ("一体化工作站授权强度", "Workstation mandate", "share 0-1"),
    "levers.mediation.mandate_gain": ("1+N联动调解授权强度", "Mediation mandate", "share 0-1"),
    "departments.*.acceptance": ("部门接单率", "Department acceptance", "probability"),
    "residents.voice": ("居民表达诉求的概率", "Residents' voice", "probability"),
    "residents.satisfaction_resolved": ("解决后满意的概率", "Satisfied if resolved",
                                        "probability"),
    "residents.satisfaction_unresolved": ("未解决仍满意的概率", "Satisfied if unresolved",
                                          "probability"),
    "residents.explanation": ("办结时解释说明的概率", "Outcome explained", "probability"),
    "residents.topdown_satisfaction": ("未经协商的集体事项满意度系数",
                                       "Satisfaction without deliberation", "multiplier"),
    "residents.satisfaction_response": ("满意度中响应的权重", "Weight of the response",
                                        "weight"),
    "residents.satisfaction_explanation": ("满意度中态度与解释的权重",
                                           "Weight of the explanation", "weight"),
    "residents.satisfaction_result": ("满意度中结果的权重", "Weight of the result", "weight"),
    "hotline.response_days": ("响应时限", "Response standard", "days"),
    "hotline.callback_share": ("回访比例", "Call-back share", "share 0-1"),
    "hotline.callback_answer": ("回访接通率", "Call-backs answered", "probability"),
    "horizons.grid_days": ("网格滞留上交时限", "Grid horizon", "days"),
    "horizons.escalate_days": ("督办时限", "Escalation horizon", "days"),
    "horizons.close_days": ("答复办结时限", "Closing horizon", "days"),
    "scale.department_acceptance": ("部门接单率", "Department acceptance", "multiplier"),
    "scale.department_success": ("部门解决成功率", "Department success", "multiplier"),
    "scale.department_hours": ("部门工时", "Department hours", "multiplier"),
    "scale.caseload": ("诉求量", "Caseload", "multiplier"),
    "grid_workers.per_grid": ("网格员", "Grid workers", "per grid"),
    "grid_workers.success": ("网格员解决成功率", "Grid workers' success", "probability"),
    "grid_workers.hours_per_day": ("网格员每日工时", "Grid worker hours", "hours per day"),
    "grid_workers.rushed_success": ("超负荷时敷衍办理的成功率系数",
                                    "Rushed work on overloaded days", "multiplier"),
    "grid_workers.retry_after_helper": ("助手失败后网格员再试",
                                        "Grid worker retries after a helper", "on/off"),
    "street_office.info_loss": ("每次转办的信息流失", "Information loss per hand-off",
                                "probability"),
}  # fmt: skip

# community graph families (notebook 06)
GRAPHS = {
    "grid_clustered": ("网格内聚集(默认)", "Grid-clustered (default)"),
    "erdos_renyi": ("随机关系", "Random ties"),
    "watts_strogatz p=0.01": ("小世界(重连概率0.01)", "Small world p=0.01"),
    "watts_strogatz p=0.1": ("小世界(重连概率0.1)", "Small world p=0.1"),
    "watts_strogatz p=0.5": ("小世界(重连概率0.5)", "Small world p=0.5"),
    "no_ties": ("无邻里关系", "No ties"),
    "village (real)": ("真实村庄网络", "Real village network"),
}

# words figures need beyond the names above
WORDS = {
    "day": ("天", "Day"),
    "days_after_flood": ("洪灾结束后天数", "Days after the flood ended"),
    "ci": ("95%置信区间", "95% CI"),
    "mean_ci": ("均值与95%置信区间", "mean, 95% CI"),
    "difference": ("配对差值", "Paired difference"),
    "gain_over": ("相对{a}的增益", "Gain over {a}"),
    "share_of_gain": ("对增益的贡献", "Share of the gain"),
    "first_order": ("一阶指数", "First order S1"),
    "total_order": ("总效应指数", "Total ST"),
    "sobol_index": ("Sobol指数", "Sobol index"),
    "mu_star": ("μ*(平均绝对基本效应)", "μ* (mean |elementary effect|)"),
    "sigma": ("σ", "σ"),
    "prior": ("先验", "prior"),
    "posterior_weight": ("后验权重", "Posterior weight"),
    "observed": ("观测值 ±1.96倍标准误", "observed ±1.96 SE"),
    "simulated": ("模拟,95%置信区间", "simulated, 95% CI"),
    "value": ("数值", "Value"),
    "case": ("案例", "case"),
    "flood": ("洪灾", "flood"),
    "posterior_draws": ("后验抽样数", "Posterior draws"),
    "rate": ("比例", "Rate"),
    "shanghai_82": ("上海 82%", "Shanghai 82%"),
    "start": ("起点", "start"),
    "end": ("终点", "end"),
    "seed": ("随机种子", "seed"),
    # scenario discovery (PRIM, CART)
    "coverage": ("覆盖率(比例)", "Coverage (share)"),
    "density": ("密度(比例)", "Density (share)"),
    "pruned": ("剪枝", "pruned"),
    "before_pruning": ("剪枝前", "before pruning"),
    "chosen": ("所选", "chosen"),
    "density_asked": ("所需密度", "density asked"),
    "restricted_dimensions": ("受限维数", "Restricted dimensions"),
    "peeling_trajectory": ("剥离轨迹", "peeling trajectory"),
    "leaves": ("叶节点", "leaves"),
    "box_n": ("框 {n}", "Box {n}"),
    "below": ("低于", "below"),
    "above": ("高于", "above"),
    # a city of streets (sim/city/)
    "month": ("月份", "Month"),
    "rank": ("排名(1为最好)", "Rank (1 = best)"),
    "households": ("户数", "Households"),
    "as_called_back": ("回访所测", "as called back"),
    "true": ("真实", "true"),
    "other_streets": ("其他街道", "other streets"),
    "urban_core": ("城区街道", "Urban core"),
    "suburban": ("城乡结合部", "Suburban"),
    "township": ("乡镇", "Township"),
}


def set_language(lang: str) -> None:
    """Choose the language of every figure: 'zh' (中文), 'en' or 'both'."""
    if lang not in LANGUAGES:
        raise ValueError(f"lang must be one of {', '.join(LANGUAGES)} (got {lang!r})")
    _lang[0] = lang


def language() -> str:
    return _lang[0]


def pick(zh: str, en: str, lang: str | None = None, sep: str = " ") -> str:
    """The text in the chosen language; 'both' puts the Chinese first."""
    lang = lang or _lang[0]
    if lang == "zh":
        return zh
    if lang == "en":
        return en
    return f"{zh}{sep}{en}" if zh != en else en


def word(key: str, lang: str | None = None, **fmt) -> str:
    zh, en = WORDS[key]
    return pick(zh.format(**fmt), en.format(**fmt), lang)


def _pair(table: dict, name: str) -> tuple[str, str]:
    zh_en = table.get(name)
    return (zh_en[0], zh_en[1]) if zh_en else (name, name)


def _metric_pair(name: str) -> tuple[str, str]:
    """A metric's names; a paired sweep's `gain_x` and `chorus_x` say which."""
    if name in METRICS:
        return METRICS[name]
    prefix, _, rest = name.partition("_")
    if rest in METRICS:
        zh, en = METRICS[rest]
        if prefix == "gain":
            return f"{zh}增益", f"Gain in {en[:1].lower()}{en[1:]}"
        if prefix in SCENARIOS:
            sz, se = SCENARIOS[prefix]
            return f"{sz}{zh}", f"{se}: {en[:1].lower()}{en[1:]}"
    return name, name


def metric(name: str, lang: str | None = None) -> str:
    return pick(*_metric_pair(name), lang)


def lever(name: str, lang: str | None = None) -> str:
    return pick(*_pair(LEVERS, name), lang)


def scenario(name: str, lang: str | None = None) -> str:
    return pick(*_pair(SCENARIOS, name), lang)


def graph(name: str, lang: str | None = None) -> str:
    return pick(*_pair(GRAPHS, name), lang)


def parameter(path: str, lang: str | None = None) -> str:
    """A parameter path's name; an unknown path (a user's own axis) is shown as it is."""
    zh, en, _ = PARAMETERS.get(path, (path, path, ""))
    return pick(zh, en, lang)


def name(key, lang: str | None = None):
    """Whatever `key` names (metric, parameter path, scenario, lever, graph) in the chosen
    language; anything else (a number, a column such as 'n') unchanged. For tables."""
    if not isinstance(key, str):
        return key
    if " − " in key:  # a difference column: "chorus − solo"
        return " − ".join(name(part, lang) for part in key.split(" − "))
    if key in PARAMETERS:
        return parameter(key, lang)
    for table in (SCENARIOS, LEVERS, GRAPHS):
        if key in table:
            return pick(*table[key], lang)
    zh, en = _metric_pair(key)
    return key if (zh, en) == (key, key) else pick(zh, en, lang)


def unit_of(name: str) -> str:
    """The unit key of a metric or parameter path ('' if it has none)."""
    if name in PARAMETERS:
        return PARAMETERS[name][2]
    prefix, _, rest = name.partition("_")
    if name not in METRICS and rest in METRICS and (prefix == "gain" or prefix in SCENARIOS):
        name = rest  # a paired sweep's gain_x and chorus_x are in x's unit
    return EXTRA_UNITS.get(name) or INFO.get(name, ("", ""))[0]


def unit(key: str, lang: str | None = None) -> str:
    zh, en = UNITS.get(key, (key, key))
    return pick(zh, en, lang)


def axis(name: str, lang: str | None = None, unit_key: str | None = None, sep: str = "\n") -> str:
    """An axis label with its unit: '解决率(比例)', 'Resolution rate (share)'; 'both' puts
    the English on a second line (`sep`). `name` is a metric or a parameter path."""
    lang = lang or _lang[0]
    if name in PARAMETERS:
        zh, en = PARAMETERS[name][:2]
    else:
        zh, en = _metric_pair(name)
    u = unit_of(name) if unit_key is None else unit_key
    uz, ue = UNITS.get(u, (u, u)) if u else ("", "")
    zh = f"{zh}({uz})" if uz else zh
    en = f"{en} ({ue})" if ue else en
    return pick(zh, en, lang, sep=sep)
