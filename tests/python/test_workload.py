"""slsim.Workload: readers, generators, arrays, stats and pandas export."""

import csv
import json
import math
import os
from pathlib import Path

import numpy as np
import pytest

import slsim

SRC = Path(os.environ.get("SLSIM_SOURCE_DIR", "."))
A21 = SRC / "tests/data/azure2021/Azure2021_200.csv"
A19 = SRC / "tests/data/azure2019-format"


def independent_azure2021():
    """Counts computed with the csv module only (no slsim code)."""
    with open(A21, newline="") as f:
        rows = list(csv.DictReader(f))
    starts = [float(r["end_timestamp"]) - float(r["duration"]) for r in rows]
    return len(rows), {(r["app"], r["func"]) for r in rows}, min(starts), max(starts)


def test_azure2021_sample_matches_an_independent_count():
    n, functions, first, last = independent_azure2021()
    w = slsim.Workload.from_azure2021(A21)
    assert len(w) == n == 199
    s = w.stats()
    assert s["functions"] == len(functions) == 31
    assert s["first_arrival_s"] == pytest.approx(first, abs=1e-6)
    assert s["span_s"] == pytest.approx(last - first, abs=1e-6)
    df = w.to_pandas()
    assert list(df.columns) == ["arrival_s", "function", "duration_ms", "memory_mb", "invocation"]
    assert len(df) == 199 and df["arrival_s"].is_monotonic_increasing
    assert df["function"].nunique() == 31
    assert (df["duration_ms"] == 0).sum() == 8


def test_azure2021_selection_and_repr():
    w = slsim.Workload.from_azure2021(A21, top_n=2)
    assert len(w) == 64
    assert repr(w) == f"slsim.Workload.from_azure2021({str(A21)!r}, top_n=2)"
    again = eval(repr(w), {"slsim": slsim})
    assert len(again) == 64
    window = slsim.Workload.from_azure2021(A21, start_s=100, end_s=200)
    arr = window.to_arrays()["arrival_s"]
    assert arr.min() >= 100 and arr.max() < 200


def test_azure2019_expansion():
    w = slsim.Workload.from_azure2019(A19 / "invocations.csv", durations=A19 / "durations.csv",
                                      memory=A19 / "memory.csv", seed=3)
    df = w.to_pandas()
    assert len(df) == 1150 + 3 * 1125
    assert sorted(df.groupby("function", observed=True).size().tolist()) == [1125, 1125, 1125, 1150]
    assert set(df["invocation"]) == {"queue", "async"}  # three queue triggers, one timer
    assert df["arrival_s"].max() < 86400
    again = eval(repr(w), {"slsim": slsim})
    assert np.array_equal(again.to_arrays()["arrival_s"], w.to_arrays()["arrival_s"])


def test_poisson_generator_as_in_the_docs():
    wl = slsim.Workload.poisson(rate_per_s=0.9, duration_s=1e5,
                                duration_ms=slsim.Exponential(mean=1991), seed=1)
    n = len(wl)
    assert abs(n - 90_000) < 5 * math.sqrt(90_000)
    s = wl.stats()
    assert s["duration_ms"]["mean"] == pytest.approx(1991, rel=0.03)
    assert s["interarrival_cv"] == pytest.approx(1.0, abs=0.02)
    assert len(eval(repr(wl), {"slsim": slsim})) == n


@pytest.mark.parametrize("make", [
    lambda: slsim.Workload.diurnal(rate_per_s=5, duration_s=86400, weekend_factor=1.0, seed=2),
    lambda: slsim.Workload.bursty(rate_per_s=5, duration_s=20000, seed=2),
    lambda: slsim.Workload.azure_like(rate_per_s=5, duration_s=20000, functions=50, seed=2),
])
def test_other_generators_hit_their_mean_rate(make):
    w = make()
    s = w.stats()
    assert s["mean_rate_per_s"] == pytest.approx(5, rel=0.1)
    assert len(make()) == s["invocations"]  # seeded: same again


def test_from_arrays_sorts_and_validates():
    w = slsim.Workload.from_arrays(arrival_s=np.array([3.0, 1.0, 2.0]), duration_ms=[10, 20, 30],
                                   function=["b", "a", "b"], memory_mb=[128, 256, 128],
                                   invocation=["sync", "async", "queue"])
    df = w.to_pandas()
    assert df["arrival_s"].tolist() == [1.0, 2.0, 3.0]
    assert df["function"].tolist() == ["a", "b", "b"]
    assert df["invocation"].tolist() == ["async", "queue", "sync"]
    with pytest.raises(ValueError, match=r"duration_ms\[1\] = -1"):
        slsim.Workload.from_arrays(arrival_s=[1, 2], duration_ms=[1, -1])
    with pytest.raises(ValueError, match="duration_ms has 1 values but arrival_s has 2"):
        slsim.Workload.from_arrays(arrival_s=[1, 2], duration_ms=[1])
    with pytest.raises(ValueError, match="sync, async or queue"):
        slsim.Workload.from_arrays(arrival_s=[1], duration_ms=[1], invocation=["later"])


def test_bad_trace_raises_trace_error_with_location(tmp_path):
    f = tmp_path / "bad.csv"
    f.write_text("arrival_s,function,duration_ms\n1,a,x\n")
    with pytest.raises(slsim.TraceError, match=r"bad.csv:2:3: duration_ms: 'x' is not a number"):
        len(slsim.Workload.from_csv(f))
    assert issubclass(slsim.TraceError, ValueError)


def test_csv_round_trip(tmp_path):
    w = slsim.Workload.bursty(rate_per_s=20, duration_s=100, duration_ms="lognormal(median=50,p99=400)",
                              memory_mb=512, seed=4)
    out = tmp_path / "t.csv"
    assert w.to_csv(out) == len(w)
    back = slsim.Workload.from_csv(out)
    a, b = w.to_arrays(), back.to_arrays()
    assert np.array_equal(a["arrival_s"], b["arrival_s"])
    assert np.array_equal(a["duration_ms"], b["duration_ms"])
    assert np.array_equal(b["memory_mb"], np.full(len(w), 512))


def test_skip_bad_rows_counts_and_reports(tmp_path):
    f = tmp_path / "bad.csv"
    f.write_text("arrival_s,function,duration_ms\n1,a,5\n2,a,x\n3,a,-1\n4,b,7\n5,c\n")
    with pytest.raises(slsim.TraceError, match=":3:3:"):
        len(slsim.Workload.from_csv(f))
    w = slsim.Workload.from_csv(f, skip_bad_rows=True)
    assert len(w) == 2
    s = w.stats()
    assert s["skipped_rows"] == 3
    assert s["skipped_examples"][0].endswith("bad.csv:3:3: duration_ms: 'x' is not a number")
    assert "skip_bad_rows=True" in repr(w)
    r = slsim.simulate(w, slsim.Lambda(memory_mb=128))
    assert any("3 malformed trace rows skipped" in n for n in r.notes)


# -- Lambda logs, RFC 4180 CSV and standard input ------------------------------------------------
LOGS = SRC / "tests/data/lambda-logs"
CLI = os.environ.get("SLSIM_CLI", "build/bin/slsim")


def independent_lambda_logs():
    """The sample's REPORT figures read with json and re only (no slsim code)."""
    import re

    events = json.loads((LOGS / "filter-log-events.json").read_text())["events"]
    rows = []
    for e in events:
        m = e["message"]
        if not m.startswith("REPORT "):
            continue
        dur = float(re.search(r"\tDuration: ([\d.]+) ms", m).group(1))
        billed = int(re.search(r"Billed Duration: (\d+) ms", m).group(1))
        mem = int(re.search(r"Memory Size: (\d+) MB", m).group(1))
        init = re.search(r"Init Duration: ([\d.]+) ms", m)
        init_ms = float(init.group(1)) if init else 0.0
        rows.append((e["timestamp"] / 1e3 - dur / 1e3 - init_ms / 1e3, dur, billed, mem, init_ms))
    rows.sort()
    return rows


@pytest.mark.parametrize("name", ["filter-log-events.json", "s3-export.txt"])
def test_lambda_logs_match_an_independent_reading(name):
    rows = independent_lambda_logs()
    w = slsim.Workload.from_lambda_logs(LOGS / name, log_group="/aws/lambda/orders-api")
    df = w.to_pandas()
    assert len(df) == len(rows) == 36
    assert set(df["function"]) == {"orders-api"}
    t0 = rows[0][0]
    assert df["arrival_s"].to_numpy() == pytest.approx([r[0] - t0 for r in rows], abs=2e-6)
    assert df["duration_ms"].to_numpy() == pytest.approx([r[1] for r in rows], abs=1e-9)
    assert set(df["memory_mb"]) == {512}
    logs = w.stats()["lambda_logs"]
    assert logs["requests"] == 36
    assert logs["cold_starts"] == sum(1 for r in rows if r[4] > 0) == 2
    assert logs["billed_ms"] == sum(r[2] for r in rows)
    assert logs["billed_gb_s"] == pytest.approx(sum(r[2] * r[3] for r in rows) / 1024 / 1000)
    assert logs["timeouts"] == 1
    again = eval(repr(w), {"slsim": slsim})
    assert repr(again) == repr(w) and len(again) == 36


def test_lambda_logs_bad_line_names_file_and_line(tmp_path):
    f = tmp_path / "fn.log"
    f.write_text("2024-05-01T12:00:01.000Z REPORT RequestId: a Duration: 1.00 ms Billed Duration: "
                 "1 ms Memory Size: 128 MB\n"
                 "2024-05-01T12:00:02.000Z REPORT RequestId: b Duration: fast ms Billed Duration: "
                 "1 ms Memory Size: 128 MB\n")
    with pytest.raises(slsim.TraceError, match=r"fn.log:2:\d+: Duration: 'fast' is not a number"):
        len(slsim.Workload.from_lambda_logs(f))
    w = slsim.Workload.from_lambda_logs(f, skip_bad_rows=True, function="checkout")
    assert len(w) == 1 and w.stats()["skipped_rows"] == 1
    assert w.to_pandas()["function"].tolist() == ["checkout"]


def test_csv_with_awkward_names_round_trips_and_reads_with_the_csv_module(tmp_path):
    names = ["a,b", 'say "hi"', " padded ", "two\nlines", "plain"]
    w = slsim.Workload.from_arrays(arrival_s=[0, 1, 2, 3, 4], duration_ms=[1, 2, 3, 4, 5],
                                   function=names)
    out = tmp_path / "awkward.csv"
    w.to_csv(out)
    with open(out, newline="") as f:
        rows = list(csv.DictReader(f))
    assert sorted(r["function"] for r in rows) == sorted(names)
    back = slsim.Workload.from_csv(out).to_pandas()
    assert sorted(back["function"].astype(str)) == sorted(names)
    spaced = tmp_path / "spaced.csv"
    spaced.write_text("arrival_s, function ,duration_ms\n0, fn ,1\n1,\" fn\",2\n\n\n")
    df = slsim.Workload.from_csv(spaced).to_pandas()
    assert df["function"].astype(str).tolist() == ["fn", " fn"]


def test_cli_reads_a_trace_from_standard_input():
    import subprocess

    def stats(path, stdin_file, *extra):
        with open(stdin_file, "rb") as f:
            p = subprocess.run([CLI, "trace", "stats", path, "--format", "json", *extra],
                               stdin=f, capture_output=True, text=True)
        return p

    via_file = stats(str(A21), os.devnull)
    via_stdin = stats("-", A21)
    assert via_file.returncode == 0 and via_stdin.returncode == 0, via_stdin.stderr
    a, b = json.loads(via_file.stdout), json.loads(via_stdin.stdout)
    assert a["invocations"] == b["invocations"] == 199
    assert a["span_s"] == b["span_s"]
    logs = stats("-", LOGS / "filter-log-events.json", "--log-group", "/aws/lambda/orders-api")
    assert logs.returncode == 0, logs.stderr
    j = json.loads(logs.stdout)
    assert j["invocations"] == 36 and j["lambda_logs"]["cold_starts"] == 2
    assert j["top_functions"][0]["function"] == "orders-api"
    # A second pass (top-N) works too: the command line reads a temporary copy of standard input.
    twice = stats("-", A21, "--top", "3")
    assert twice.returncode == 0, twice.stderr
    top_file = json.loads(stats(str(A21), os.devnull, "--top", "3").stdout)
    assert json.loads(twice.stdout)["invocations"] == top_file["invocations"]
    with open(os.devnull, "rb") as f:
        empty = subprocess.run([CLI, "trace", "stats", "-"], stdin=f, capture_output=True,
                               text=True)
    assert empty.returncode == 2 and "empty input" in empty.stderr
