"""Polling with a deadline, for the Python tests that start real services (tests/realnet/...)."""
import time


def wait_for(what, probe, seconds=20, every=0.2):
    """Calls probe() until it returns something true and returns that; AssertionError naming
    WHAT after SECONDS."""
    deadline = time.monotonic() + seconds
    while True:
        got = probe()
        if got:
            return got
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {seconds} s")
        time.sleep(every)
