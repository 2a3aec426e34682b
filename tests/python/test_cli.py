"""The slsim command-line tool: report on the default scenario, trace stats, bad input."""

import json
import os
import subprocess
from pathlib import Path

import pytest

CLI = os.environ.get("SLSIM_CLI", "build/bin/slsim")
SRC = Path(os.environ.get("SLSIM_SOURCE_DIR", "."))


def run(*args, check=True):
    p = subprocess.run([CLI, *args], capture_output=True, text=True)
    if check and p.returncode != 0:
        raise AssertionError(f"slsim {' '.join(args)} failed ({p.returncode}): {p.stderr}")
    return p


def test_report_default_scenario_json():
    out = json.loads(run("report", "--scenario", str(SRC / "examples/default.toml"),
                         "--format", "json").stdout)
    wl = out["workload"]
    assert out["scenario"]["name"] == "default"
    assert out["scenario"]["as_of"] == "2026-11-01"
    # 20/s for an hour: 72,000 expected; Poisson sd ~ 268.
    assert abs(wl["invocations"] - 72_000) < 5 * 268
    assert wl["duration_ms"]["p50"] == pytest.approx(120, rel=0.03)
    assert wl["duration_ms"]["p99"] == pytest.approx(900, rel=0.08)
    # Poisson arrivals: inter-arrival CV close to 1.
    assert wl["interarrival_cv"] == pytest.approx(1.0, abs=0.02)


def test_report_is_deterministic_and_table_readable():
    a = run("report", "--scenario", str(SRC / "examples/default.toml")).stdout
    b = run("report", "--scenario", str(SRC / "examples/default.toml")).stdout
    assert a == b
    assert "invocations" in a and "duration p50 / p90 / p99 (ms)" in a


def test_trace_stats_counts_rows(tmp_path):
    f = tmp_path / "t.csv"
    f.write_text("arrival_s,function,duration_ms,memory_mb\n0.5,a,10,128\n1.0,b,20,256\n"
                 "1.5,a,30,128\n")
    out = json.loads(run("trace", "stats", str(f), "--format", "json").stdout)
    assert out["invocations"] == 3
    assert out["functions"] == 2
    assert out["span_s"] == pytest.approx(1.0)
    assert out["top_functions"][0] == {"function": "a", "invocations": 2,
                                       "share": pytest.approx(2 / 3)}


def test_bad_trace_row_names_file_line_and_column(tmp_path):
    f = tmp_path / "bad.csv"
    f.write_text("arrival_s,function,duration_ms\n0.5,a,10\n1.0,b,abc\n")
    p = run("trace", "stats", str(f), check=False)
    assert p.returncode == 2
    assert f"{f}:3:3: duration_ms: 'abc' is not a number" in p.stderr


def test_bad_scenario_says_what_is_allowed(tmp_path):
    f = tmp_path / "s.toml"
    f.write_text('[workload]\ngenerator = "poisson"\nrate_per_s = -1\n')
    p = run("report", "--scenario", str(f), check=False)
    assert p.returncode == 2
    assert "workload.rate_per_s: must be > 0" in p.stderr
