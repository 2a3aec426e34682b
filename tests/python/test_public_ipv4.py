"""Issue 19 #15: public IPv4 addresses ($0.005 per IP-hour from 2024-02-01,
https://aws.amazon.com/vpc/pricing/) on the bill: the load balancer's, one per Availability Zone
(alb_availability_zones, default 2), and a Fargate task's or EC2 instance's when given one
(assign_public_ip / associate_public_ip, default on: public subnets, test_network_review.py). The same settings and the same refusals
from a scenario file, a CLI flag and a Python keyword."""

import json
import os
import subprocess

import pytest

import slsim

CLI = os.environ.get("SLSIM_CLI", "build/bin/slsim")


@pytest.fixture(scope="module")
def wl():
    return slsim.Workload.poisson(rate_per_s=0.2, duration_s=86_400, duration_ms=100, seed=3)


def ipv4_lines(comparison, platform):
    items = comparison.summary()["platforms"][platform]["cost"]["line_items"]
    return {i["name"]: i for i in items if i["name"].startswith("Public IPv4")}


def test_python_alb_zones(wl):
    c = slsim.compare(wl, [slsim.Fargate(tasks=1)], as_of="2026-11-01", alb_availability_zones=3)
    lines = ipv4_lines(c, "fargate")
    line = lines["Public IPv4 addresses (load balancer, 3 zones)"]
    assert line["monthly_usd"] == pytest.approx(10.95)
    assert line["quantity"] == pytest.approx(72)
    with pytest.raises(ValueError, match="alb_availability_zones"):
        slsim.compare(wl, [slsim.Fargate(tasks=1)], as_of="2026-11-01", alb_availability_zones=1)


def test_python_task_public_ip(wl):
    c = slsim.compare(wl, [slsim.Fargate(tasks=1, assign_public_ip=True)], as_of="2026-11-01")
    line = ipv4_lines(c, "fargate")["Public IPv4 addresses (Fargate tasks)"]
    assert line["monthly_usd"] == pytest.approx(3.65)
    c = slsim.compare(wl, [slsim.Fargate(tasks=1, assign_public_ip=False)], as_of="2026-11-01")
    assert "Public IPv4 addresses (Fargate tasks)" not in ipv4_lines(c, "fargate")


def write_trace(tmp_path):
    p = tmp_path / "t.csv"
    rows = ["arrival_s,function,duration_ms"] + [f"{i * 60},api,100" for i in range(60)]
    p.write_text("\n".join(rows) + "\n")
    return str(p)


def test_cli_flag_and_scenario_key(tmp_path):
    trace = write_trace(tmp_path)
    out = subprocess.run([CLI, "report", trace, "--platforms", "fargate", "--as-of", "2026-11-01",
                          "--alb-availability-zones", "3", "--format", "json", "-q"],
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    j = json.loads(out.stdout)
    names = [i["name"] for i in j["platforms"]["fargate"]["cost"]["line_items"]]
    assert "Public IPv4 addresses (load balancer, 3 zones)" in names
    bad = subprocess.run([CLI, "report", trace, "--platforms", "fargate", "--alb-availability-zones", "1", "-q"],
                         capture_output=True, text=True)
    assert bad.returncode != 0
    assert "--alb-availability-zones" in bad.stderr
    sc = tmp_path / "s.toml"
    sc.write_text(f'[workload]\ntrace = "{trace}"\n[report]\nplatforms = ["fargate"]\n'
                  'alb_availability_zones = 1\n')
    bad = subprocess.run([CLI, "report", "-s", str(sc), "-q"], capture_output=True, text=True)
    assert bad.returncode != 0
    assert "alb_availability_zones" in bad.stderr
