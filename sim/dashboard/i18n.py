"""Every label of the dashboard in English and 中文 (glossary names of MODEL.md).

Lever lines quote the article's own phrase; 吹哨报到 quotes the Beijing slogan
the article's reforms follow ("街道吹哨、部门报到").
"""

from __future__ import annotations

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
    "state_dissatisfied": {"en": "recently dissatisfied / lost", "zh": "近期不满意/丢失"},
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
}

# name, main knob (field, min, max, step), en/zh name, en/zh one line
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
        "name": {"en": "Governance centre: 1+N mediation", "zh": "综治中心“1+N”联动调解"},
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
        "name": {"en": "Social forces (purchased services)", "zh": "社会组织/驻区企业"},
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
}

FAILURE_LEVERS = ("paper_resolution", "campaign")

SCENARIO_NAMES: dict[str, dict[str, str]] = {
    "classroom": {"en": "classroom (solo)", "zh": "课堂街道(独角戏)"},
    "classroom_chorus": {"en": "classroom (chorus)", "zh": "课堂街道(大合唱)"},
    "solo": {"en": "solo act", "zh": "独角戏"},
    "chorus": {"en": "chorus", "zh": "大合唱"},
    "solo_flood": {"en": "solo act, flood", "zh": "独角戏·汛情"},
    "chorus_flood": {"en": "chorus, flood", "zh": "大合唱·汛情"},
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
        return f"{lever_text(name, 'name', lang)} ({'+1' if lang == 'en' else '单项'})"
    return name
