"""Issue 19 item 1: a bare trace (no [fargate]/[ecs] table) gets container services sized from
the trace, so ECS and Fargate serve a steady API and the recommendation follows cost."""

import json
import os
import subprocess

import pytest

import slsim

CLI = os.environ.get("SLSIM_CLI", "build/bin/slsim")


def mean(figure):
    """A figure of the report's JSON: a number with one replication, {mean, ...} with more."""
    return figure["mean"] if isinstance(figure, dict) else figure


def run(*args):
    return subprocess.run([CLI, *args], capture_output=True, text=True, check=True)


@pytest.mark.parametrize("rate", [20, 300])
def test_bare_trace_report_meets_the_objectives_on_containers(tmp_path, rate):
    trace = tmp_path / f"api{rate}.csv"
    run("generate", "--rate-per-s", str(rate), "--duration-s", "600", "--duration-ms", "200",
        "--seed", "5", "-o", str(trace))
    out = json.loads(run("report", str(trace), "--slo-p99-ms", "2500", "--format", "json").stdout)
    plats = out["platforms"]
    for name in ("ecs", "fargate"):
        p = plats[name]
        assert "sized from the trace" in p["label"]
        f = p["figures"]
        assert mean(f["p99_ms"]) <= 2500
        assert mean(f["error_rate"]) < 0.01
    # The recommendation is the cheapest platform that qualifies.
    won = out["recommendation"]["platform"]
    assert won in ("lambda", "ecs", "fargate")
    monthly = {n: mean(p["figures"]["monthly_usd"]) for n, p in plats.items()
               if "impossible" not in p and mean(p["figures"]["error_rate"]) < 0.01
               and mean(p["figures"]["p99_ms"]) <= 2500}
    assert monthly[won] == min(monthly.values())


def test_simulate_prints_the_sizing_and_python_defaults_are_sized(tmp_path):
    trace = tmp_path / "api.csv"
    run("generate", "--rate-per-s", "50", "--duration-s", "300", "--duration-ms", "200",
        "-o", str(trace))
    out = run("simulate", "--platform", "fargate", str(trace)).stdout
    assert "sized from the trace" in out and "at 70% CPU" in out
    r = slsim.simulate(slsim.Workload.from_csv(str(trace)), slsim.Fargate())
    assert any("sized from the trace" in n for n in r.notes)
    inv = r.summary()["invocations"]
    assert inv["refused"] + inv["timed_out"] + inv["failed"] < 0.01 * inv["arrived"]


def test_python_compare_default_container_objects_are_sized(tmp_path):
    trace = tmp_path / "api.csv"
    run("generate", "--rate-per-s", "100", "--duration-s", "300", "--duration-ms", "200",
        "-o", str(trace))
    c = slsim.compare(slsim.Workload.from_csv(str(trace)),
                      [slsim.Lambda(), slsim.Fargate(), slsim.Ecs()])
    labels = list(c.to_pandas()["label"])
    assert sum("sized from the trace" in label for label in labels) == 2
    assert c.recommendation in ("fargate", "ecs")  # Lambda costs more at 100 req/s
