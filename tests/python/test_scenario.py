"""slsim.Scenario (issue 20): a scenario file loaded in Python, inspected, changed through the
scenario loader (one gate) and run as `slsim report --scenario` runs it; and the placement of
`slsim.compare(workload, platforms, ...)` equal to the CLI's, figure for figure."""

import json
import os
from pathlib import Path

import numpy as np
import pytest

import slsim

from slsimcli import run

SRC = Path(os.environ.get("SLSIM_SOURCE_DIR", Path(__file__).resolve().parents[2]))
DEFAULT = str(SRC / "examples/default.toml")

# A small system of two parts: an HTTP API and a queue worker, one hour, replayed from a trace so
# that Python's workload object and the scenario file read the same invocations.
SMALL = """\
name = "small"
seed = 7
as_of = 2026-11-01
region = "us-east-1"

[workload]
trace = "small.csv"

[lambda]
memory_mb = 512
timeout_s = 30

[lambda.functions.worker]
memory_mb = 1024
timeout_s = 120

[fargate]
vcpu = 0.5
memory_gb = 1
concurrency = 4
min_tasks = 1
max_tasks = 4

[report]
platforms = ["lambda", "fargate"]
slo_p99_ms = 2000
max_error_rate = 0.01

[report.objectives.worker]
slo_p99_ms = 60000
"""


def _placement_figures(p: dict) -> dict:
    return {k: p[k] for k in ("parts", "monthly_usd", "line_items", "best_single")}


def _figures(summary: dict) -> dict:
    """The report's JSON without what only the CLI writes around the figures (the scenario's
    and workload's descriptions, each platform's echoed configuration)."""
    out = {k: v for k, v in summary.items() if k not in ("scenario", "workload")}
    out["platforms"] = {name: {k: v for k, v in p.items() if k != "config"}
                        for name, p in summary["platforms"].items()}
    return out


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    d = tmp_path_factory.mktemp("small")
    rng = np.random.default_rng(3)
    api = np.sort(rng.uniform(0, 3600, 3600))
    worker = np.sort(rng.uniform(0, 3600, 360))
    wl = slsim.Workload.from_arrays(
        arrival_s=np.concatenate([api, worker]),
        duration_ms=np.concatenate([rng.lognormal(np.log(80), 0.5, api.size),
                                    rng.lognormal(np.log(3000), 0.4, worker.size)]),
        function=["api"] * api.size + ["worker"] * worker.size,
        memory_mb=[512] * api.size + [1024] * worker.size,
        invocation=["sync"] * api.size + ["queue"] * worker.size)
    wl.to_csv(d / "small.csv")
    (d / "small.toml").write_text(SMALL)
    return d


@pytest.fixture(scope="module")
def small_cli(small):
    return json.loads(run("report", "--scenario", str(small / "small.toml"), "--format", "json",
                          "-q").stdout)


@pytest.fixture(scope="module")
def default_cli():
    return json.loads(run("report", "--scenario", DEFAULT, "--format", "json", "-q").stdout)


# ---- Scenario.load: inspect -------------------------------------------------------------------

def test_a_loaded_scenario_shows_its_settings():
    s = slsim.Scenario.load(DEFAULT)
    assert (s.name, s.seed, s.region) == ("default", 42, "us-east-1")
    assert str(s.as_of) == "2026-11-01"
    assert s.functions is None
    assert s.workload["function"] == "api"
    assert [w["function"] for w in s.workloads] == ["orders-consumer", "nightly-report"]
    # Every platform the report runs when [report] platforms is not given (issue 24 added two;
    # the bundled scenario names the runtime of its Lambda Managed Instances functions).
    assert list(s.platforms) == ["lambda", "ecs", "fargate", "batch", "lambda-managed",
                                 "ecs-managed"]
    assert s.platforms["lambda-managed"] == slsim.LambdaManaged(runtime="python")
    # ECS Managed Instances runs the services ECS runs.
    em = repr(s.platforms["ecs-managed"])
    assert em.startswith("slsim.EcsManaged(vcpu=1, memory_gb=2, concurrency=4, min_tasks=2")
    lam = s.platforms["lambda"]
    assert isinstance(lam, slsim.Lambda)
    assert lam == slsim.Lambda(memory_mb=512, runtime="python", timeout_s=30, functions={
        "orders-consumer": slsim.Lambda(memory_mb=1024, timeout_s=60),
        "nightly-report": slsim.Lambda(memory_mb=2048, timeout_s=0)})
    assert isinstance(s.platforms["fargate"], slsim.Fargate)
    assert isinstance(s.platforms["ecs"], slsim.Ecs)
    assert s.platforms["batch"] == slsim.Batch(instance_types=["c5.large", "c5.xlarge"],
                                               max_vcpus=64)
    assert s.slo_p99_ms == 2500 and s.max_error_rate == 0.01
    assert s.objectives["nightly-report"] == {"slo_p99_ms": 3600000}
    assert s.parts == {} and s.place == {} and s.exclude == {}
    assert "default" in repr(s)


# ---- run as the CLI does ----------------------------------------------------------------------

def test_the_default_scenario_object_runs_as_the_cli(default_cli):
    c = slsim.compare(scenario=slsim.Scenario.load(DEFAULT))
    assert _figures(c.summary()) == _figures(default_cli)
    assert _placement_figures(c.placement.to_dict()) == _placement_figures(default_cli["placement"])


def test_platform_objects_read_and_written_back_change_nothing(small, small_cli):
    s = slsim.Scenario.load(small / "small.toml")
    for name in list(s.platforms):
        s.platforms[name] = s.platforms[name]
    assert _figures(slsim.compare(scenario=s).summary()) == _figures(small_cli)


def test_a_scenario_file_path_and_object_equal_the_cli(small, small_cli):
    p = small_cli["placement"]
    assert [q["part"] for q in p["parts"]] == ["api", "worker"]
    by_path = slsim.compare(scenario=small / "small.toml")
    by_object = slsim.compare(scenario=slsim.Scenario.load(small / "small.toml"))
    assert _figures(by_path.summary()) == _figures(small_cli)
    assert _figures(by_object.summary()) == _figures(small_cli)
    assert slsim.compare(scenario=small / "small.toml", placement=False).placement is None


def test_a_change_in_python_runs_as_the_changed_file(small, tmp_path):
    s = slsim.Scenario.load(small / "small.toml")
    s.platforms["lambda"] = slsim.Lambda(memory_mb=1024, timeout_s=30,
                                         functions={"worker": slsim.Lambda(timeout_s=120)})
    s.seed = 9
    changed = SMALL.replace("seed = 7", "seed = 9").replace(
        "[lambda]\nmemory_mb = 512", "[lambda]\nmemory_mb = 1024").replace(
        "[lambda.functions.worker]\nmemory_mb = 1024\n", "[lambda.functions.worker]\n")
    (small / "changed.toml").write_text(changed)
    cli = json.loads(run("report", "--scenario", str(small / "changed.toml"), "--format",
                         "json", "-q").stdout)
    assert _figures(slsim.compare(scenario=s).summary()) == _figures(cli)


# ---- one gate: a bad value is refused as in the file ------------------------------------------

def test_a_bad_value_set_in_python_is_refused_as_in_the_file(small):
    path = str(small / "small.toml")
    bad = small / "bad.toml"
    bad.write_text(SMALL.replace("slo_p99_ms = 60000", "slo_p99_ms = -1"))
    with pytest.raises(slsim.ScenarioError) as in_file:
        slsim.Scenario.load(bad)
    s = slsim.Scenario.load(path)
    with pytest.raises(slsim.ScenarioError) as in_python:
        s.objectives = {"worker": {"slo_p99_ms": -1}}
    # The same words, naming the key; only the file's name differs.
    assert str(in_python.value).replace(path, "F") == str(in_file.value).replace(str(bad), "F")
    assert "[report.objectives.worker] slo_p99_ms" in str(in_python.value)
    assert s.objectives == {"worker": {"slo_p99_ms": 60000}}  # left as it was
    with pytest.raises(slsim.ScenarioError, match=r"small.toml: \[workload\] trace"):
        s.workload = {"trace": "small.csv", "generator": "poisson"}
    with pytest.raises(slsim.ScenarioError, match="small.toml: seed"):
        s.seed = -1
    assert s.seed == 7


def test_a_bad_path_or_file_is_a_scenario_error_naming_it(tmp_path):
    with pytest.raises(slsim.ScenarioError, match="nosuch.toml: cannot read"):
        slsim.Scenario.load(tmp_path / "nosuch.toml")
    f = tmp_path / "broken.toml"
    f.write_text("name = \n")
    with pytest.raises(slsim.ScenarioError, match="broken.toml:1"):
        slsim.Scenario.load(f)
    f.write_text("[workload]\ngenerator = \"poisson\"\nrate_per_s = 1\nduration_s = 60\n"
                 "colour = 3\n")
    with pytest.raises(slsim.ScenarioError, match=r"broken.toml: \[workload\] colour"):
        slsim.Scenario.load(f)
    with pytest.raises(TypeError, match="path"):
        slsim.Scenario.load(3)


# ---- the placement of compare(workload, platforms, ...) ---------------------------------------

def test_compare_with_objects_carries_the_placement_equal_to_the_cli(small, small_cli):
    wl = slsim.Workload.from_csv(small / "small.csv")
    c = slsim.compare(wl, [slsim.Lambda(memory_mb=512, timeout_s=30,
                                        functions={"worker": slsim.Lambda(memory_mb=1024,
                                                                          timeout_s=120)}),
                           slsim.Fargate(vcpu=0.5, memory_gb=1, concurrency=4, min_tasks=1,
                                         max_tasks=4)],
                      slo_p99_ms=2000, max_error_rate=0.01, seed=7, as_of="2026-11-01",
                      objectives={"worker": {"slo_p99_ms": 60000}})
    assert c.placement is not None
    assert _placement_figures(c.placement.to_dict()) == _placement_figures(small_cli["placement"])
    assert c.placement.to_dict() == small_cli["placement"]


def test_the_placement_is_off_with_placement_false_or_one_part(small):
    wl = slsim.Workload.from_csv(small / "small.csv")
    plats = [slsim.Lambda(timeout_s=120), slsim.Fargate(vcpu=0.5, memory_gb=1)]
    assert slsim.compare(wl, plats, as_of="2026-11-01", placement=False).placement is None
    one = wl.select(functions=["api"])
    assert slsim.compare(one, plats, as_of="2026-11-01").placement is None
    with pytest.raises(TypeError, match="placement"):
        slsim.compare(wl, plats, placement="yes")


def test_a_pin_in_python_is_honoured_and_a_bad_pin_refused(small):
    wl = slsim.Workload.from_csv(small / "small.csv")
    plats = [slsim.Lambda(timeout_s=120), slsim.Fargate(vcpu=0.5, memory_gb=1)]
    c = slsim.compare(wl, plats, as_of="2026-11-01", place={"worker": "fargate"})
    assert {q["part"]: q["platform"] for q in c.placement.parts}["worker"] == "fargate"
    with pytest.raises(ValueError, match="place"):
        slsim.compare(wl, plats, as_of="2026-11-01", place={"nosuch": "fargate"})


def test_scenario_tables_are_changed_by_assignment_only():
    """Second review: s.objectives["api"] = ... changed a copy and nothing else; a pin and an
    exclusion for one part overwrote each other."""
    s = slsim.Scenario.load(DEFAULT)
    with pytest.raises(TypeError):
        s.objectives["api"] = {"slo_p99_ms": 1}
    with pytest.raises(TypeError):
        s.place["api"] = "lambda"
    s.objectives = {**s.objectives, "api": {"slo_p99_ms": 2000}}
    assert s.objectives["api"]["slo_p99_ms"] == 2000
    s.place = {"api": "fargate+lambda"}
    with pytest.raises(slsim.ScenarioError, match="pinned or has exclusions, not both"):
        s.exclude = {"api": ["lambda"]}
    assert s.place == {"api": "fargate+lambda"}
