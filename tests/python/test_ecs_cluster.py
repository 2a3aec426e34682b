"""ECS on EC2: placement across Availability Zones and burstable CPU credits through the
three front ends (Python keywords, CLI flags, scenario keys). docs/models.md, "ECS on EC2"."""

import json
from pathlib import Path

import pytest

import slsim

from slsimcli import CLI, run


def trace(tmp_path: Path) -> Path:
    t = tmp_path / "t.csv"
    t.write_text("arrival_s,function,duration_ms\n1,api,100\n")
    return t


def test_python_keywords_spread_by_default_binpack_on_request():
    wl = slsim.Workload.poisson(rate_per_s=1, duration_s=60, duration_ms=50, seed=1)
    kw = dict(instance_type="m5.large", vcpu=0.25, memory_gb=0.5, tasks=3)
    # Managed scaling counts instances by binpack whatever the placement (ECS guide, "Amazon
    # ECS managed scaling behavior"): 3 small tasks share one m5.large; spread only ranks the
    # instances that exist (tests/cpp/containers/cluster_scaling_test.cpp).
    spread = slsim.simulate(wl, slsim.Ecs(**kw), as_of="2026-11-01").summary()
    assert spread["hosts"]["max"] == 1
    packed = slsim.simulate(wl, slsim.Ecs(placement="binpack", **kw),
                            as_of="2026-11-01").summary()
    assert packed["hosts"]["max"] == 1
    two = slsim.simulate(wl, slsim.Ecs(availability_zones=2, **kw), as_of="2026-11-01").summary()
    assert two["hosts"]["max"] == 1
    three = slsim.simulate(wl, slsim.Ecs(min_instances=3, **kw), as_of="2026-11-01").summary()
    assert three["hosts"]["max"] == 3
    with pytest.raises(ValueError, match="placement"):
        slsim.Ecs(placement="random")
    with pytest.raises(ValueError, match="availability_zones"):
        slsim.Ecs(availability_zones=9)
    with pytest.raises(ValueError, match="cpu_credits"):
        slsim.Ecs(cpu_credits="turbo")


def test_cli_flags_and_scenario_keys(tmp_path):
    t = trace(tmp_path)
    args = ["simulate", str(t), "--platform", "ecs", "--vcpu", "0.25", "--memory-gb", "0.5",
            "--tasks", "3", "--as-of", "2026-11-01", "--format", "json"]
    assert json.loads(run(*args).stdout)["hosts"]["max"] == 1
    assert json.loads(run(*args, "--min-instances", "3").stdout)["hosts"]["max"] == 3
    assert json.loads(run(*args, "--placement", "binpack").stdout)["hosts"]["max"] == 1
    p = run(*args, "--placement", "random", check=False)
    assert p.returncode == 2 and "--placement" in p.stderr and "binpack" in p.stderr
    sc = tmp_path / "s.toml"
    sc.write_text('as_of = 2026-11-01\n[workload]\ntrace = "t.csv"\n'
                  '[ecs]\nvcpu = 0.25\nmemory_gb = 0.5\ntasks = 3\nplacement = "binpack"\n')
    out = json.loads(run("simulate", "--scenario", str(sc), "--platform", "ecs",
                         "--format", "json").stdout)
    assert out["hosts"]["max"] == 1
    sc.write_text('as_of = 2026-11-01\n[workload]\ntrace = "t.csv"\n'
                  '[ecs]\nvcpu = 0.25\nmemory_gb = 0.5\ntasks = 3\nplacement = "pack"\n')
    p = run("simulate", "--scenario", str(sc), "--platform", "ecs", check=False)
    assert p.returncode == 2 and "placement" in p.stderr


def test_unlimited_t3_bills_surplus_cpu_credits():
    # An hour at 1.9 of 2 vCPUs on a t3.medium (0.4 earned): 1.5 vCPU-hours owed at the end,
    # $0.05 each. docs/models.md, "ECS on EC2".
    wl = slsim.Workload.from_arrays(arrival_s=[float(i) for i in range(3600)],
                                    duration_ms=[1900.0] * 3600)
    ecs = slsim.Ecs(instance_type="t3.medium", vcpu=2, memory_gb=3, tasks=1, concurrency=8,
                    cpu_bound_fraction=1, cpu_credits="unlimited",
                    reference_memory_mb=3538)  # measured at 2 vCPUs: 1,900 ms on the task
    s = slsim.simulate(wl, ecs, as_of="2026-11-01").summary()
    lines = [li for li in s["cost"]["line_items"] if "CPU credits" in li["name"]]
    assert len(lines) == 1
    assert lines[0]["quantity"] == pytest.approx(1.5, abs=0.05)
    assert lines[0]["usd"] == pytest.approx(0.075, abs=0.01)
