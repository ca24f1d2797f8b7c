"""Free TCP ports for the servers the tests start.

A port found by binding to port 0 comes from the kernel's ephemeral range, the same range every other socket that
binds to 0 (or connects out) draws from. Between finding it and the server binding it, a test in another worker may
be handed the same port. So the ports handed out here lie below the ephemeral range, where nobody is given a port
by the kernel, and each pytest-xdist worker draws from its own slice of it.
"""

from __future__ import annotations

import os
import random
import socket
from pathlib import Path

_FIRST = 10_000
_SLICE = 2_000
_handed_out: set[int] = set()


def _ephemeral_low() -> int:
    try:
        return int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 32_768


def _slice() -> range:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw")
    index = int(worker) if worker.isdigit() else 0
    slices = max(1, (_ephemeral_low() - _FIRST) // _SLICE)
    start = _FIRST + (index % slices) * _SLICE
    return range(start, start + _SLICE)


def free_port() -> int:
    """A port on 127.0.0.1 that is free now, outside the ephemeral range, and not handed out before in this process."""
    candidates = [p for p in _slice() if p not in _handed_out]
    random.shuffle(candidates)
    for port in candidates:
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
        _handed_out.add(port)
        return port
    raise RuntimeError(f"no free port in {_slice()}")
