"""Issue 19, "Smaller defects": refusals instead of silent answers, one rule per front end."""

import os
import subprocess
from pathlib import Path

import pytest

import slsim

CLI = os.environ.get("SLSIM_CLI", "build/bin/slsim")


def run(*args, timeout=300):
    return subprocess.run([CLI, *args], capture_output=True, text=True, timeout=timeout)


def trace(tmp_path, rows, name="t.csv"):
    p = tmp_path / name
    p.write_text("arrival_s,function,duration_ms,memory_mb,invocation\n" +
                 "".join(f"{r}\n" for r in rows))
    return p


def test_empty_trace_is_refused_not_recommended(tmp_path):
    p = trace(tmp_path, [])
    r = run("report", str(p), "--as-of", "2026-11-01", "-q")
    assert r.returncode == 2, r.stdout[:300]
    assert "the workload has no invocations" in r.stderr
    assert "$0.00" not in r.stdout
    wl = slsim.Workload.from_csv(str(p))
    with pytest.raises(ValueError, match="no invocations"):
        slsim.compare(wl, [slsim.Lambda()], as_of="2026-11-01")


def test_compare_with_no_platform_is_refused():
    wl = slsim.Workload.poisson(rate_per_s=1, duration_s=60)
    with pytest.raises(ValueError, match="no platform"):
        slsim.compare(wl, [], as_of="2026-11-01")


def test_account_concurrency_zero_is_refused_as_by_the_cli(tmp_path):
    wl = slsim.Workload.poisson(rate_per_s=1, duration_s=60)
    with pytest.raises(ValueError, match="account_concurrency"):
        slsim.compare(wl, [slsim.Lambda()], as_of="2026-11-01", account_concurrency=0)
    p = trace(tmp_path, ["0.1,f,100,128,sync"])
    r = run("simulate", str(p), "--account-concurrency", "0")
    assert r.returncode == 2 and "account" in r.stderr
    # None is the era's default, as the CLI without the flag.
    slsim.compare(wl, [slsim.Lambda()], as_of="2026-11-01", account_concurrency=None)


def test_contradicting_front_door_flags_are_refused(tmp_path):
    p = trace(tmp_path, ["0.1,f,100,128,sync"])
    r = run("report", str(p), "--no-front-door", "--front-door", "rest-api", "-q")
    assert r.returncode == 2
    assert "--no-front-door" in r.stderr and "--front-door" in r.stderr


def test_generate_refuses_a_flag_its_pattern_does_not_read():
    r = run("generate", "--pattern", "poisson", "--duration-s", "5", "--burst-factor", "5")
    assert r.returncode == 2
    assert "--burst-factor" in r.stderr and "poisson" in r.stderr
    r = run("generate", "--pattern", "bursty", "--duration-s", "5", "--burst-factor", "5")
    assert r.returncode == 0, r.stderr


def test_price_with_an_unknown_region_fails_even_without_usage():
    r = run("price", "lambda", "--memory-mb", "128", "--region", "mars-1")
    assert r.returncode == 2
    assert "--region" in r.stderr and "mars-1" in r.stderr and "us-east-1" in r.stderr
    with pytest.raises(ValueError, match="mars-1"):
        slsim.price_lambda(memory_mb=128, region="mars-1")


def test_queue_only_report_header_names_no_front_door(tmp_path):
    p = trace(tmp_path, [f"{i * 0.5},f,100,128,queue" for i in range(20)])
    r = run("report", str(p), "--as-of", "2026-11-01", "--platforms", "lambda,fargate", "-q",
            "--format", "markdown")
    assert r.returncode == 0, r.stderr
    line = next(x for x in r.stdout.splitlines() if "front door" in x)
    assert "for Lambda" not in line and "an Application Load Balancer" not in line
    assert "none: the workload has no HTTP" in line


def test_simulate_says_report_adds_the_front_door(tmp_path):
    p = trace(tmp_path, [f"{i * 0.5},f,100,128,sync" for i in range(20)])
    r = run("simulate", str(p), "--platform", "fargate", "--as-of", "2026-11-01")
    assert r.returncode == 0, r.stderr
    assert "slsim report` adds the front door" in r.stdout


def _tidy(text):
    import csv
    import io

    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["table", "row", "column", "value"], rows[0]
    assert all(len(r) == 4 for r in rows)
    return rows[1:]


def test_every_comparison_command_prints_tidy_csv(tmp_path):
    p = trace(tmp_path, [f"{i * 0.5},f,100,128,sync" for i in range(40)])
    common = ["--as-of", "2026-11-01", "-q", "--format", "csv"]
    rep = run("report", str(p), "--platforms", "lambda,fargate", *common)
    assert rep.returncode == 0, rep.stderr
    rows = _tidy(rep.stdout)
    tables = {r[0] for r in rows}
    assert {"platforms", "lambda_bill", "fargate_bill", "recommendation"} <= tables
    # The bill's lines are in the CSV, with the front door.
    assert any(r[0] == "fargate_bill" and "Load Balancer" in r[1] for r in rows)
    assert any(r[0] == "lambda_bill" and r[1] == "total" and r[2] == "monthly_usd" for r in rows)
    be = run("breakeven", str(p), "--platforms", "lambda", "--scale", "0.5:2", "--points", "2",
             *common)
    assert be.returncode == 0, be.stderr
    rows = _tidy(be.stdout)
    assert {r[0] for r in rows} == {"breakeven", "breakeven_lambda"}
    assert any(r[0] == "breakeven_lambda" and r[2] == "meets_objectives" for r in rows)
    tu = run("tune", "lambda", str(p), "--memory-mb", "128,512", *common)
    assert tu.returncode == 0, tu.stderr
    assert {r[0] for r in _tidy(tu.stdout)} == {"tune"}
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    for f in (a, b):
        r = run("report", str(p), "--platforms", "lambda", "--as-of", "2026-11-01", "-q",
                "--format", "json", "-o", str(f))
        assert r.returncode == 0, r.stderr
    d = run("diff", str(a), str(b), "--format", "csv")
    assert d.returncode == 0, d.stderr
    assert {r[0] for r in _tidy(d.stdout)} == {"diff_lambda", "recommendation"}


def test_breakeven_shows_error_rate_and_marks_points_that_miss_the_objectives(tmp_path):
    # Three-second requests on a Lambda with a 1 s timeout: every request fails. (Over 100 s: a
    # span under a minute gets no judgement at all, docs/models.md.)
    p = trace(tmp_path, [f"{i * 0.5},f,3000,128,sync" for i in range(200)])
    sc = tmp_path / "s.toml"
    sc.write_text(f'as_of = 2026-11-01\n[workload]\ntrace = "{p}"\n[lambda]\ntimeout_s = 1\n')
    r = run("breakeven", "--scenario", str(sc), "--platforms", "lambda", "--scale", "0.5:1",
            "--points", "2", "-q")
    assert r.returncode == 0, r.stderr
    assert "errors" in r.stdout and "100.00%" in r.stdout
    assert "✗" in r.stdout and "misses the objectives" in r.stdout
    wl = slsim.Workload.from_csv(str(p))
    b = slsim.breakeven(wl, [slsim.Lambda(timeout_s=1)], scale=(0.5, 1), points=2,
                        as_of="2026-11-01")
    df = b.to_pandas()
    assert not df["meets_objectives"].any()
    assert (df["error_rate"] == 1).all()


def test_a_schedule_can_be_the_only_workload(tmp_path):
    sc = tmp_path / "nightly.toml"
    sc.write_text('as_of = 2026-11-01\n[[workloads]]\ngenerator = "schedule"\nfunction = "nightly"\n'
                  'at_hour = 2\ncount = 3\nduration_s = 172800\nduration_ms = 1000\n'
                  'invocation = "async"\n')
    r = run("simulate", "--scenario", str(sc), "--format", "json")
    assert r.returncode == 0, r.stderr
    import json

    assert json.loads(r.stdout)["invocations"]["arrived"] == 6  # 3 a night, two nights
    r = run("report", "--scenario", str(sc), "--platforms", "lambda", "-q")
    assert r.returncode == 0, r.stderr
    assert "nightly" in r.stdout
    # Neither table at all is still an error, naming both.
    bad = tmp_path / "none.toml"
    bad.write_text('as_of = 2026-11-01\n')
    r = run("simulate", "--scenario", str(bad))
    assert r.returncode == 2 and "[[workloads]]" in r.stderr
