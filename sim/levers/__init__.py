"""The levers of 三(一)-三(三), one module each, and the two failure modes of 二(一).

A lever hooks into the day at named points (see `CoGovModel.hooks`):
`setup`, `detect`, `intake`, `settle`, `route`, `acceptance`, `priority`,
`report`. Only enabled levers are built, in the fixed order below.
"""

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


def build_levers(model) -> list:
    levers = [
        cls(model, getattr(model.params.levers, name))
        for name, cls in ORDER
        if getattr(model.params.levers, name).enabled
    ]
    if model.params.emergency.enabled:
        levers.append(EmergencyShock(model, model.params.emergency))
    return levers
