"""Waiting for another process (a server starting, a worker working): poll a condition, never sleep blindly."""

import socket
import time

POLL_INTERVAL = 0.05


def wait_until(condition, what, seconds=30):
    """Poll `condition()` until it is true; fail naming `what` after `seconds`."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting: {what}"
        time.sleep(POLL_INTERVAL)


def port_open(port, host="127.0.0.1"):
    """Tell whether something listens on a loopback port."""
    with socket.socket() as probe:
        probe.settimeout(0.2)
        return probe.connect_ex((host, port)) == 0
