"""The levers of 三(一)-三(三), one module each, the two failure modes of 二(一)
(paper resolution, campaign) and the emergency shock (平时 / 战时).

Each module holds a small class, built only when its lever is enabled (its
`setup`, if any, adds agents, a unit, routes or arrays), and compiled kernels
(`route`, `detect`, `apply`, `meet`, ...). There are no hooks to register: the
day's phases (`sim/day.py`) call those kernels at fixed points, reading the
lever's switches, knobs and strength today from `day.Levers`, so where each
lever acts is written once, in the phases (docs/model.md §7.20). A lever that
is off is never built and its kernels are not called (the morning setters of
`begin_day` run every day and leave it without effect), so it draws nothing.
Levers are built in the order of `ORDER`; the helpers at the grid desk try
cases in the order of `RETRY_CHAIN`.
"""

from sim.cases import Closer
from sim.levers.cadres import CadresLever
from sim.levers.campaign import CampaignLever
from sim.levers.deliberation import DeliberationLever
from sim.levers.emergency import EmergencyShock
from sim.levers.mediation import MediationLever
from sim.levers.mobilisation import MobilisationLever
from sim.levers.paper_resolution import PaperResolutionLever
from sim.levers.social_forces import SocialForcesLever
from sim.levers.whistle import WhistleLever
from sim.levers.workstation import WorkstationLever

# Order matters only where levers meet: the workstation pools capacity before
# cadres draw on it; 1+N mediation claims disputes before the whistle blows.
ORDER = (
    ("workstation", WorkstationLever),
    ("mediation", MediationLever),
    ("whistle", WhistleLever),
    ("mobilisation", MobilisationLever),
    ("social_forces", SocialForcesLever),
    ("cadres", CadresLever),
    ("deliberation", DeliberationLever),
    ("paper_resolution", PaperResolutionLever),
    ("campaign", CampaignLever),
)


# The retry chain at the grid desk: who tries a simple (grid-solvable) case, in
# this order; each case meets at most one helper, and one the helper fails goes to the
# grid worker, who escalates what it fails to the street office. The case's
# difficulty stays with it all along (sim/difficulty.py).
#   (lever, who closes the case, the category flag that lets them take it)
RETRY_CHAIN = (
    ("mobilisation", Closer.VOLUNTEERS, "volunteer"),  # 线下编队: unpaid, first
    ("social_forces", Closer.SOCIAL_FORCES, "service"),  # 政府购买服务: contracted
    ("cadres", Closer.CADRE, "grid_solvable"),  # 下沉干部: simple cases in their grid
)


def build_levers(model) -> list:
    """The enabled levers' objects in `ORDER`, and the emergency shock last when it is on;
    the model runs their `setup` in this order, so the workstation's unit exists before
    the cadres are paired (their bridge reaches it)."""
    levers = [
        cls(model, getattr(model.params.levers, name))
        for name, cls in ORDER
        if getattr(model.params.levers, name).enabled
    ]
    if model.params.emergency.enabled:
        levers.append(EmergencyShock(model, model.params.emergency))
    return levers
