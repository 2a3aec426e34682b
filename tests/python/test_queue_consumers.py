"""Queue work on ECS and Fargate (issue 19, item 2): a service whose functions receive queue or
async invocations is an SQS consumer, from Python (slsim.Fargate / slsim.Ecs keywords), the
command line (flags, `slsim report`) and scenario files ([fargate] / [ecs] keys)."""

import json

import pytest

import slsim

from slsimcli import run


def bursty_queue(invocation="queue"):
    return slsim.Workload.bursty(rate_per_s=10, duration_s=1800,
                                 duration_ms=slsim.LogNormal(median=200, p99=1500),
                                 invocation=invocation, seed=5)


@pytest.mark.parametrize("platform", [slsim.Fargate(min_tasks=1, max_tasks=10),
                                      slsim.Ecs(min_tasks=1, max_tasks=10)])
def test_a_bursty_consumer_loses_nothing_to_a_load_balancer(platform):
    s = slsim.simulate(bursty_queue(), platform, as_of="2026-11-01").summary()
    inv = s["invocations"]
    assert inv["arrived"] > 10_000
    assert inv["timed_out"] == 0 and inv["refused"] == 0 and inv["unfinished"] == 0
    assert inv["completed"] + inv["failed"] + inv["expired"] == inv["arrived"]
    assert inv["completed"] == inv["arrived"]
    extra = s["extra"]
    assert "alb_hours" not in extra and "alb_lcu_hours" not in extra
    assert extra["sqs_messages"] == inv["arrived"]
    assert extra["sqs_backlog_max"] > 0
    # The backlog's age is part of the latency: a message that waited is slower than its work.
    assert s["latency_ms"]["max"] > 60_000  # longer than the ALB's 60 s idle timeout
    assert s["latency_ms"]["p50"] > s["queue_wait_ms"]["p50"]


def test_async_work_is_consumed_from_a_queue_too():
    s = slsim.simulate(bursty_queue("async"), slsim.Fargate(), as_of="2026-11-01").summary()
    assert s["invocations"]["timed_out"] == 0 and s["invocations"]["refused"] == 0
    assert "alb_hours" not in s["extra"]


def test_queue_keywords_round_trip_and_are_checked():
    c = slsim.Fargate(visibility_timeout_s=120, max_receive_count=3, message_retention_s=86400,
                      target_backlog_per_task=50, acceptable_latency_s=30,
                      error_probability=0.01)
    assert eval(repr(c), {"slsim": slsim}) == c
    with pytest.raises(ValueError, match="message_retention_s.*60 to 1,209,600"):
        slsim.Fargate(message_retention_s=30)
    with pytest.raises(ValueError, match="visibility_timeout_s.*whole seconds"):
        slsim.Ecs(visibility_timeout_s=1.5)
    with pytest.raises(ValueError, match="max_receive_count"):
        slsim.Fargate(max_receive_count=1001)


def test_dead_letter_queue_and_retention_from_python():
    wl = slsim.Workload.poisson(rate_per_s=1, duration_s=120, duration_ms=100,
                                invocation="queue", seed=2)
    dlq = slsim.simulate(wl, slsim.Fargate(error_probability=1, max_receive_count=2),
                         as_of="2026-11-01").summary()
    inv = dlq["invocations"]
    assert inv["failed"] == inv["arrived"]
    assert dlq["extra"]["sqs_dead_lettered"] == inv["arrived"]
    assert inv["attempts"] == 2 * inv["arrived"]
    gone = slsim.simulate(wl, slsim.Fargate(error_probability=1, message_retention_s=60),
                          as_of="2026-11-01").summary()
    assert gone["invocations"]["expired"] == gone["invocations"]["arrived"]
    assert any("retention" in n for n in gone["notes"])


def test_cli_flags_scenario_keys_and_report(tmp_path):
    trace = tmp_path / "q.csv"
    run("generate", "--pattern", "bursty", "--rate-per-s", "5", "--duration-s", "1200",
        "--duration-ms", "lognormal(median=200,p99=1500)", "--invocation", "queue",
        "--seed", "3", "-o", str(trace))
    for platform in ("fargate", "ecs"):
        out = json.loads(run("simulate", str(trace), "--platform", platform,
                             "--message-retention-s", "600", "--max-receive-count", "4",
                             "--as-of", "2026-11-01", "--format", "json").stdout)
        inv = out["invocations"]
        assert inv["timed_out"] == 0 and inv["refused"] == 0
        assert sum(inv[k] for k in ("completed", "failed", "timed_out", "refused", "expired",
                                    "unfinished")) == inv["arrived"]
        assert "alb_hours" not in out["extra"]
    p = run("simulate", str(trace), "--platform", "fargate", "--message-retention-s", "30",
            check=False)
    assert p.returncode == 2 and "--message-retention-s" in p.stderr
    sc = tmp_path / "s.toml"
    sc.write_text(f'as_of = 2026-11-01\n[workload]\ntrace = "{trace}"\n'
                  "[fargate]\nmessage_retention_s = 60\nmax_tasks = 1\n"
                  "target_backlog_per_task = 10\nacceptable_latency_s = 0\n")
    out = json.loads(run("simulate", "--scenario", str(sc), "--platform", "fargate",
                         "--format", "json").stdout)
    assert out["invocations"]["expired"] > 0  # one task cannot keep up; the rest expire
    # The report's bill has no load balancer for a queue-only workload.
    rep = json.loads(run("report", str(trace), "--as-of", "2026-11-01", "--format",
                         "json").stdout)
    text = json.dumps(rep)
    assert "Application Load Balancer" not in text
