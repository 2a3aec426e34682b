"""Container sizing after the third review of issue 19 (review19 W1, W4): an instance type
sized with the task, ECS "cannot run" for an instance type the user chose too small, and the
visibility timeout `auto` from every front end."""

import json

import slsim

from slsimcli import run


def _trace(tmp_path, name, *args):
    path = tmp_path / name
    run("generate", "--seed", "3", *args, "-o", str(path))
    return path


def test_a_bare_trace_of_big_functions_is_reported(tmp_path):
    # W1: 4,096 MB functions were refused against the default m5.large ("flags: vcpu: ...").
    trace = _trace(tmp_path, "m4096.csv", "--rate-per-s", "2", "--duration-s", "600",
                   "--duration-ms", "200", "--memory-mb", "4096")
    p = run("report", str(trace), "--format", "json")
    assert "flags" not in p.stderr
    doc = json.loads(p.stdout)
    ecs = doc["platforms"]["ecs"]
    assert "impossible" not in ecs or not ecs["impossible"]
    assert "m5.xlarge" in ecs["label"]


def test_an_instance_type_too_small_makes_ecs_cannot_run(tmp_path):
    trace = _trace(tmp_path, "m4096.csv", "--rate-per-s", "2", "--duration-s", "600",
                   "--duration-ms", "200", "--memory-mb", "4096")
    sc = tmp_path / "s.toml"
    sc.write_text(f'[workload]\ntrace = "{trace}"\n[ecs]\ninstance_type = "m5.large"\n')
    p = run("report", "--scenario", str(sc), "--platforms", "ecs,fargate", "--format", "json")
    doc = json.loads(p.stdout)
    assert "m5.large" in doc["platforms"]["ecs"]["impossible"]
    assert not doc["platforms"]["fargate"].get("impossible")


def test_visibility_timeout_auto_from_every_front_end(tmp_path):
    # W4: the consumer's visibility timeout is sized from its longest run (40-80 s here).
    trace = _trace(tmp_path, "long.csv", "--rate-per-s", "0.2", "--duration-s", "1800",
                   "--duration-ms", "uniform(low=40000,high=80000)", "--memory-mb", "1024",
                   "--invocation", "queue")
    p = run("simulate", str(trace), "--platform", "fargate", "--format", "json")
    out = p.stdout + p.stderr
    assert "received again" not in out
    assert "visibility" in out
    p = run("simulate", str(trace), "--platform", "fargate", "--visibility-timeout-s", "auto")
    assert "received again" not in p.stdout + p.stderr
    # The user's value wins (and 30 s is too short for this work: the note says so).
    p = run("simulate", str(trace), "--platform", "fargate", "--visibility-timeout-s", "30")
    assert "received again" in p.stdout + p.stderr
    sc = tmp_path / "s.toml"
    sc.write_text(f'[workload]\ntrace = "{trace}"\n[fargate]\nvisibility_timeout_s = "auto"\n')
    run("simulate", "--scenario", str(sc), "--platform", "fargate")
    f = slsim.Fargate(visibility_timeout_s="auto")
    assert eval(repr(f), {"slsim": slsim}) == f
    e = slsim.Ecs(instance_type="auto")
    assert eval(repr(e), {"slsim": slsim}) == e
