"""Queue consumers on ECS/Fargate after the outside review of issue 19 item 2: the settings'
types and ranges from Python and scenario files, the CLI's flags, help and output."""

import json

import pytest

import slsim

from slsimcli import CLI, run


@pytest.mark.parametrize("key,value", [("visibility_timeout_s", "30"),
                                       ("max_receive_count", "3"),
                                       ("target_backlog_per_task", "5"),
                                       ("vcpu", "1")])
def test_strings_are_refused_for_numeric_keywords(key, value):
    for platform in (slsim.Fargate, slsim.Ecs):
        with pytest.raises(TypeError, match=key):
            platform(**{key: value})


def test_retention_is_whole_seconds_and_protection_round_trips():
    with pytest.raises(ValueError, match="message_retention_s"):
        slsim.Fargate(message_retention_s=60.5)
    f = slsim.Fargate(scale_in_protection=False, min_tasks=1, max_tasks=3)
    assert eval(repr(f), {"slsim": slsim}) == f


def test_scenario_string_for_a_number_is_refused(tmp_path):
    trace = tmp_path / "q.csv"
    run("generate", "--pattern", "poisson", "--rate-per-s", "1", "--duration-s", "60",
        "--duration-ms", "200", "--invocation", "queue", "--seed", "3", "-o", str(trace))
    sc = tmp_path / "s.toml"
    sc.write_text(f'[workload]\ntrace = "{trace}"\n[fargate]\nvisibility_timeout_s = "30"\n')
    p = run("simulate", "--scenario", str(sc), "--platform", "fargate", check=False)
    assert p.returncode == 2
    assert "visibility_timeout_s" in p.stderr and "number" in p.stderr


def test_cli_output_counts_expired_messages(tmp_path):
    trace = tmp_path / "q.csv"
    run("generate", "--pattern", "poisson", "--rate-per-s", "5", "--duration-s", "600",
        "--duration-ms", "2000", "--invocation", "queue", "--seed", "3", "-o", str(trace))
    args = ["simulate", str(trace), "--platform", "fargate", "--tasks", "1",
            "--message-retention-s", "60", "--as-of", "2026-11-01"]
    csv = run(*args, "--format", "csv").stdout
    rows = [line.split(",") for line in csv.splitlines()]
    expired = [r for r in rows if len(r) >= 4 and r[1] == "expired"]
    assert expired and int(expired[0][3]) > 0
    out = json.loads(run(*args, "--format", "json").stdout)
    assert int(expired[0][3]) == out["invocations"]["expired"]
    assert "expired" in run(*args).stdout


def test_cli_shared_queue_flags_read_alike_and_are_listed_for_containers(tmp_path):
    a = run("simulate", "--platform", "fargate", "--visibility-timeout-s", "abc", check=False)
    b = run("simulate", "--platform", "fargate", "--max-receive-count", "abc", check=False)
    assert a.returncode == b.returncode == 2
    assert "'abc' is not a number" in a.stderr
    assert "'abc' is not a number" in b.stderr
    help_text = run("simulate", "--help").stdout
    section = help_text[help_text.index("Containers (--platform ecs|fargate)"):]
    assert "--visibility-timeout-s" in section and "--error-probability" in section
    assert "--scale-in-protection" in section
    assert "Function error probability" not in help_text
