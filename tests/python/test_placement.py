"""The placement of parts (issue 20) from the CLI and Python: the same figures, the JSON shape,
bad pins."""

import json
import os
from pathlib import Path

import pytest

import slsim

from slsimcli import run

SRC = Path(os.environ.get("SLSIM_SOURCE_DIR", Path(__file__).resolve().parents[2]))
DEFAULT = str(SRC / "examples/default.toml")


@pytest.fixture(scope="module")
def cli_json():
    return json.loads(run("report", "--scenario", DEFAULT, "--format", "json", "-q").stdout)


def test_the_default_report_places_each_part(cli_json):
    p = cli_json["placement"]
    assert set(p) >= {"parts", "monthly_usd", "line_items", "best_single", "exact", "summary"}
    parts = {q["part"]: q for q in p["parts"]}
    assert set(parts) == {"api", "orders-consumer", "nightly-report"}
    for q in parts.values():
        assert set(q) == {"part", "functions", "platform", "monthly_usd", "p99_ms",
                          "slo_p99_ms", "meets_objectives", "why"}
        assert q["meets_objectives"], q
    assert parts["nightly-report"]["platform"] != "lambda"  # 40 minutes: Lambda cannot run it
    assert parts["api"]["platform"] != "batch"  # synchronous: Batch cannot serve it
    # The mix's total is its bill, and never above the best single platform.
    assert sum(li["monthly_usd"] for li in p["line_items"]) == pytest.approx(p["monthly_usd"])
    assert sum(q["monthly_usd"] for q in p["parts"]) == pytest.approx(p["monthly_usd"])
    best = p["best_single"]
    assert best["platform"] == cli_json["recommendation"]["platform"]
    assert p["monthly_usd"] <= best["monthly_usd"]


def test_python_from_a_scenario_equals_the_cli(cli_json):
    c = slsim.compare(scenario=DEFAULT)
    assert c.recommendation == cli_json["recommendation"]["platform"]
    assert c.placement.to_dict() == cli_json["placement"]
    df = c.placement.to_pandas()
    assert list(df["part"]) == [q["part"] for q in cli_json["placement"]["parts"]]
    assert "Placement" in repr(c.placement)


def test_the_report_table_has_the_section_after_the_side_by_side_table():
    out = run("report", "--scenario", DEFAULT, "-q").stdout
    assert out.index("Side by side") < out.index("Placement: the best platform for each part")
    # The mix wins on the default scenario: it is the recommendation, the best single platform
    # follows it.
    rec = out[out.index("Recommendation"):]
    assert rec.splitlines()[1].startswith("a mix of platforms: api on")
    assert rec.splitlines()[2].startswith("best single platform: fargate")
    assert "Placement" not in run("report", "--scenario", DEFAULT, "-q",
                                  "--no-placement").stdout


def test_a_pin_that_cannot_run_is_refused_with_the_reason():
    p = run("report", "--scenario", DEFAULT, "-q", "--place", "nightly-report=lambda",
            check=False)
    assert p.returncode == 2, p.stderr
    assert "--place: part 'nightly-report' is placed on lambda, which cannot run it" in p.stderr
    assert "900 s" in p.stderr
    p = run("report", "--scenario", DEFAULT, "-q", "--no-placement", "--place", "api=fargate")
    assert "--place and --exclude have no effect with --no-placement" in p.stderr


def test_compare_scenario_arguments_are_checked():
    with pytest.raises(TypeError, match="scenario"):
        slsim.compare(slsim.Workload.poisson(rate_per_s=1, duration_s=60), scenario=DEFAULT)
    with pytest.raises(TypeError, match="scenario=FILE"):
        slsim.compare()
    with pytest.raises(ValueError, match="nosuch.toml"):
        slsim.compare(scenario="nosuch.toml")


def test_each_part_shows_its_own_p99_objective(cli_json):
    parts = {q["part"]: q for q in cli_json["placement"]["parts"]}
    # examples/default.toml: [report.objectives.PART] slo_p99_ms
    assert parts["api"]["slo_p99_ms"] == 2500
    assert parts["orders-consumer"]["slo_p99_ms"] == 30000
    assert parts["nightly-report"]["slo_p99_ms"] == 3600000
    for q in parts.values():
        assert q["p99_ms"] <= q["slo_p99_ms"]
    p = cli_json["placement"]
    assert p["recommended"] and p["joint"]
    assert p["saving_usd"] == pytest.approx(p["best_single"]["monthly_usd"] - p["monthly_usd"])


def _price(*args):
    out = json.loads(run("price", *args, "--as-of", "2026-11-01", "--format", "json").stdout)
    return {li["name"]: li for li in out["line_items"]}


def test_the_mix_bill_equals_slsim_price_of_its_recorded_usage(cli_json):
    """Issue 20: the joint run's compute lines, priced again by `slsim price` from the
    quantities the run recorded, give the same amounts to the cent."""
    lines = {(li["platform"], li["name"]): li for li in cli_json["placement"]["line_items"]}
    by_platform = {li["platform"] for li in cli_json["placement"]["line_items"]}
    checked = 0
    if "lambda" in by_platform:
        # GB-s priced at 1 GB: N one-millisecond invocations of 1,024 MB are N/1000 GB-s.
        d = lines[("lambda", "Lambda duration (x86_64)")]
        ms = round(d["quantity"] * 1000)
        priced = _price("lambda", "--memory-mb", "1024", "--requests", str(ms),
                        "--duration-ms", "1", "--no-free-tier")
        assert priced["Lambda duration (x86_64)"]["usd"] == round(d["usd"], 2)
        r = lines[("lambda", "Lambda requests")]
        priced = _price("lambda", "--memory-mb", "128", "--requests", str(int(r["quantity"])),
                        "--duration-ms", "1", "--no-free-tier")
        assert priced["Lambda requests"]["usd"] == round(r["usd"], 2)
        checked += 2
    if "fargate" in by_platform:
        v = lines[("fargate", "Fargate vCPU (x86_64)")]
        m = lines[("fargate", "Fargate memory (x86_64)")]
        assert m["quantity"] == pytest.approx(2 * v["quantity"])  # 1 vCPU / 2 GB tasks
        priced = _price("fargate", "--vcpu", "1", "--memory-gb", "2", "--tasks", "1",
                        "--task-seconds", str(v["quantity"] * 3600))
        assert priced["Fargate vCPU (x86_64)"]["usd"] == round(v["usd"], 2)
        assert priced["Fargate memory (x86_64)"]["usd"] == round(m["usd"], 2)
        checked += 2
    for (platform, name), li in lines.items():
        # EC2 instances: Batch's, and those of the platforms on EC2 (the managed ones included).
        if platform in ("batch", "ecs", "ecs-managed", "lambda-managed") and \
                name.startswith("EC2 "):
            itype = name.split()[1]
            priced = _price("ec2", "--instance-type", itype, "--hours", str(li["quantity"]))
            assert priced[name]["usd"] == round(li["usd"], 2)
            checked += 1
    assert checked >= 4  # at least two platforms' compute lines
    # One Application Load Balancer for every HTTP service of the mix.
    alb = [k for k in lines if k[1] == "Application Load Balancer hours"]
    assert len(alb) <= 1


def test_a_trace_of_many_functions_is_not_placed_function_by_function(tmp_path):
    trace = tmp_path / "many.csv"
    run("generate", "--pattern", "azure-like", "--functions", "60", "--rate-per-s", "20",
        "--duration-s", "600", "--seed", "3", "-o", str(trace))
    out = run("report", str(trace), "-q").stdout
    assert "Placement: the best platform" not in out
    assert "not placed: 43 parts are more than the 32" in out
    j = json.loads(run("report", str(trace), "-q", "--format", "json").stdout)
    assert j["placement"]["skipped"] is True and j["placement"]["parts"] == []
    # Grouped into parts, it is placed.
    names = sorted({line.split(",")[1] for line in trace.read_text().splitlines()[1:]})
    half = len(names) // 2
    out = run("report", str(trace), "-q", "--part", "a=" + ",".join(names[:half]),
              "--part", "b=" + ",".join(names[half:])).stdout
    assert "Placement: the best platform for each part" in out


SHARED_CONCURRENCY = """
name = "shared-concurrency"
seed = 11
as_of = 2026-11-01

[[workloads]]
generator = "bursty"
function = "api"
invocation = "sync"
rate_per_s = 20
duration_s = 21600
duration_ms = "lognormal(median=100,p99=500)"
burst_factor = 10
burst_fraction = 0.05
mean_burst_s = 120
memory_mb = 512

[[workloads]]
generator = "poisson"
function = "worker"
invocation = "async"
rate_per_s = 5
duration_s = 21600
duration_ms = "lognormal(median=3000,p99=4000)"
memory_mb = 512

[lambda]
memory_mb = 512
timeout_s = 30
account_concurrency = 25

[report]
slo_p99_ms = 1000
max_error_rate = 0.01
platforms = ["lambda", "fargate"]

[report.objectives.worker]
slo_p99_ms = 600000
"""


def test_a_mix_is_judged_again_in_its_joint_run(tmp_path):
    """Outside review of issue 20 (W1, W2): the API's overflow and the worker share Lambda's
    25-concurrency account. Each meets its objectives alone; together the overflow is
    throttled (13% errors). The placement searches again with one part or the other off its
    platform and keeps the cheapest mix that meets every objective (the worker moves, the API
    keeps its spillover: second review); the best single platform is one where every part meets
    its objectives with the others (Fargate), not Lambda."""
    f = tmp_path / "shared.toml"
    f.write_text(SHARED_CONCURRENCY)
    p = json.loads(run("report", "--scenario", str(f), "-q", "--format", "json").stdout)
    placement = p["placement"]
    parts = {q["part"]: q for q in placement["parts"]}
    assert parts["api"]["platform"] == "fargate+lambda"
    assert parts["worker"]["platform"] == "fargate"
    assert all(q["meets_objectives"] for q in parts.values())
    assert "searched again after the joint run" in placement["summary"]
    assert "worker off lambda" in placement["summary"]
    assert "lambda ($" in parts["worker"]["why"] and "was ruled out for it after the joint run" \
        in parts["worker"]["why"]
    # Pinned, the API keeps its spillover and the worker moves for it.
    pinned = json.loads(run("report", "--scenario", str(f), "-q", "--format", "json",
                            "--place", "api=fargate+lambda").stdout)["placement"]
    assert [q["platform"] for q in pinned["parts"]] == ["fargate+lambda", "fargate"]
    assert pinned["recommended"]
    assert placement["recommended"]
    assert placement["best_single"]["platform"] == "fargate"
    assert placement["monthly_usd"] < placement["best_single"]["monthly_usd"]
    # The alone figures are there, per part and platform.
    alone = {(a["part"], a["platform"]): a for a in placement["alone"]}
    assert alone[("api", "fargate+lambda")]["meets_objectives"]
    assert alone[("worker", "fargate+lambda")]["can_run"] is False


def test_python_scenario_refuses_settings_for_no_part():
    """Review P1: settings naming no part were dropped silently from Python."""
    s = slsim.Scenario.load(DEFAULT)
    s.place = {"zzz": "lambda"}
    with pytest.raises(ValueError, match="'zzz' is not a part"):
        slsim.compare(scenario=s)


def test_a_spillover_pin_with_a_side_excluded_is_refused():
    p = run("report", "--scenario", DEFAULT, "-q", "--place", "api=fargate+lambda",
            "--exclude", "lambda", check=False)
    assert p.returncode == 2
    assert "'api' is pinned to fargate+lambda, which runs on lambda, and lambda is excluded" \
        in p.stderr


def test_python_scenario_refuses_keywords_it_would_drop():
    """Second review: compare(scenario=..., place=...) dropped the keyword without a word."""
    with pytest.raises(TypeError, match="place cannot be given with it"):
        slsim.compare(scenario=DEFAULT, place={"api": "lambda"})
    with pytest.raises(TypeError, match="seed, objectives cannot be given with it"):
        slsim.compare(scenario=DEFAULT, seed=3, objectives={"api": {"slo_p99_ms": 1}})


def test_every_compared_platform_excluded_for_a_part_is_an_error():
    """Second review: a part with every compared platform excluded was 'placed on nothing'."""
    p = run("report", "--scenario", DEFAULT, "-q", "--platforms", "lambda,fargate",
            "--exclude", "api=lambda,fargate,fargate+lambda", check=False)
    assert p.returncode == 2
    assert "every platform compared (lambda, fargate, fargate+lambda) is excluded for 'api'" \
        in p.stderr


def test_the_placement_csv_is_numbers_equal_to_the_json(cli_json):
    """Second review: the placement's CSV rows were display strings ("$131.39", "902 ms")."""
    import csv
    import io
    rows = list(csv.DictReader(io.StringIO(
        run("report", "--scenario", DEFAULT, "-q", "--format", "csv").stdout)))
    got = {(r["row"], r["column"]): r["value"] for r in rows if r["table"] == "placement"}
    for q in cli_json["placement"]["parts"]:
        assert float(got[(q["part"], "monthly_usd")]) == pytest.approx(q["monthly_usd"])
        assert float(got[(q["part"], "p99_ms")]) == pytest.approx(q["p99_ms"])
        assert got[(q["part"], "platform")] == q["platform"]
    total = {r["column"]: r["value"] for r in rows if r["table"] == "placement_total"}
    assert float(total["monthly_usd"]) == pytest.approx(cli_json["placement"]["monthly_usd"])
    bill = [r for r in rows if r["table"] == "placement_bill" and r["column"] == "monthly_usd"]
    assert len(bill) == len(cli_json["placement"]["line_items"])
    alone = [r for r in rows if r["table"] == "placement_alone" and r["column"] == "can_run"]
    assert len(alone) == len(cli_json["placement"]["alone"])
