"""The levers of 三(一)-三(三), one module each, and the two failure modes of 二(一).

A lever hooks into the day at named points (see `CoGovModel.hooks`):
`setup`, `detect`, `intake`, `meet`, `route`, `acceptance`, `priority`,
`report`; a helper at the grid desk joins the retry chain below. Only enabled
levers are built, in the fixed order below.
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
# this order, each once; a case one helper fails passes to the next, then to the
# grid worker, who escalates what it fails to the street office. The case's
# difficulty stays with it all along (sim/difficulty.py).
#   (lever, who closes the case, the category flag that lets them take it)
RETRY_CHAIN = (
    ("mobilisation", Closer.VOLUNTEERS, "volunteer"),  # 线下编队: unpaid, first
    ("social_forces", Closer.SOCIAL_FORCES, "service"),  # 政府购买服务: contracted
    ("cadres", Closer.CADRE, "grid_solvable"),  # 下沉干部: simple cases in their grid
)


def build_levers(model) -> list:
    levers = [
        cls(model, getattr(model.params.levers, name))
        for name, cls in ORDER
        if getattr(model.params.levers, name).enabled
    ]
    if model.params.emergency.enabled:
        levers.append(EmergencyShock(model, model.params.emergency))
    return levers
