"""`python -m sim.dashboard [--host H] [--port P]`: same as `cogov dashboard`."""

import sys

from sim.dashboard.cli import main

sys.exit(main())
