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
                         "--format", "json", "--quiet").stdout)
    wl = out["workload"]
    assert out["scenario"]["name"] == "default"
    assert out["scenario"]["as_of"] == "2026-11-01"
    # A day of three workloads: the API at a mean of 20/s (1,728,000), the bursty queue
    # consumer at 2/s (172,800) and one nightly job.
    assert abs(wl["invocations"] - 1_900_801) < 0.03 * 1_900_801
    assert wl["functions"] == 3
    # The daily cycle and the bursts make arrivals burstier than Poisson (CV above 1).
    assert wl["interarrival_cv"] > 1.0
    assert wl["peak_rate_per_min"] > 1.5 * wl["mean_rate_per_s"] * 60
    # The nightly job runs ~40 minutes, longer than Lambda's 15-minute maximum: the report says
    # so instead of printing a cost.
    lam = out["platforms"]["lambda"]
    assert "nightly-report" in lam["impossible"] and "900 s" in lam["impossible"]
    assert out["recommendation"]["platform"] is None


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
    assert out["memory_mb"]["p50"] == pytest.approx(128, rel=0.01)
    assert out["memory_mb"]["max"] == 256
    assert set(out["memory_mb"]) == {"p50", "p90", "p99", "max"}


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


def test_generate_then_stats(tmp_path):
    out = tmp_path / "g.csv"
    p = run("generate", "--pattern", "bursty", "--rate-per-s", "10", "--duration-s", "600",
            "--duration-ms", "lognormal(median=120,p99=900)", "--seed", "5", "-o", str(out))
    assert "wrote" in p.stderr
    stats = json.loads(run("trace", "stats", str(out), "--format", "json").stdout)
    with open(out) as f:
        rows = f.read().splitlines()
    assert rows[0] == "arrival_s,function,duration_ms,memory_mb,invocation"
    assert stats["invocations"] == len(rows) - 1
    # Same seed, same file.
    out2 = tmp_path / "g2.csv"
    run("generate", "--pattern", "bursty", "--rate-per-s", "10", "--duration-s", "600",
        "--duration-ms", "lognormal(median=120,p99=900)", "--seed", "5", "-o", str(out2))
    assert out.read_bytes() == out2.read_bytes()


def test_generate_rejects_bad_options():
    p = run("generate", "--pattern", "bursty", "--burst-fraction", "1.5", check=False)
    assert p.returncode == 2
    assert "burst_fraction must be in (0, 1)" in p.stderr
    p = run("generate", "--duration-ms", "lognormal(median=5)", check=False)
    assert p.returncode == 2
    assert "lognormal(median=M,p99=P)" in p.stderr


def test_trace_stats_azure_formats_and_selection():
    a21 = str(SRC / "tests/data/azure2021/Azure2021_200.csv")
    s = json.loads(run("trace", "stats", a21, "--format", "json").stdout)
    assert s["invocations"] == 199 and s["functions"] == 31
    top = json.loads(run("trace", "stats", a21, "--top", "2", "--format", "json").stdout)
    assert top["invocations"] == 64
    d = SRC / "tests/data/azure2019-format"
    s19 = json.loads(run("trace", "stats", str(d / "invocations.csv"), "--durations",
                         str(d / "durations.csv"), "--memory", str(d / "memory.csv"),
                         "--format", "json").stdout)
    assert s19["invocations"] == 4525
    assert s19["invocation_types"] == {"sync": 0, "async": 1125, "queue": 3400}
    p = run("trace", "stats", str(d / "invocations.csv"), check=False)
    assert p.returncode == 2 and "needs its durations file" in p.stderr


@pytest.mark.parametrize("content,expect", [
    (b"", "empty file"),
    (b"\x1f\x8b\x08\x00\x00", "gzip-compressed"),
    (b"arrival_s,function,duration_ms\r\n1,a,5\r\n2,a,nan\r\n", ":3:3: duration_ms: NaN"),
    (b"arrival_s,function,duration_ms\n1,a,5\narrival_s,function,duration_ms\n", ":3:1: duplicate header"),
])
def test_trace_stats_bad_input(tmp_path, content, expect):
    f = tmp_path / "bad.csv"
    f.write_bytes(content)
    p = run("trace", "stats", str(f), check=False)
    assert p.returncode == 2
    assert expect in p.stderr
