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


# Sweep axes (dotted parameter paths) as a decision maker reads them: (中文, English).
# Every axis of a bundled sweep has one (tests/test_discover.py checks it).
PARAMETERS = {
    "scale.department_acceptance": ("部门接单率倍数", "department acceptance (x as given)"),
    "scale.department_success": ("部门办结成功率倍数", "department success (x as given)"),
    "scale.department_hours": ("部门工时倍数", "department hours (x as given)"),
    "scale.caseload": ("诉求量倍数", "caseload (x as given)"),
    "departments.*.acceptance": ("各部门接单率", "every department's acceptance"),
    "grid_workers.success": ("网格员办结成功率", "grid workers' success"),
    "grid_workers.hours_per_day": ("网格员每日工时", "grid workers' hours a day"),
    "grid_workers.per_grid": ("每网格网格员数", "grid workers per grid"),
    "residents.voice": ("民意表达通道开放度", "residents' voice"),
    "street_office.info_loss": ("转办信息流失率", "information loss per hand-off"),
    "levers.whistle.coordination": ("吹哨报到协同溢价", "whistle coordination premium"),
    "levers.whistle.deadline_days": ("吹哨报到时限(天)", "whistle deadline (days)"),
    "levers.workstation.coordination": ("一体化工作站协同溢价", "workstation coordination premium"),
    "levers.mediation.coordination": ("1+N 联动调解协同溢价", "mediation coordination premium"),
    "levers.mediation.sessions_per_day": ("1+N 每日调解场次", "mediation sessions a day"),
    "levers.cadres.per_grid": ("每网格下沉干部", "cadres per grid"),
    "levers.cadres.hours_per_week": ("下沉干部每周工时", "cadres' hours a week"),
    "levers.social_forces.hours_per_day": ("社会力量每日工时", "social forces' hours a day"),
    "levers.mobilisation.online_detection": ("线上组群发现率", "online groups' detection"),
}


def parameter(path: str) -> str:
    """`中文 English` for a sweep axis; the path itself when it has no name yet."""
    zh, en = PARAMETERS.get(path, ("", path))
    return f"{zh} {en}".strip()
