"""The quality gate: Great Expectations suites over the gold candidate (``suites``) and the stage (``gate``).

Nothing here imports Great Expectations at import time; the suites and the gate do, when they run. ``where``
is shared with the notifications, which name a failed expectation's place the same way.
"""

import logging

# GX logs each of its API registrations at INFO while it imports (dozens of lines per task log); keep its
# warnings and errors only.
logging.getLogger("great_expectations").setLevel(logging.WARNING)


def where(failure: dict) -> str:
    """Where a failed expectation looked: ``table.column``, ``table (column_a, column_b)`` or ``table``.

    ``failure`` is one of the gate's failure records (``table``, ``column``); a part it lacks is left out.
    """
    table, column = failure.get("table"), failure.get("column")
    if not column:
        return table or "table"
    if not table:
        return column
    return f"{table} ({column})" if "," in column else f"{table}.{column}"
