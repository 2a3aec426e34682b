"""Issue 11 through the front ends: the shared result shape in Python and the prorated free
tier in `slsim price lambda --span-days`."""

import json
import os
import subprocess

import pytest

import slsim

CLI = os.environ.get("SLSIM_CLI", "build/bin/slsim")


def run(*args, check=True):
    p = subprocess.run([CLI, *args], capture_output=True, text=True)
    if check and p.returncode != 0:
        raise AssertionError(p.stderr)
    return p


def test_latency_of_every_ended_invocation_and_of_completed_ones():
    # Half the calls run 5 s against a 1 s timeout: they end at 1 s, timed out.
    n = 200
    wl = slsim.Workload.from_arrays(arrival_s=[i * 10.0 for i in range(n)],
                                    duration_ms=[100 if i % 2 else 5000 for i in range(n)])
    s = slsim.simulate(wl, slsim.Lambda(memory_mb=1024, timeout_s=1, init_ms=0),
                       as_of="2026-11-01").summary()
    inv = s["invocations"]
    assert inv["timed_out"] == n // 2 and inv["completed"] == n // 2
    assert s["latency_ms"]["p99"] >= 990
    assert s["latency_completed_ms"]["p99"] < 200
    assert s["extra"]["timeouts"] == n // 2
    assert s["cold_start_invocation_fraction"] == pytest.approx(inv["cold_starts"] / n)


def test_a_one_day_run_gets_a_days_share_of_the_free_tier():
    # 864,000 requests of 100 ms at 128 MB over exactly one day: 32,876 free requests (1/30.4
    # of a million), 831,124 billed at $0.20 per million = $0.17.
    n = 864_000
    wl = slsim.Workload.from_arrays(arrival_s=[i * 0.1 for i in range(n)], duration_ms=[100] * n)
    s = slsim.simulate(wl, slsim.Lambda(memory_mb=128, init_ms=0), as_of="2026-11-01").summary()
    assert s["span_s"] == pytest.approx(86_400)
    assert s["cost"]["total_usd"] == pytest.approx(0.17)


def test_price_span_days_prorates_the_monthly_free_tier():
    args = ["price", "lambda", "--memory-mb", "128", "--requests", "864000", "--duration-ms",
            "100", "--as-of", "2026-11-01", "--format", "json"]
    month = json.loads(run(*args).stdout)
    day = json.loads(run(*args, "--span-days", "1").stdout)
    assert month["total_usd"] == 0
    assert day["total_usd"] == pytest.approx(0.17)
    p = run(*args, "--span-days", "0", check=False)
    assert p.returncode != 0 and "--span-days" in p.stderr


def test_queue_max_concurrency_is_a_keyword():
    wl = slsim.Workload.from_arrays(arrival_s=[0.0] * 10, duration_ms=[20_000] * 10,
                                    invocation=["queue"] * 10)
    fn = slsim.Lambda(memory_mb=512, init_ms=0, functions={
        "fn": slsim.Lambda(reserved_concurrency=2, max_receive_count=3, queue_max_concurrency=2)})
    assert eval(repr(fn), {"slsim": slsim}) == fn
    s = slsim.simulate(wl, fn, as_of="2024-06-01").summary()
    assert s["invocations"]["completed"] == 10
    assert s["extra"]["throttles"] == 0


def test_python_price_lambda_takes_a_span():
    kw = dict(memory_mb=128, requests=864_000, duration_ms=100, as_of="2026-11-01")
    assert slsim.price_lambda(**kw).total_usd == 0
    assert slsim.price_lambda(**kw, span_days=1).total_usd == pytest.approx(0.17)
    with pytest.raises(ValueError, match="span_days"):
        slsim.price_lambda(**kw, span_days=0)
