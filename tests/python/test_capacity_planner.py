"""examples/capacity_planner builds against the INSTALLED slsim package (find_package) and
picks the cheapest size meeting a p99 objective."""

import os
import subprocess
from pathlib import Path

CLI = os.environ.get("SLSIM_CLI", "build/bin/slsim")
SRC = Path(os.environ.get("SLSIM_SOURCE_DIR", "."))


def sh(*args):
    p = subprocess.run([*args], capture_output=True, text=True)
    assert p.returncode == 0, f"{' '.join(map(str, args))} failed: {p.stdout}\n{p.stderr}"
    return p.stdout


def test_capacity_planner_from_installed_package(tmp_path):
    build_dir = Path(CLI).resolve().parents[1]
    prefix = tmp_path / "prefix"
    sh("cmake", "--install", str(build_dir), "--prefix", str(prefix))
    sh("cmake", "-S", str(SRC / "examples/capacity_planner"), "-B", str(tmp_path / "build"),
       "-G", "Ninja", "-DCMAKE_BUILD_TYPE=Release", f"-DCMAKE_PREFIX_PATH={prefix}")
    sh("cmake", "--build", str(tmp_path / "build"))
    out = sh(str(tmp_path / "build/capacity_planner"), "--slo-p99-ms", "1500")
    assert "choice: AWS Lambda" in out
    # Every candidate is listed with its monthly cost and p99.
    assert out.count("$") >= 6
