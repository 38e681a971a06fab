"""Bilingual names of metrics and scenarios (MODEL.md glossary)."""

METRICS = {
    "resolution_rate": ("解决率", "Resolution rate"),
    "reported_resolution_rate": ("上报解决率", "Reported resolution rate"),
    "needs_met_rate": ("诉求满足率", "Needs met"),
    "satisfaction_rate": ("满意率", "Satisfaction rate"),
    "detection_rate": ("发现率", "Detection rate"),
    "mean_days_to_resolve": ("平均办结天数", "Mean days to resolve"),
    "median_days_to_resolve": ("办结天数中位数", "Median days to resolve"),
    "on_time_rate": ("按时办结率", "On-time rate"),
    "bounces_per_case": ("推诿次数/件", "Bounces per case"),
    "lost_cases": ("流失案件", "Lost cases"),
    "backlog": ("积压", "Backlog"),
    "conflicts": ("矛盾激化", "Conflicts"),
    "mean_trust": ("民意信任度", "Mean trust"),
    "participation_rate": ("参与率", "Participation rate"),
    "overload_days": ("网格员超负荷天数", "Overload days"),
    "staff_hours": ("工作时数", "Staff hours"),
    "resolutions_per_100_staff_hours": ("每百工时解决数", "Resolutions per 100 staff hours"),
    "total_hours": ("总工时(含志愿者等)", "Total hours"),
    "resolutions_per_100_total_hours": ("每百总工时解决数", "Resolutions per 100 total hours"),
    "handoffs_per_case": ("转办次数/件", "Hand-offs per case"),
    "spread_disputes": ("矛盾扩散", "Spread disputes"),
    "duplicate_reports": ("重复诉求(已合并)", "Merged duplicate reports"),
}

SCENARIOS = {
    "solo": "独角戏 solo",
    "chorus": "大合唱 chorus",
    "classroom": "独角戏 solo (课堂)",
    "classroom_chorus": "大合唱 chorus (课堂)",
    "whistle": "吹哨报到 whistle",
    "workstation": "一支队伍管执法 workstation",
    "mediation": "1+N 联动调解 mediation",
    "cadres": "干部下沉 cadres",
    "deliberation": "协商民主 deliberation",
    "social_forces": "社会力量 social forces",
    "mobilisation": "线上组群+线下编队 mobilisation",
    "solo_flood": "独角戏 + 洪灾 solo, flood",
    "chorus_flood": "大合唱 + 洪灾 chorus, flood",
}


def metric(name: str) -> str:
    zh, en = METRICS.get(name, ("", name))
    return f"{zh} {en}".strip()


def scenario(name: str) -> str:
    return SCENARIOS.get(name, name)
