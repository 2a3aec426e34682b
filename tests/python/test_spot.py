"""Issue 19 items 13-14: Fargate Spot on arm64 from its launch (2024-09-06); Spot discounts
default to a typical figure, with AWS's ceiling as the limit of the setting (all front ends)."""

import os
import subprocess
from pathlib import Path

import pytest

import slsim

CLI = os.environ.get("SLSIM_CLI", "build/bin/slsim")
SRC = Path(os.environ.get("SLSIM_SOURCE_DIR", "."))


def run(*args):
    return subprocess.run([CLI, *args], capture_output=True, text=True)


def test_price_fargate_arm64_spot_refused_before_launch():
    r = run("price", "fargate", "--vcpu", "1", "--memory-gb", "2", "--arch", "arm64", "--spot",
            "--as-of", "2024-01-01")
    assert r.returncode != 0
    assert "arm64" in r.stderr and "2024-09-06" in r.stderr
    ok = run("price", "fargate", "--vcpu", "1", "--memory-gb", "2", "--arch", "arm64", "--spot",
             "--as-of", "2024-09-06")
    assert ok.returncode == 0, ok.stderr
    with pytest.raises(ValueError, match="2024-09-06"):
        slsim.price_fargate(vcpu=1, memory_gb=2, arch="arm64", spot=True, as_of="2023-01-01")


def test_fargate_arm64_spot_service_refused_before_launch():
    with pytest.raises(ValueError, match=r"spot.*2024-09-06"):
        slsim.simulate(slsim.Workload.poisson(rate_per_s=1, duration_s=60),
                       slsim.Fargate(arch="arm64", spot=True), as_of="2023-06-01")


def test_default_spot_discount_is_typical_not_the_ceiling():
    b = slsim.price_fargate(vcpu=0.25, memory_gb=1, tasks=300, task_seconds=3600, spot=True,
                            as_of="2026-11-01")
    assert "Fargate Spot discount (67.04%)" in [i["name"] for i in b.line_items]
    e = slsim.price_ec2(instance_type="m5.large", hours=730, spot=True, as_of="2026-11-01")
    assert "EC2 Spot discount on m5.large (64%)" in [i["name"] for i in e.line_items]
    # The ceiling is a setting.
    c = slsim.price_fargate(vcpu=0.25, memory_gb=1, spot=True, spot_discount_pct=70,
                            as_of="2026-11-01")
    assert "Fargate Spot discount (70%)" in [i["name"] for i in c.line_items]


def test_spot_discount_above_ceiling_refused_everywhere(tmp_path):
    r = run("price", "fargate", "--vcpu", "1", "--memory-gb", "2", "--spot",
            "--spot-discount-pct", "80")
    assert r.returncode != 0 and "--spot-discount-pct" in r.stderr and "70" in r.stderr
    r = run("price", "ec2", "--instance-type", "m5.large", "--spot", "--spot-discount-pct", "95")
    assert r.returncode != 0 and "--spot-discount-pct" in r.stderr and "90" in r.stderr
    with pytest.raises(ValueError, match="spot_discount_pct"):
        slsim.price_fargate(vcpu=1, memory_gb=2, spot=True, spot_discount_pct=80)
    with pytest.raises(ValueError, match="spot_discount_pct"):
        slsim.Fargate(spot=True, spot_discount_pct=80)
    sc = tmp_path / "s.toml"
    sc.write_text('as_of = 2026-11-01\n[workload]\ngenerator = "poisson"\nduration_s = 60\n'
                  '[fargate]\nspot = true\nspot_discount_pct = 80\n')
    r = run("simulate", "--platform", "fargate", "--scenario", str(sc))
    assert r.returncode != 0 and "spot_discount_pct" in r.stderr and "70" in r.stderr


def test_spot_discount_without_spot_refused():
    r = run("price", "fargate", "--vcpu", "1", "--memory-gb", "2", "--spot-discount-pct", "50")
    assert r.returncode != 0 and "--spot-discount-pct" in r.stderr and "Spot" in r.stderr
    r = run("price", "ec2", "--instance-type", "m5.large", "--spot-discount-pct", "50")
    assert r.returncode != 0 and "--spot-discount-pct" in r.stderr
    with pytest.raises(ValueError, match="spot_discount_pct"):
        slsim.price_ec2(instance_type="m5.large", spot_discount_pct=50)
    with pytest.raises(ValueError, match="spot_discount_pct"):
        slsim.Fargate(spot_discount_pct=50)


def test_spot_discount_setting_reaches_the_bill(tmp_path):
    wl = slsim.Workload.poisson(rate_per_s=2, duration_s=600)
    res = slsim.simulate(wl, slsim.Fargate(spot=True, spot_discount_pct=50), as_of="2026-11-01")
    names = [i["name"] for i in res.bill.line_items]
    assert "Fargate Spot discount (50%)" in names
    sc = tmp_path / "s.toml"
    sc.write_text('as_of = 2026-11-01\n[workload]\ngenerator = "poisson"\nrate_per_s = 2\n'
                  'duration_s = 600\n')
    r = run("simulate", "--platform", "fargate", "--scenario", str(sc), "--spot",
            "--spot-discount-pct", "50", "--format", "csv")
    assert r.returncode == 0, r.stderr
    assert "Fargate Spot discount (50%)" in r.stdout
