"""``python -m conformance``: the conformance run and its reports (see conformance/run.py)."""

from __future__ import annotations

import sys

from conformance.run import main

sys.exit(main())
