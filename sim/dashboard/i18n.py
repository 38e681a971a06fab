"""Every label of the dashboard in English and 中文 (glossary names of MODEL.md).

Lever lines quote the article's own phrase; 吹哨报到 quotes the Beijing slogan
the article's reforms follow ("街道吹哨、部门报到").
"""

from __future__ import annotations

from sim.report import labels

LANGS = ("en", "zh")

LABELS: dict[str, dict[str, str]] = {
    "title": {
        "en": "Solo act (独角戏) vs chorus (大合唱): one street, two ways of governing",
        "zh": "从“独角戏”到“大合唱”:同一街道,两种治理",
    },
    "play": {"en": "Play", "zh": "播放"},
    "pause": {"en": "Pause", "zh": "暂停"},
    "step": {"en": "Step", "zh": "单步"},
    "reset": {"en": "Reset", "zh": "重置"},
    "lang_button": {"en": "中文", "zh": "English"},
    "day": {"en": "Day", "zh": "第"},
    "day_suffix": {"en": "", "zh": "天"},
    "seed": {"en": "seed", "zh": "随机种子"},
    "scenario": {"en": "Scenario", "zh": "情景"},
    "left": {"en": "Left", "zh": "左"},
    "right": {"en": "Right", "zh": "右"},
    "resolution_rate": {"en": "Resolution rate", "zh": "解决率"},
    "resolution_note": {
        "en": "truly resolved / cases taken in",
        "zh": "真正解决 / 受理诉求",
    },
    "satisfaction_rate": {"en": "Satisfaction", "zh": "满意率"},
    "backlog": {"en": "Backlog (open cases)", "zh": "积压案件"},
    "mean_trust": {"en": "Mean trust", "zh": "民意信任度"},
    "households": {"en": "households", "zh": "户"},
    "grids": {"en": "grids", "zh": "网格"},
    "levers": {"en": "Levers", "zh": "治理举措"},
    "failure_modes": {"en": "Failure modes", "zh": "失灵机制"},
    "state_latent": {"en": "unheard need", "zh": "未被听见的诉求"},
    "state_open": {"en": "open case", "zh": "办理中"},
    "state_satisfied": {"en": "recently satisfied", "zh": "近期满意"},
    "state_dissatisfied": {"en": "recently dissatisfied", "zh": "近期不满意"},
    "state_quiet": {"en": "no recent case", "zh": "近期无诉求"},
    "grid_worker": {"en": "grid worker", "zh": "网格员"},
    "cadre": {"en": "sunk-down cadre", "zh": "下沉干部"},
    "social_org": {"en": "social organisation", "zh": "社会组织"},
    "other_side": {"en": "dashed: the other side", "zh": "虚线:另一侧"},
    "different_street": {
        "en": "The two scenarios have different streets (community): not a like-for-like "
        "comparison.",
        "zh": "两个情景的街道(社区)不同:不是同条件对比。",
    },
    "finished": {"en": "end of run", "zh": "模拟结束"},
    "error": {"en": "Could not build this side", "zh": "无法建立该侧模型"},
    "reported_rate": {"en": "Reported upward", "zh": "上报解决率"},
    "state_lost": {"en": "case lost in a hand-off", "zh": "转办中丢失"},
    "restart": {"en": "Restart with these settings", "zh": "按当前设置重新开始"},
    "restart_note": {
        "en": "from day 0, both sides, with the levers as set now and the seed",
        "zh": "两侧从第0天起,按当前举措和随机种子重新运行",
    },
    "from_today": {
        "en": "A lever changed while running acts from the next day; the days already run "
        "stay as they were (a mark on the charts).",
        "zh": "运行中调整举措,从次日起生效;已运行的日子保持不变(图中有标记)。",
    },
    "speed": {"en": "Speed", "zh": "速度"},
    "seed_hint": {
        "en": "used by restart and replications",
        "zh": "重新开始和重复实验时使用",
    },
    "mechanisms": {"en": "Mechanisms", "zh": "机制"},
    "other": {"en": "other side", "zh": "另一侧"},
    "charts": {"en": "Over time", "zh": "随时间变化"},
    "true_line": {"en": "solid: true", "zh": "实线:真实"},
    "reported_line": {"en": "dotted: reported upward", "zh": "点线:上报"},
    "emergency_band": {"en": "shaded: emergency (战时)", "zh": "阴影:战时"},
    "change_marks": {"en": "vertical line: a lever changed", "zh": "竖线:举措调整"},
    "changes": {"en": "Changes", "zh": "调整记录"},
    "from_day": {"en": "from day", "zh": "自第"},
    "from_day_suffix": {"en": "", "zh": "天起"},
    "bounces_chart": {"en": "Bounces (推诿) per case", "zh": "每案推诿次数"},
    "detection_chart": {"en": "Detection of silent needs", "zh": "沉默诉求发现率"},
    "scenario_change": {
        "en": "Change the scenario?",
        "zh": "更换情景?",
    },
    "scenario_restart": {
        "en": "Both sides restart at day 0 with the new scenario.",
        "zh": "两侧将以新情景从第0天重新开始。",
    },
    "scenario_size": {
        "en": "The street changes: {old} → {new}.",
        "zh": "街道规模将改变:{old} → {new}。",
    },
    "apply": {"en": "Apply", "zh": "确定"},
    "cancel": {"en": "Cancel", "zh": "取消"},
    "size": {"en": "{n:,} households, {days} days", "zh": "{n:,}户,{days}天"},
    "replications": {"en": "Replications", "zh": "重复实验"},
    "run_replications": {"en": "Run {n} replications", "zh": "运行{n}次重复实验"},
    "replications_note": {
        "en": "{n} runs of each side as “Restart with these settings” would run it (days "
        "1–{days}), seeds from {seed} as `cogov compare --seed {seed}`; mean [95 % CI]",
        "zh": "两侧各按“按当前设置重新开始”的设置运行{n}次(第1–{days}天),随机种子自{seed}起,"
        "同 `cogov compare --seed {seed}`;均值[95%置信区间]",
    },
    "running": {"en": "running", "zh": "运行中"},
    "gap": {"en": "gap (right − left)", "zh": "差距(右−左)"},
    "gap_real": {
        "en": "The 95 % CI of the gap in resolution excludes 0: not noise on this street.",
        "zh": "解决率差距的95%置信区间不含0:在这条街道上不是随机波动。",
    },
    "gap_noise": {
        "en": "The 95 % CI of the gap in resolution includes 0: this gap could be noise.",
        "zh": "解决率差距的95%置信区间包含0:差距可能只是随机波动。",
    },
    "close": {"en": "Close", "zh": "关闭"},
    "case_path": {"en": "Household {h}: its case", "zh": "第{h}户:其诉求"},
    "click_hint": {
        "en": "Click a household on the map to follow its case.",
        "zh": "点击地图上的住户,查看其诉求的办理经过。",
    },
    "no_case": {"en": "no case yet", "zh": "尚无诉求"},
    "lesson": {"en": "Lesson", "zh": "课程"},
    "no_lesson": {"en": "no lesson", "zh": "不使用课程"},
    "do_step": {"en": "Do it", "zh": "执行"},
    "previous": {"en": "Back", "zh": "上一步"},
    "next": {"en": "Next", "zh": "下一步"},
    "step_of": {"en": "step {i} of {n}", "zh": "第{i}步/共{n}步"},
    "lesson_error": {"en": "Lesson file not usable", "zh": "课程文件无法使用"},
}

# The mechanism panel (NetLogo-style monitors): name and one line each, both languages.
MONITORS: dict[str, dict] = {
    "bounces_per_case": {
        "name": {"en": "Bounces (推诿) per case", "zh": "每案推诿次数"},
        "line": {
            "en": "times a department refused a forwarded case and sent it back, per case taken in",
            "zh": "部门拒收转办、退回街道的次数,按受理案件平均",
        },
    },
    "handoffs_per_case": {
        "name": {"en": "Hand-offs per case", "zh": "每案转办次数"},
        "line": {
            "en": "times a case passed from one desk to another (street office → department)",
            "zh": "案件从一个办理环节转到另一个环节(街道→部门)的次数",
        },
    },
    "detection_rate": {
        "name": {"en": "Detection of silent needs", "zh": "沉默诉求发现率"},
        "line": {
            "en": "share of needs nobody voiced that patrols, cadres (探头, 入户) or online "
            "groups found",
            "zh": "未主动反映的诉求中,被网格巡查、干部探头入户或线上群发现的比例",
        },
    },
    "lost_cases": {
        "name": {"en": "Lost cases (管理信息失真)", "zh": "丢失案件(管理信息失真)"},
        "line": {
            "en": "cases dropped in a hand-off between desks: nobody handles them",
            "zh": "在转办中丢失、无人办理的案件",
        },
    },
    "conflicts": {
        "name": {"en": "Conflicts (矛盾激化)", "zh": "矛盾激化"},
        "line": {
            "en": "silent needs that festered and escalated into a conflict",
            "zh": "长期无人听见、最终激化为矛盾的诉求",
        },
    },
    "reported": {
        "name": {"en": "Reported vs true resolution", "zh": "上报解决率与真实解决率"},
        "line": {
            "en": "what is reported upward against what was truly solved (paper resolution, "
            "管理信息失真)",
            "zh": "向上级报告的解决率与真实解决率:两者之差即“管理信息失真”",
        },
    },
    "callback": {
        "name": {"en": "Call-back satisfaction: true vs said", "zh": "回访满意率:真实与所说"},
        "line": {
            "en": "what called-back residents truly feel against what they say on the call "
            "(做工作: persuasion before the call)",
            "zh": "被回访居民的真实满意与电话里所说:两者之差即回访前“做工作”",
        },
    },
    "closers": {
        "name": {"en": "Who closed the cases", "zh": "谁办结了案件"},
        "line": {
            "en": "cases closed so far, by who closed them (darker: truly resolved)",
            "zh": "已办结案件按办结者划分(深色:真正解决)",
        },
    },
    "hours": {
        "name": {"en": "Hours by actor", "zh": "各方投入工时"},
        "line": {
            "en": "hours spent on cases so far: paid staff first, then the others",
            "zh": "迄今投入办案的工时:先列公职人员,再列其他力量",
        },
    },
}

# Who closed a case (sim.cases.Closer), in the bar's order.
CLOSERS: dict[str, dict[str, str]] = {
    "GRID_WORKER": {"en": "grid worker", "zh": "网格员"},
    "VOLUNTEERS": {"en": "volunteers", "zh": "志愿者"},
    "SOCIAL_FORCES": {"en": "social forces", "zh": "社会力量"},
    "CADRE": {"en": "sunk-down cadre", "zh": "下沉干部"},
    "DEPARTMENT": {"en": "department", "zh": "职能部门"},
    "WORKSTATION": {"en": "workstation", "zh": "一体化工作站"},
    "MEDIATION": {"en": "centre (1+N)", "zh": "综治中心(1+N)"},
    "WHISTLE": {"en": "whistle session", "zh": "吹哨报到"},
    "STREET_OFFICE": {"en": "street office (gave up)", "zh": "街道(推诿后结案)"},
    "OTHER": {"en": "another actor", "zh": "其他主体"},
    "HORIZON": {"en": "answered at its horizon", "zh": "超时答复办结"},
}

# Hours by actor (sim.core.ACTORS).
ACTOR_NAMES: dict[str, dict[str, str]] = {
    "grid_worker": {"en": "grid workers", "zh": "网格员"},
    "cadre": {"en": "cadres", "zh": "下沉干部"},
    "department": {"en": "departments", "zh": "职能部门"},
    "governance_centre": {"en": "centre", "zh": "综治中心"},
    "social_forces": {"en": "social forces", "zh": "社会力量"},
    "volunteers": {"en": "volunteers", "zh": "志愿者"},
    "residents": {"en": "residents (协商)", "zh": "居民(协商)"},
}

# How a case was taken in (sim.cases.Channel), and where it ended (sim.cases.State).
CHANNELS: dict[str, dict[str, str]] = {
    "VOICED": {"en": "the resident spoke up", "zh": "居民主动反映"},
    "PATROL": {"en": "found on a grid worker's patrol", "zh": "网格员巡查发现"},
    "PROBE": {"en": "found by a cadre (探头)", "zh": "下沉干部当“探头”发现"},
    "VISIT": {"en": "heard on a cadre's home visit (入户)", "zh": "干部入户走访听到"},
    "ONLINE": {"en": "surfaced in the online group", "zh": "线上群里发现"},
    "CONFLICT": {"en": "escalated into a conflict (矛盾激化)", "zh": "激化为矛盾后才受理"},
}
CASE_STATES: dict[str, dict[str, str]] = {
    "LATENT": {"en": "unheard: nobody knows of it yet", "zh": "未被听见:尚无人知晓"},
    "QUEUED": {"en": "waiting", "zh": "等待办理"},
    "IN_HANDLING": {"en": "being handled", "zh": "办理中"},
    "RESOLVED": {"en": "resolved", "zh": "已解决"},
    "CLOSED_UNRESOLVED": {"en": "closed, not resolved", "zh": "已结案但未解决"},
    "LOST": {"en": "lost in a hand-off", "zh": "转办中丢失"},
}
DESKS: dict[str, dict[str, str]] = {
    "GRID": {"en": "at the grid worker", "zh": "在网格员处"},
    "STREET": {"en": "at the street office", "zh": "在街道"},
    "UNIT": {"en": "at", "zh": "在"},
    "JOINT": {"en": "in a joint session", "zh": "联合办理中"},
    "DELIBERATION": {"en": "waiting for a deliberation meeting (协商)", "zh": "等待议事协商"},
}
PATH_WORDS: dict[str, dict[str, str]] = {
    "need": {"en": "need", "zh": "诉求"},
    "arose": {"en": "arose on day", "zh": "产生于第"},
    "taken_in": {"en": "taken in on day", "zh": "受理于第"},
    "day_suffix": {"en": "", "zh": "天"},
    "route": {"en": "route", "zh": "经手"},
    "handoffs": {"en": "hand-offs", "zh": "转办"},
    "bounces": {"en": "bounces (推诿)", "zh": "推诿"},
    "closed_by": {"en": "closed by", "zh": "办结者"},
    "closed_on": {"en": "on day", "zh": "于第"},
    "now": {"en": "now", "zh": "目前"},
    "satisfied": {"en": "satisfied", "zh": "满意"},
    "dissatisfied": {"en": "not satisfied", "zh": "不满意"},
    "reported_resolved": {"en": "reported upward as resolved", "zh": "上报为已解决"},
    "whistle": {"en": "whistled (吹哨报到): departments together", "zh": "吹哨报到:部门联合办理"},
    "mediation": {"en": "1+N joint mediation", "zh": "“1+N”联动调解"},
    "deliberated": {"en": "deliberated (协商)", "zh": "经议事协商"},
    "households": {"en": "households touched", "zh": "涉及住户"},
    "earlier": {"en": "earlier cases", "zh": "此前诉求"},
}

# main knob (field, min, max, step), en/zh title, en/zh one line; short names below
LEVERS: dict[str, dict] = {
    "whistle": {
        "knob": ("deadline_days", 1, 14, 1),
        "name": {"en": "Whistle, departments report", "zh": "吹哨报到"},
        "knob_label": {"en": "report deadline (days)", "zh": "报到时限(天)"},
        "line": {
            "en": "“街道吹哨、部门报到”: after a bounce the street office whistles and every "
            "department must report by the deadline.",
            "zh": "“街道吹哨、部门报到”:案件被推诿后街道吹哨,相关部门限期报到。",
        },
    },
    "workstation": {
        "knob": ("coordination", 0.0, 1.0, 0.05),
        "name": {"en": "Integrated workstation", "zh": "应急管理消防一体化工作站"},
        "knob_label": {"en": "coordination premium", "zh": "协同增益"},
        "line": {
            "en": "“一支队伍管执法”: market, urban, fire and emergency cases go to one team "
            "(one hand-off, pooled hours).",
            "zh": "“一支队伍管执法”:市场监管、城管、消防、应急一支队伍,一次转办,力量统筹。",
        },
    },
    "mediation": {
        "knob": ("sessions_per_day", 0.0, 30.0, 1.0),
        "name": {"en": "Governance centre: joint mediation (1+N)", "zh": "综治中心1+N联动调解"},
        "knob_label": {"en": "joint sessions / day / 10k households", "zh": "每日联调场次/万户"},
        "line": {
            "en": "“1+N”联动调解: one governance centre convenes justice, police, court and "
            "procuratorate at once; no bouncing.",
            "zh": "“1个综治中心统筹,司法、公安、法院、检察院等N个基层部门协同”,不再推诿。",
        },
    },
    "cadres": {
        "knob": ("per_grid", 0.0, 8.0, 0.5),
        "name": {"en": "Sunk-down cadres", "zh": "机关干部下沉/包小区"},
        "knob_label": {"en": "cadres per grid", "zh": "每网格干部数"},
        "line": {
            "en": "机关干部下沉, 包小区: cadres paired with grids act as probes (探头), visit "
            "homes and bridge to their home organ.",
            "zh": "“机关党组织联基层包小区”:干部当好“探头”、入户走访,打通派出部门。",
        },
    },
    "deliberation": {
        "knob": ("join", 0.0, 1.0, 0.05),
        "name": {"en": "Deliberation", "zh": "协商民主"},
        "knob_label": {"en": "chance a neighbour joins", "zh": "邻居参与概率"},
        "line": {
            "en": "协商民主 “开展协商讨论,实施民主决策”: collective cases are settled with "
            "those affected.",
            "zh": "“开展协商讨论,实施民主决策”:环境保护、基础设施等集体事项共同商定。",
        },
    },
    "social_forces": {
        "knob": ("hours_per_day", 0.0, 40.0, 1.0),
        "name": {"en": "Social forces (purchased services)", "zh": "社会力量:社会组织/驻区企业"},
        "knob_label": {"en": "hours / day / community", "zh": "每社区每日服务小时"},
        "line": {
            "en": "政府购买服务 “通过政府采购服务等方式履行社会责任”: extra hours for service "
            "cases.",
            "zh": "“通过政府采购服务等方式履行社会责任”:为服务类诉求增加力量。",
        },
    },
    "mobilisation": {
        "knob": ("online_detection", 0.0, 0.2, 0.01),
        "name": {"en": "Online groups + offline teams", "zh": "线上组群+线下编队"},
        "knob_label": {"en": "online detection / day", "zh": "线上发现概率/天"},
        "line": {
            "en": "“线上组群+线下编队”: online groups surface silent needs; volunteer teams "
            "take simple cases.",
            "zh": "“线上组群+线下编队”:群里发现沉默诉求,志愿者编队办理简单事项。",
        },
    },
    "paper_resolution": {
        "knob": ("rate", 0.0, 1.0, 0.05),
        "name": {"en": "Paper resolution", "zh": "管理信息失真"},
        "knob_label": {"en": "share reported solved", "zh": "虚报解决比例"},
        "line": {
            "en": "管理信息失真: unresolved cases reported upward as resolved (the big number "
            "stays true).",
            "zh": "“管理信息失真”:未解决的案件上报为已解决(大数字仍按真实结果)。",
        },
    },
    "campaign": {
        "knob": ("days", 1, 120, 1),
        "name": {"en": "Campaign", "zh": "运动型治理"},
        "knob_label": {"en": "campaign days", "zh": "运动天数"},
        "line": {
            "en": "运动型治理: one category (sanitation) jumps every queue for a while.",
            "zh": "“运动型治理”:一段时间内某类诉求(环境卫生)优先,挤占其他。",
        },
    },
    "persuasion": {
        "knob": ("rate", 0.0, 1.0, 0.05),
        "name": {"en": "Persuasion before the call-back", "zh": "回访前做工作"},
        "knob_label": {"en": "share persuaded", "zh": "被说服的比例"},
        "line": {
            "en": "做工作: staff work on residents before the call-back; reported "
            "satisfaction rises, true satisfaction and trust do not.",
            "zh": "“做工作”:回访前做居民工作,上报满意率上升,真实满意和信任不变。",
        },
    },
}

# A lever's short name is the label set's (one name per idea in figures and dashboard);
# its title above may say more but contains it.
for _name, _lever in LEVERS.items():
    _zh, _en = labels.LEVERS[_name]
    _lever["short"] = {"en": _en[0].lower() + _en[1:], "zh": _zh}

FAILURE_LEVERS = ("paper_resolution", "campaign", "persuasion")

SCENARIO_NAMES: dict[str, dict[str, str]] = {
    "classroom": {"en": "classroom street, solo (独角戏)", "zh": "课堂街道·独角戏"},
    "classroom_chorus": {"en": "classroom street, chorus (大合唱)", "zh": "课堂街道·大合唱"},
    "classroom_flood": {
        "en": "classroom street, solo, flood (战时)",
        "zh": "课堂街道·独角戏·汛情",
    },
    "classroom_chorus_flood": {
        "en": "classroom street, chorus, flood (战时)",
        "zh": "课堂街道·大合唱·汛情",
    },
    "solo": {"en": "solo act (独角戏)", "zh": "独角戏"},
    "chorus": {"en": "chorus (大合唱)", "zh": "大合唱"},
    "solo_flood": {"en": "solo act, flood (战时)", "zh": "独角戏·汛情"},
    "chorus_flood": {"en": "chorus, flood (战时)", "zh": "大合唱·汛情"},
}


def t(key: str, lang: str) -> str:
    """The label `key` in `lang` (falls back to English, then to the key)."""
    entry = LABELS.get(key)
    if entry is None:
        return key
    return entry[lang] if lang in entry else entry["en"]


def lever_text(name: str, what: str, lang: str) -> str:
    entry = LEVERS[name][what]
    return entry.get(lang) or entry["en"]


def scenario_label(name: str, lang: str) -> str:
    if name in SCENARIO_NAMES:
        return SCENARIO_NAMES[name][lang]
    if name in LEVERS:  # one file per lever: solo plus that lever
        short = LEVERS[name]["short"]
        if lang == "zh":
            return f"独角戏+{short['zh']}"
        return f"solo + {short['en']} ({short['zh']})"
    return name


def lever_short(name: str, lang: str) -> str:
    """A lever's short name: Chinese, with the English beside it in English."""
    short = LEVERS[name]["short"]
    return short["zh"] if lang == "zh" else f"{short['en']} ({short['zh']})"


def pick(entry: dict[str, str], lang: str) -> str:
    """One entry of a {en, zh} table in `lang`."""
    return entry.get(lang) or entry["en"]
