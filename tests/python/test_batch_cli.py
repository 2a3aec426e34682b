"""slsim simulate --platform batch: bad flag values are refused naming the flag (no slsim module
needed: these run the CLI only)."""

import os
import subprocess
from pathlib import Path

import pytest

CLI = os.environ.get("SLSIM_CLI", "build/bin/slsim")
SRC = Path(os.environ.get("SLSIM_SOURCE_DIR", "."))
TRACE = SRC / "examples/batch_nightly.csv"
BASE = ["simulate", str(TRACE), "--platform", "batch", "--as-of", "2026-11-01",
        "--instance-type", "c5.xlarge", "--format", "json"]


def run(*args):
    return subprocess.run([CLI, *BASE, *args], capture_output=True, text=True)


@pytest.mark.parametrize("flag,value", [
    ("--timeout-s", "-5"),
    ("--error-probability", "-0.5"),
    ("--spot-interruptions-per-hour", "-5"),
    ("--job-vcpu", "4294968"),
    ("--max-vcpus", "1e12"),
    ("--scale-down-delay-s", "1e300"),
])
def test_a_bad_value_is_refused_naming_the_flag(flag, value):
    p = run(flag, value)
    assert p.returncode == 2, p.stdout[:200]
    assert flag in p.stderr


def test_min_vcpus_alone_is_accepted_and_max_below_min_names_max():
    p = run("--min-vcpus", "4")
    assert p.returncode == 0, p.stderr
    p = run("--min-vcpus", "16", "--max-vcpus", "8")
    assert p.returncode == 2
    # the error came from a flag: its message names the other setting as a flag too (C4)
    assert "--max-vcpus" in p.stderr and "--min-vcpus (16)" in p.stderr
