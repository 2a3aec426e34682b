"""Lambda Managed Instances and ECS Managed Instances (issue 24) through the three front ends:
the [lambda_managed] / [ecs_managed] scenario tables, `slsim simulate --platform
lambda-managed|ecs-managed` with its flags, and slsim.LambdaManaged / slsim.EcsManaged.

What is tested here is the plumbing (keys, parsing, refusals of another platform's settings);
the ranges are the validator's (validate_containers), whose messages are checked only for the
key they name."""

import json
import pickle
from pathlib import Path

import pytest

import slsim

from slsimcli import run

AS_OF = "2026-11-01"


def scenario(tmp_path: Path, tables: str) -> Path:
    f = tmp_path / "s.toml"
    f.write_text(f"as_of = {AS_OF}\n[workload]\ngenerator = \"poisson\"\nrate_per_s = 5\n"
                 f"duration_s = 120\nduration_ms = 80\n{tables}")
    return f


def trace(tmp_path: Path) -> Path:
    t = tmp_path / "t.csv"
    t.write_text("arrival_s,function,duration_ms\n1,api,100\n2,api,100\n3,api,80\n")
    return t


def refused(*args) -> str:
    p = run(*args, check=False)
    assert p.returncode == 2, p.stdout + p.stderr
    return p.stderr


# ---- scenario tables -------------------------------------------------------------------------

def test_the_tables_reach_the_runners_of_the_report(tmp_path):
    f = scenario(tmp_path, '[lambda_managed]\ninstance_type = ["c5.xlarge"]\nruntime = "nodejs"\n'
                           'memory_mb = 4096\nmemory_per_vcpu_gb = 2\nmax_environments = 20\n'
                           '[ecs_managed]\ninstance_type = ["c5.large"]\nscale_in_after_s = 600\n'
                           '[ecs_managed.services.fn]\nconcurrency = 8\n')
    out = run("report", "-s", str(f), "--platforms", "lambda-managed,ecs-managed", "-q").stdout
    # The configurations the runners were given, in the report's text and JSON.
    assert "Lambda Managed Instances (c5.xlarge)" in out
    assert "ECS Managed Instances (c5.large)" in out
    j = json.loads(run("report", "-s", str(f), "--platforms", "lambda-managed,ecs-managed", "-q",
                       "--format", "json").stdout)
    assert set(j["platforms"]) == {"lambda-managed", "ecs-managed"}
    assert j["platforms"]["lambda-managed"]["label"].startswith(
        "Lambda Managed Instances (c5.xlarge)")
    assert j["platforms"]["ecs-managed"]["label"].startswith("ECS Managed Instances (c5.large)")


def test_a_service_of_ecs_managed_names_a_function_of_the_workload(tmp_path):
    f = scenario(tmp_path, '[ecs_managed.services.nosuch]\nconcurrency = 8\n')
    err = refused("report", "-s", str(f), "--platforms", "ecs-managed", "-q")
    assert "ecs_managed.services.nosuch" in err


def test_a_key_of_another_platform_is_refused_naming_file_table_and_key(tmp_path):
    f = scenario(tmp_path, "[lambda_managed]\nqueue_size = 10\n")
    err = refused("report", "-s", str(f), "--platforms", "lambda-managed", "-q")
    assert "s.toml: [lambda_managed] queue_size" in err
    assert "not a Lambda Managed Instances setting" in err and "memory_mb" in err
    f = scenario(tmp_path, "[lambda_managed.services.fn]\nvcpu = 1\n")
    err = refused("report", "-s", str(f), "--platforms", "lambda-managed", "-q")
    assert "[lambda_managed.services.fn] vcpu" in err
    assert "not a Lambda Managed Instances setting" in err
    f = scenario(tmp_path, "[lambda_managed]\nmemory_gb = 4\n")
    assert "[lambda_managed] memory_gb" in refused("report", "-s", str(f), "-q")
    f = scenario(tmp_path, "[ecs_managed]\nmanaged_scaling = true\n")
    err = refused("report", "-s", str(f), "--platforms", "ecs-managed", "-q")
    assert "s.toml: [ecs_managed] managed_scaling" in err
    assert "AWS manages the instances of ECS Managed Instances" in err
    f = scenario(tmp_path, "[ecs_managed]\ncolour = 3\n")
    assert "[ecs_managed] colour" in refused("report", "-s", str(f), "-q")
    # ECS on EC2 keeps its own keys, and has none of the managed platforms'.
    f = scenario(tmp_path, "[ecs]\nscale_in_after_s = 60\n")
    assert "[ecs] scale_in_after_s" in refused("report", "-s", str(f), "-q")


def test_zero_concurrency_and_an_unknown_runtime_are_refused_in_a_file(tmp_path):
    f = scenario(tmp_path, "[lambda_managed]\nconcurrency = 0\n")
    err = refused("report", "-s", str(f), "--platforms", "lambda-managed", "-q")
    assert "[lambda_managed] concurrency" in err and "must be at least 1" in err
    assert "python 16" in err
    f = scenario(tmp_path, '[lambda_managed]\nruntime = "ruby"\n')
    err = refused("report", "-s", str(f), "--platforms", "lambda-managed", "-q")
    assert "[lambda_managed] runtime" in err and "nodejs" in err
    f = scenario(tmp_path, '[ecs_managed]\nscale_in_after_s = "soon"\n')
    assert "[ecs_managed] scale_in_after_s" in refused("report", "-s", str(f), "-q")


# ---- the command line ------------------------------------------------------------------------

def test_simulate_runs_both_platforms_on_a_trace(tmp_path):
    t = trace(tmp_path)
    for platform, title in (("lambda-managed", "Lambda Managed Instances"),
                            ("ecs-managed", "ECS Managed Instances")):
        out = run("simulate", str(t), "--platform", platform, "--as-of", AS_OF).stdout
        assert title in out
        j = json.loads(run("simulate", str(t), "--platform", platform, "--as-of", AS_OF,
                           "--format", "json").stdout)
        inv = j["invocations"]
        assert inv["arrived"] == 3
        assert inv["arrived"] == (inv["completed"] + inv["failed"] + inv["timed_out"]
                                  + inv["refused"] + inv["expired"] + inv["unfinished"])
    # Their own flags.
    run("simulate", str(t), "--platform", "lambda-managed", "--as-of", AS_OF, "--memory-mb",
        "4096", "--runtime", "java", "--memory-per-vcpu-gb", "2", "--min-environments", "1",
        "--max-environments", "10", "--instance-type", "c5.xlarge")
    run("simulate", str(t), "--platform", "ecs-managed", "--as-of", AS_OF, "--scale-in-after-s",
        "600", "--instance-type", "c5.large", "--vcpu", "0.5", "--memory-gb", "1")


def test_flags_of_another_platform_are_refused(tmp_path):
    t = trace(tmp_path)
    base = ("simulate", str(t), "--as-of", AS_OF)
    err = refused(*base, "--platform", "lambda-managed", "--queue-size", "5")
    assert "--queue-size" in err and "not a Lambda Managed Instances setting" in err
    err = refused(*base, "--platform", "ecs-managed", "--target-capacity-pct", "80")
    assert "--target-capacity-pct" in err and "AWS manages the instances" in err
    err = refused(*base, "--platform", "ecs", "--min-environments", "2")
    assert "--min-environments" in err and "lambda-managed" in err
    err = refused(*base, "--platform", "fargate", "--scale-in-after-s", "60")
    assert "--scale-in-after-s" in err and "ecs-managed" in err
    err = refused(*base, "--platform", "lambda-managed", "--timeout-s", "60")
    assert "--timeout-s" in err


def test_zero_concurrency_and_an_unknown_runtime_are_refused_as_flags(tmp_path):
    t = trace(tmp_path)
    base = ("simulate", str(t), "--as-of", AS_OF, "--platform", "lambda-managed")
    err = refused(*base, "--concurrency", "0")
    assert "--concurrency" in err and "must be at least 1" in err
    err = refused(*base, "--runtime", "ruby")
    assert "--runtime" in err and "dotnet" in err


def test_a_date_before_the_launch_names_the_date(tmp_path):
    t = trace(tmp_path)
    err = refused("simulate", str(t), "--platform", "lambda-managed", "--as-of", "2025-06-01")
    assert "as-of" in err or "as_of" in err
    err = refused("simulate", str(t), "--platform", "ecs-managed", "--as-of", "2025-06-01")
    assert "as-of" in err or "as_of" in err


# ---- Python ----------------------------------------------------------------------------------

def test_repr_eval_equality_and_pickle():
    configs = [
        slsim.LambdaManaged(memory_mb=4096, runtime="nodejs"),
        slsim.LambdaManaged(memory_mb=8192, memory_per_vcpu_gb=4, concurrency=8,
                            min_environments=1, max_environments=30,
                            instance_type=["c5.xlarge", "m5.xlarge"], target_cpu_pct=60),
        slsim.LambdaManaged(services={"api": slsim.LambdaManaged(functions=["a"], memory_mb=2048)}),
        slsim.EcsManaged(scale_in_after_s=600, instance_type="c5.large", vcpu=0.5, memory_gb=1),
        slsim.EcsManaged(scale_in_after_s=-1),
    ]
    for c in configs:
        assert repr(c).startswith(("slsim.LambdaManaged(", "slsim.EcsManaged("))
        again = eval(repr(c), {"slsim": slsim})
        assert again == c
        assert pickle.loads(pickle.dumps(c)) == c
    assert configs[0] != slsim.LambdaManaged(memory_mb=4096)
    assert slsim.EcsManaged(vcpu=1, memory_gb=2) != slsim.Ecs(vcpu=1, memory_gb=2)
    assert "LambdaManaged" in slsim.__all__ and "EcsManaged" in slsim.__all__


def test_python_refusals_name_the_keyword():
    with pytest.raises(ValueError, match=r"LambdaManaged\(concurrency=\.\.\.\).*must be at least 1"):
        slsim.LambdaManaged(concurrency=0)
    with pytest.raises(ValueError, match=r"runtime.*python, nodejs, java or dotnet"):
        slsim.LambdaManaged(runtime="ruby")
    with pytest.raises(ValueError, match=r"queue_size.*not a Lambda Managed Instances setting"):
        slsim.LambdaManaged(queue_size=5)
    with pytest.raises(ValueError, match=r"instances.*AWS manages the instances"):
        slsim.EcsManaged(instances=3)
    with pytest.raises(TypeError, match="unknown arguments"):
        slsim.LambdaManaged(colour=3)
    with pytest.raises(TypeError, match="memory_mb"):
        slsim.LambdaManaged(memory_mb="lots")
    with pytest.raises(TypeError, match="unknown arguments"):
        slsim.Ecs(scale_in_after_s=60)  # ECS on EC2's Auto Scaling group has no such setting


def test_simulate_compare_and_scenario_take_the_new_platforms(tmp_path):
    wl = slsim.Workload.poisson(rate_per_s=5, duration_s=120, duration_ms=80, seed=2)
    for platform, name in ((slsim.LambdaManaged(runtime="java"), "lambda-managed"),
                           (slsim.EcsManaged(), "ecs-managed")):
        s = slsim.simulate(wl, platform, as_of=AS_OF).summary()
        inv = s["invocations"]
        assert inv["arrived"] > 0
        assert inv["arrived"] == (inv["completed"] + inv["failed"] + inv["timed_out"]
                                  + inv["refused"] + inv["expired"] + inv["unfinished"])
    c = slsim.compare(wl, [slsim.Lambda(), slsim.LambdaManaged(instance_type="c5.xlarge"),
                           slsim.EcsManaged(instance_type="c5.large")], as_of=AS_OF)
    assert c.platforms == ["lambda", "lambda-managed", "ecs-managed"]
    labels = {r["platform"]: r["label"] for r in c.rows()}
    assert "c5.xlarge" in labels["lambda-managed"]
    assert "c5.large" in labels["ecs-managed"]

    sc = slsim.Scenario.load(scenario(tmp_path, ""))
    assert "lambda-managed" in sc.platforms and "ecs-managed" in sc.platforms
    assert sc.platforms["lambda-managed"] == slsim.LambdaManaged()
    sc.platforms = [slsim.LambdaManaged(memory_mb=4096, runtime="nodejs"),
                    slsim.EcsManaged(scale_in_after_s=600)]
    assert sc.platforms["lambda-managed"] == slsim.LambdaManaged(memory_mb=4096, runtime="nodejs")
    assert sc.platforms["ecs-managed"] == slsim.EcsManaged(scale_in_after_s=600)
    text = sc.to_toml()
    assert "[lambda_managed]" in text and "[ecs_managed]" in text
    with pytest.raises(TypeError):
        sc.platforms["lambda-managed"] = slsim.EcsManaged()


def test_a_comparison_before_the_launch_says_cannot_run(tmp_path):
    # A scenario's table kept for another date: the report says the platform cannot run (its
    # values are checked by the rules it launched with), as without a table.
    f = tmp_path / "old.toml"
    f.write_text('as_of = 2025-01-01\n[workload]\ngenerator = "poisson"\nrate_per_s = 5\n'
                 'duration_s = 60\n[lambda_managed]\nruntime = "java"\n'
                 '[ecs_managed]\nscale_in_after_s = 600\n')
    out = run("report", "-s", str(f), "--platforms", "lambda,lambda-managed,ecs-managed",
              "-q").stdout
    assert "lambda-managed: cannot run" in out and "launched on 2025-11-30" in out
    assert "ecs-managed: cannot run" in out
    f.write_text('as_of = 2025-01-01\n[workload]\ngenerator = "poisson"\nrate_per_s = 5\n'
                 'duration_s = 60\n[lambda_managed]\nconcurrency = 0\n')
    assert "[lambda_managed] concurrency" in refused("report", "-s", str(f), "-q")
    wl = slsim.Workload.poisson(rate_per_s=5, duration_s=60, duration_ms=80)
    c = slsim.compare(wl, [slsim.Lambda(), slsim.LambdaManaged(), slsim.EcsManaged()],
                      as_of="2025-01-01")
    assert set(c.impossible()) == {"lambda-managed", "ecs-managed"}
    with pytest.raises(ValueError, match="launched on"):
        slsim.simulate(wl, slsim.LambdaManaged(), as_of="2025-01-01")
