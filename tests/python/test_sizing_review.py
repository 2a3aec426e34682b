"""Issue 19, second review of container sizing: docstrings, the short-span note, messages."""

import json
import os
import subprocess

import slsim

CLI = os.environ.get("SLSIM_CLI", "build/bin/slsim")


def run(*args, check=True):
    return subprocess.run([CLI, *args], capture_output=True, text=True, check=check)


def test_container_docstrings_say_each_thing_once():
    # A merge left a fragment twice in each.
    assert slsim.Fargate.__doc__.count("spot_interruption_pct") == 1
    assert slsim.Fargate.__doc__.count("assign_public_ip") == 1
    assert slsim.Ecs.__doc__.count("providers from December 2019") == 1
    assert slsim.Ecs.__doc__.count("associate_public_ip") == 1


def test_short_span_note_only_below_an_hour_in_readable_units(tmp_path):
    hour = tmp_path / "hour.csv"
    run("generate", "--rate-per-s", "2", "--duration-s", "3600", "--duration-ms", "100",
        "--seed", "3", "-o", str(hour))
    out = json.loads(run("report", str(hour), "--format", "json").stdout)
    text = json.dumps(out)
    assert "shorter than an hour" not in text
    short = tmp_path / "short.csv"
    run("generate", "--rate-per-s", "2", "--duration-s", "600", "--duration-ms", "100",
        "--seed", "3", "-o", str(short))
    text = run("report", str(short)).stdout
    assert "is shorter than an hour" in text
    assert "min) is shorter than an hour" in text


def test_containers_example_is_truthful():
    import re
    from pathlib import Path
    from slsim import _core
    text = (Path(__file__).resolve().parents[2] / "examples/containers.toml").read_text()
    # Every key appears (set or commented out).
    keys = set(_core.container_service_keys()) | set(_core.container_cluster_keys())
    for k in keys:
        assert re.search(rf"^#? ?{k} =", text, re.M), k
    # A key set to a value other than its default says so.
    assert re.search(r"^max_instances = 20 .*example \(default 100\)", text, re.M)
    assert re.search(r'^instance_type = .*example \(default auto: ', text, re.M)
    assert re.search(r'^visibility_timeout_s = "auto"', text, re.M)
    assert "every key of the\n# [fargate] and [ecs] tables and its default" not in text
