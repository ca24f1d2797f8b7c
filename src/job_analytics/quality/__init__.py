"""The quality gate: Great Expectations suites over the gold candidate (``suites``) and the stage (``gate``).

Nothing here imports Great Expectations at import time; the suites and the gate do, when they run.
"""

import logging

# GX logs each of its API registrations at INFO while it imports (dozens of lines per task log); keep its
# warnings and errors only.
logging.getLogger("great_expectations").setLevel(logging.WARNING)
