"""独角戏 (solo) and 大合唱 (chorus): the same model, different lever settings."""

from sim.params import Scenario

CHORUS_LEVERS = (
    "whistle",  # 吹哨报到
    "workstation",  # 一支队伍管执法
    "mediation",  # "1+N" 联动调解
    "cadres",  # 机关干部下沉
    "deliberation",  # 协商民主
    "social_forces",  # 社会组织 / 驻区企业
    "mobilisation",  # 线上组群+线下编队
)


def solo(**overrides) -> Scenario:
    """独角戏: the street office and its grid workers alone; every lever off."""
    return Scenario(
        name="solo", description="独角戏: street office and grid workers alone", **overrides
    )


def chorus(**overrides) -> Scenario:
    """大合唱: solo with every lever of 三(一)-三(三) switched on."""
    base = solo(**overrides).with_levers(**dict.fromkeys(CHORUS_LEVERS, True))
    return base.model_copy(update={"name": "chorus", "description": "大合唱: every lever on"})
