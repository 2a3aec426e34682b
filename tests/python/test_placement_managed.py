"""Issue 24 in the placement of parts: `slsim report --place PART=lambda-managed` and
`--exclude PART=ecs-managed` on a small scenario; the mix's bill carries the managed platforms'
lines; a pin before the platform's launch is refused with the launch date."""

import json

import pytest

from slsimcli import run

SMALL = """
name = "small-managed"
seed = 7
as_of = {as_of}

[workload]
generator = "poisson"
function = "api"
invocation = "sync"
rate_per_s = 10
duration_s = 3600
duration_ms = "lognormal(median=80,p99=300)"
memory_mb = 512

[[workloads]]
generator = "poisson"
function = "worker"
invocation = "queue"
rate_per_s = 1
duration_s = 3600
duration_ms = "lognormal(median=500,p99=2000)"
memory_mb = 512

[report]
slo_p99_ms = 5000
max_error_rate = 0.01
platforms = ["lambda", "fargate", "lambda-managed", "ecs-managed"]

[report.objectives.worker]
slo_p99_ms = 60000
"""


def _scenario(tmp_path, as_of="2026-11-01"):
    path = tmp_path / "small.toml"
    path.write_text(SMALL.format(as_of=as_of))
    return str(path)


def test_a_part_pinned_to_lambda_managed_is_placed_and_billed_there(tmp_path):
    out = run("report", "--scenario", _scenario(tmp_path), "-q", "--format", "json",
              "--place", "api=lambda-managed", "--exclude", "worker=ecs-managed").stdout
    p = json.loads(out)["placement"]
    parts = {q["part"]: q for q in p["parts"]}
    assert parts["api"]["platform"] == "lambda-managed"
    assert parts["api"]["why"].startswith("placed here (pinned)")
    assert parts["worker"]["platform"] != "ecs-managed"
    assert p["joint"]
    # Its bill in the mix: the instances, and API Gateway for its HTTP requests (no ALB).
    mine = [li for li in p["line_items"] if li["platform"] == "lambda-managed"]
    names = [li["name"] for li in mine]
    assert any(n.startswith("EC2 ") for n in names), names
    assert "API Gateway HTTP API requests" in names
    assert not any(n.startswith("Application Load Balancer") for n in names)
    assert sum(li["monthly_usd"] for li in p["line_items"]) == pytest.approx(p["monthly_usd"])
    assert sum(q["monthly_usd"] for q in p["parts"]) == pytest.approx(p["monthly_usd"])
    # The table says where it went.
    table = run("report", "--scenario", _scenario(tmp_path), "-q",
                "--place", "api=lambda-managed", "--exclude", "worker=ecs-managed").stdout
    assert "api on lambda-managed" in table


def test_a_part_pinned_to_ecs_managed_is_behind_the_alb(tmp_path):
    out = run("report", "--scenario", _scenario(tmp_path), "-q", "--format", "json",
              "--place", "api=ecs-managed").stdout
    p = json.loads(out)["placement"]
    parts = {q["part"]: q for q in p["parts"]}
    assert parts["api"]["platform"] == "ecs-managed"
    lines = {(li["platform"], li["name"]) for li in p["line_items"]}
    assert ("ecs-managed", "Application Load Balancer hours") in lines
    assert sum(1 for (_, n) in lines if n == "Application Load Balancer hours") == 1


def test_a_pin_before_the_launch_is_refused_with_the_date(tmp_path):
    p = run("report", "--scenario", _scenario(tmp_path, "2025-06-01"), "-q",
            "--place", "api=lambda-managed", check=False)
    assert p.returncode == 2, p.stderr
    assert "--place: part 'api' is placed on lambda-managed, which cannot run it" in p.stderr
    assert "launched on 2025-11-30" in p.stderr


def test_an_unknown_platform_lists_the_managed_ones(tmp_path):
    p = run("report", "--scenario", _scenario(tmp_path), "-q", "--place", "api=k8s",
            check=False)
    assert p.returncode == 2
    assert "lambda-managed, ecs-managed" in p.stderr
