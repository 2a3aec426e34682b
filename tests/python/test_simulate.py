"""slsim.simulate with slsim.Lambda, and `slsim simulate` on the command line."""

import json
import math
import os
import pickle
import subprocess
import threading
from pathlib import Path

import numpy as np
import pytest

import slsim

CLI = os.environ.get("SLSIM_CLI", "build/bin/slsim")
SRC = Path(os.environ.get("SLSIM_SOURCE_DIR", "."))


def test_the_issue_example_works_as_written():
    wl = slsim.Workload.poisson(rate_per_s=0.9, duration_s=1e6,
                                duration_ms=slsim.Exponential(mean=1991), seed=1)
    fn = slsim.Lambda(memory_mb=128, keep_alive_s=600, init_ms=slsim.Constant(253))
    s = slsim.simulate(wl, fn, seed=1).summary()
    # SimFaaS's reference run of the same scenario: 0.0014, 7.66 servers.
    assert s["extra"]["cold_start_probability"] == pytest.approx(0.0014, abs=0.0004)
    assert s["instances"]["mean"] == pytest.approx(7.66, rel=0.05)
    assert s["latency_ms"]["p99"] > s["latency_ms"]["p50"] > 0
    assert s["cost"]["total_usd"] >= 0
    inv = s["invocations"]
    assert inv["arrived"] == sum(inv[k] for k in ("completed", "failed", "timed_out", "refused",
                                                  "expired", "unfinished"))
    assert set(s) >= {"platform", "invocations", "cold_start_invocation_fraction", "latency_ms",
                      "latency_completed_ms", "queue_wait_ms", "instances", "utilisation",
                      "extra", "cost"}


def test_records_are_numpy_views_and_to_pandas():
    wl = slsim.Workload.poisson(rate_per_s=5, duration_s=200, duration_ms=100, seed=2)
    r = slsim.simulate(wl, slsim.Lambda(memory_mb=256, error_probability=0.2),
                       records=True, timeseries=True, as_of="2026-11-01")
    rec = r.records
    n = r.summary()["invocations"]["arrived"]
    assert len(rec["arrival_s"]) == n
    assert rec["latency_ms"].base is not None  # a view, not a copy
    df = r.to_pandas()
    assert len(df) == n
    assert set(df["outcome"]) <= {"completed", "failed_error"}
    assert (df["outcome"] == "failed_error").sum() == r.summary()["invocations"]["failed"]
    ts = r.timeseries
    assert ts["arrivals"].sum() == n
    assert len(ts["busy_max"]) >= 200


def test_lambda_config_repr_pickle_and_validation():
    fn = slsim.Lambda(memory_mb=512, runtime="java", vpc=True, keep_alive_s="uniform(low=300,high=420)",
                      provisioned_concurrency=2, functions={"hot": slsim.Lambda(reserved_concurrency=10)})
    again = eval(repr(fn), {"slsim": slsim})
    assert again == fn
    assert pickle.loads(pickle.dumps(fn)) == fn
    with pytest.raises(TypeError, match="unknown arguments"):
        slsim.Lambda(memroy_mb=128)
    with pytest.raises(ValueError, match="runtime: 'cobol' is not allowed"):
        slsim.Lambda(runtime="cobol")
    wl = slsim.Workload.poisson(rate_per_s=1, duration_s=10, seed=1)
    with pytest.raises(ValueError, match="memory_mb: 20000 MB is not allowed .*128 to 10240 MB"):
        slsim.simulate(wl, slsim.Lambda(memory_mb=20_000))
    with pytest.raises(ValueError, match="128 to 3008 MB in 64 MB steps"):
        slsim.simulate(wl, slsim.Lambda(memory_mb=1000), as_of="2019-01-01")


def test_memory_sweep_trades_cost_for_speed():
    # A generator's memory is not a CPU reference (issue 11, item 9): the durations' reference
    # memory is given explicitly.
    wl = slsim.Workload.poisson(rate_per_s=2, duration_s=3600, duration_ms=1000, memory_mb=1769, seed=3)
    out = {}
    for mem in (512, 1769, 3538):
        s = slsim.simulate(wl, slsim.Lambda(memory_mb=mem, cpu_bound_fraction=1.0,
                                            parallel_fraction=1.0, reference_memory_mb=1769),
                           free_tier=False).summary()
        out[mem] = s
    assert out[512]["latency_ms"]["p50"] > 3 * out[1769]["latency_ms"]["p50"]
    assert out[3538]["latency_ms"]["p50"] < 0.6 * out[1769]["latency_ms"]["p50"]


def test_simulations_run_in_threads_with_the_same_results():
    wl = slsim.Workload.bursty(rate_per_s=50, duration_s=500, duration_ms="lognormal(median=80,p99=700)", seed=4)
    fn = slsim.Lambda(memory_mb=512)
    ref = slsim.simulate(wl, fn, seed=7).summary()
    got = [None] * 4

    def work(i):
        got[i] = slsim.simulate(wl, fn, seed=7).summary()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(g == ref for g in got)


def run(*args, check=True):
    p = subprocess.run([CLI, *args], capture_output=True, text=True)
    if check and p.returncode != 0:
        raise AssertionError(p.stderr)
    return p


def test_cli_simulate_json_has_the_documented_shape():
    a21 = str(SRC / "tests/data/azure2021/Azure2021_200.csv")
    out = json.loads(run("simulate", "--platform", "lambda", a21, "--trace-memory-mb", "256",
                         "--as-of", "2024-01-01", "--format", "json").stdout)
    assert out["platform"] == "lambda"
    assert set(out["invocations"]) == {"arrived", "completed", "failed", "timed_out", "refused",
                                       "expired", "unfinished", "attempts", "retries",
                                       "cold_starts"}
    assert set(out["latency_ms"]) == {"mean", "p50", "p90", "p95", "p99", "max"}
    assert set(out["latency_completed_ms"]) == {"mean", "p50", "p90", "p95", "p99", "max"}
    assert set(out["instances"]) == {"mean", "max"}
    assert set(out["extra"]) >= {"cold_start_probability", "throttles", "errors", "timeouts",
                                 "to_destination", "provisioned_served", "busy_mean",
                                 "idle_mean"}
    assert 0 <= out["utilisation"] <= 1
    assert set(out["cost"]) == {"total_usd", "as_of", "region", "line_items"}
    inv = out["invocations"]
    assert inv["arrived"] == 199 == sum(inv[k] for k in ("completed", "failed", "timed_out",
                                                         "refused", "expired", "unfinished"))


def test_cli_simulate_vpc_2018_versus_2020():
    args = ["simulate", "--format", "json", "--vpc", "--keep-alive-s", "1"]
    old = json.loads(run(*args, "--as-of", "2018-07-01").stdout)
    new = json.loads(run(*args, "--as-of", "2020-06-01").stdout)
    assert old["latency_ms"]["p99"] > 5000 > new["latency_ms"]["p99"]


def test_cli_simulate_rejects_impossible_configurations(tmp_path):
    p = run("simulate", "--memory-mb", "20000", check=False)
    assert p.returncode == 2 and "allowed are 128 to 10240 MB" in p.stderr
    f = tmp_path / "s.toml"
    f.write_text('[workload]\ngenerator = "poisson"\n[lambda]\nmemory_mb = 512\nmax_retry_attempts = 5\n')
    p = run("simulate", "--scenario", str(f), check=False)
    assert p.returncode == 2 and f"{f}: [lambda] max_retry_attempts: 5 is not allowed: 0, 1 or 2" in p.stderr
    f.write_text('[workload]\ngenerator = "poisson"\n[lambda]\nmemroy_mb = 512\n')
    p = run("simulate", "--scenario", str(f), check=False)
    assert p.returncode == 2 and f"{f}: [lambda] memroy_mb: unknown key" in p.stderr


def test_scenario_per_function_overrides(tmp_path):
    trace = tmp_path / "t.csv"
    trace.write_text("arrival_s,function,duration_ms\n" + "".join(
        f"{i * 0.01:.2f},{'a' if i % 2 else 'b'},50\n" for i in range(2000)))
    f = tmp_path / "s.toml"
    f.write_text(f'as_of = 2026-01-01\n[workload]\ntrace = "{trace.name}"\n'
                 '[lambda]\nmemory_mb = 256\n'
                 '[lambda.functions.a]\nreserved_concurrency = 1\nmemory_mb = 1024\n')
    out = json.loads(run("simulate", "--scenario", str(f), "--format", "json").stdout)
    # Function a (1,000 invocations, 100/s x 50 ms) is capped at one environment: throttles.
    assert out["extra"]["throttles"] > 0
    assert out["invocations"]["arrived"] == 2000


def test_cli_trace_memory_above_the_limit_cannot_run(tmp_path):
    # Issue 19, item 16: Lambda offers at most 3,008 MB before 2020-12-01 (10,240 MB since); a
    # function whose trace memory is above it cannot run there (it is not run at the maximum).
    f = tmp_path / "t.csv"
    f.write_text("arrival_s,function,duration_ms,memory_mb\n1,a,100,20000\n2,b,5,150\n")
    p = run("simulate", str(f), "--as-of", "2019-01-01", "--format", "json", check=False)
    assert p.returncode == 2, p.stderr
    assert ("lambda cannot run this workload: function 'a' uses 20,000 MB of memory; Lambda's "
            "maximum on 2019-01-01 is 3,008 MB") in p.stderr
    p = run("simulate", str(f), "--as-of", "2026-01-01", check=False)
    assert p.returncode == 2 and "maximum on 2026-01-01 is 10,240 MB" in p.stderr
    # A configured memory runs it at that size.
    out = json.loads(run("simulate", str(f), "--as-of", "2026-01-01", "--memory-mb", "10240",
                         "--format", "json").stdout)
    assert out["invocations"]["completed"] == 2
    # The comparison says the same, and compares the other platforms.
    r = json.loads(run("report", str(f), "--as-of", "2026-01-01", "--platforms", "lambda,fargate",
                       "--format", "json", "--quiet").stdout)
    lam = r["platforms"]["lambda"]
    assert "uses 20,000 MB of memory" in lam["impossible"]
    # Python: a ValueError (slsim.ImpossibleError) saying why.
    wl = slsim.Workload.from_csv(str(f))
    with pytest.raises(slsim.ImpossibleError, match="uses 20,000 MB of memory; Lambda's maximum"):
        slsim.simulate(wl, slsim.Lambda(), as_of="2026-01-01")
    assert issubclass(slsim.ImpossibleError, ValueError)


def test_the_same_work_runs_alike_from_a_csv_row_and_a_generator(tmp_path):
    # Issue 19, item 5: 200 ms of work at 1,024 MB from a CSV row and from a generator with
    # memory_mb = 1024 run alike on every platform: on a 1-vCPU Fargate task in
    # 200 · (0.5 + 0.5 · 1024/1769) = 158 ms, on Lambda at 1,024 MB in 200 ms.
    gen = slsim.Workload.poisson(rate_per_s=0.1, duration_s=300, duration_ms=200, memory_mb=1024,
                                 seed=2)
    f = tmp_path / "t.csv"
    f.write_text("arrival_s,function,duration_ms,memory_mb\n" +
                 "".join(f"{10 * i + 1},fn,200,1024\n" for i in range(30)))
    csv = slsim.Workload.from_csv(str(f))
    expect = 200 * (0.5 + 0.5 * 1024 / 1769)
    for wl in (gen, csv):
        far = slsim.simulate(wl, slsim.Fargate(vcpu=1, memory_gb=2, tasks=1), as_of="2026-01-01")
        assert far.summary()["latency_ms"]["p50"] == pytest.approx(expect, rel=0.02)
        lam = slsim.simulate(wl, slsim.Lambda(memory_mb=1024), as_of="2026-01-01")
        assert lam.summary()["latency_ms"]["p50"] == pytest.approx(200, rel=0.02)


# ---- issue 12: Python errors name the public argument; reprs evaluate back --------------------

@pytest.mark.parametrize("kwargs,match", [
    (dict(timeout_s=math.nan), "timeout_s: nan is not allowed"),
    (dict(timeout_s=0.5), "timeout_s: 0.5 is not allowed"),
    (dict(timeout_s=-1), "timeout_s: -1 is not allowed"),
    (dict(error_probability=-0.1), "error_probability: -0.1 is not allowed"),
    (dict(init_ms=-100), "init_ms: "),
    (dict(memory_mb=-5), "memory_mb: -5 is not allowed"),
    (dict(reserved_concurrency=-1), "reserved_concurrency: -1 is not allowed"),
    (dict(invocation="queue", timeout_s=60, visibility_timeout_s=30), "visibility_timeout_s: 30 s"),
])
def test_lambda_bad_values_raise_value_error_naming_the_keyword(kwargs, match):
    with pytest.raises(ValueError, match=match) as e:
        slsim.Lambda(**kwargs)
    assert not isinstance(e.value, slsim.PricingError)
    assert "incompatible function arguments" not in str(e.value)
    assert "_core" not in str(e.value) and "lambda." not in str(e.value)


@pytest.mark.parametrize("kwargs", [dict(memory_mb="big"), dict(vpc="yes"), dict(timeout_s="30"),
                                    dict(functions=[1, 2]), dict(keep_alive_s=[1])])
def test_lambda_wrong_types_raise_type_error_naming_the_keyword(kwargs):
    with pytest.raises(TypeError) as e:
        slsim.Lambda(**kwargs)
    name = next(iter(kwargs))
    assert name in str(e.value)
    assert "incompatible function arguments" not in str(e.value)


def test_simulate_arguments_are_checked_with_their_names():
    wl = slsim.Workload.poisson(rate_per_s=1, duration_s=10)
    with pytest.raises(ValueError, match="seed: -1 is not allowed"):
        slsim.simulate(wl, slsim.Lambda(), seed=-1)
    with pytest.raises(TypeError, match="seed must be a whole number"):
        slsim.simulate(wl, slsim.Lambda(), seed="x")
    with pytest.raises(TypeError, match="platform must be a slsim.Lambda"):
        slsim.simulate(wl, "lambda")
    with pytest.raises(ValueError, match="discount_pct: 200 is not allowed"):
        slsim.simulate(wl, slsim.Lambda(), discount_pct=200)
    # Date-dependent rules are checked at the simulation's as_of, as ValueError.
    with pytest.raises(ValueError, match="provisioned concurrency exists from 2019-12-03") as e:
        slsim.simulate(wl, slsim.Lambda(provisioned_concurrency=1), as_of="2019-01-01")
    assert not isinstance(e.value, slsim.PricingError)
    with pytest.raises(ValueError, match="functions.nosuch: the workload has no function"):
        slsim.simulate(wl, slsim.Lambda(functions={"nosuch": slsim.Lambda(memory_mb=256)}))


def test_account_concurrency_below_100_simulates_in_python():
    wl = slsim.Workload.poisson(rate_per_s=5, duration_s=60, seed=2)
    r = slsim.simulate(wl, slsim.Lambda(memory_mb=512), account_concurrency=10)
    assert r.summary()["invocations"]["arrived"] == len(wl)


@pytest.mark.parametrize("make", [
    lambda: slsim.Workload.azure_like(rate_per_s=5, duration_s=60, functions=7, seed=3),
    lambda: slsim.Workload.poisson(rate_per_s=2, duration_s=30,
                                   duration_ms=slsim.LogNormal(median=120, p99=900)),
    lambda: slsim.Workload.diurnal(rate_per_s=2, duration_s=30, duration_ms="lognormal(median=120,p99=900)"),
    lambda: slsim.Workload.bursty(rate_per_s=2, duration_s=30, burst_factor=5.0),
    lambda: slsim.Lambda(memory_mb=256, init_ms="lognormal(median=200,p99=900)"),
    lambda: slsim.parse_distribution("lognormal(median=120,p99=900)"),
    lambda: slsim.Constant(5),
])
def test_repr_evaluates_to_an_equal_object(make):
    obj = make()
    again = eval(repr(obj), {"slsim": slsim})
    assert again == obj
    assert repr(again) == repr(obj)


def test_workload_generators_refuse_negative_durations():
    with pytest.raises(ValueError, match="value: -5.0 is not allowed|value: -5 is not allowed"):
        slsim.Constant(-5)
    with pytest.raises(ValueError, match="duration_ms"):
        slsim.Workload.poisson(rate_per_s=1, duration_s=10, duration_ms=-5)
    with pytest.raises(TypeError, match="rate_per_s must be a number"):
        slsim.Workload.poisson(rate_per_s="fast", duration_s=10)


def test_to_pandas_gives_function_names():
    wl = slsim.Workload.from_arrays(arrival_s=[0.0, 1.0, 2.0], duration_ms=[10, 20, 30],
                                    function=["api", "worker", "api"])
    df = slsim.simulate(wl, slsim.Lambda(memory_mb=256), records=True).to_pandas()
    assert sorted(df["function"].astype(str)) == ["api", "api", "worker"]


def test_latency_is_none_when_nothing_completed():
    wl = slsim.Workload.poisson(rate_per_s=2, duration_s=30, function="api")
    r = slsim.simulate(wl, slsim.Lambda(functions={"api": slsim.Lambda(reserved_concurrency=0)}))
    s = r.summary()
    assert s["invocations"]["completed"] == 0
    assert s["latency_ms"] is None  # nothing ran: no latency, never 0.0
    assert "n/a" in repr(r)
