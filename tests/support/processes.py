"""Stopping the service processes a Python test started: SIGTERM to all, then SIGKILL to any
still running after the grace period."""
import subprocess


def stop_processes(procs, grace_s=5):
    """PROCS: an iterable of subprocess.Popen (or a dict of them)."""
    procs = list(procs.values()) if isinstance(procs, dict) else list(procs)
    for p in procs:
        if p.poll() is None:
            p.terminate()
    for p in procs:
        try:
            p.wait(timeout=grace_s)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
