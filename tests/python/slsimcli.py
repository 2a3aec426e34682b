"""The slsim command under test, shared by the CLI tests (not a test file itself)."""

import os
import subprocess

CLI = os.environ.get("SLSIM_CLI", "build/bin/slsim")


def run(*args, check=True):
    """Runs `slsim ARGS`; with check, a non-zero exit fails the test with slsim's stderr."""
    p = subprocess.run([CLI, *args], capture_output=True, text=True)
    if check and p.returncode != 0:
        raise AssertionError(f"slsim {' '.join(args)} failed ({p.returncode}): {p.stderr}")
    return p
