"""Review of issue 19: a trace declares its span (W3), one span everywhere (M3), the workload's
mean rate (M9), notes in the CSV (M8), short-span quantities (C2), errors that name no flag
nobody gave (C3)."""

import csv
import io
import json
import os
import random
import re
from pathlib import Path

import pytest

from slsimcli import run

SRC = Path(os.environ.get("SLSIM_SOURCE_DIR", "."))


def nightly(tmp_path, at_s=0.0, n=2000):
    """`n` async jobs of 60-120 s, 2,048 MB, arriving within one second from `at_s`."""
    rnd = random.Random(1)
    f = tmp_path / "nightly.csv"
    with open(f, "w") as out:
        out.write("arrival_s,function,duration_ms,memory_mb,invocation\n")
        for i in range(n):
            out.write(f"{at_s + i / n:.4f},job,{rnd.uniform(60000, 120000):.0f},2048,async\n")
    return f


def report_json(*args):
    return json.loads(run("report", *args, "--format", "json", "--quiet").stdout)


# ---- W3: a trace declares the period it stands for ---------------------------------------------

def test_span_flag_declares_a_nightly_day(tmp_path):
    f = nightly(tmp_path)
    out = report_json(str(f), "--span-s", "86400", "--platforms", "lambda,batch")
    assert out["workload"]["span_s"] == 86400
    for p in out["platforms"].values():
        assert p["cost"]["span_s"] == 86400
        assert p["span_s"] == 86400
    # Both drain the night's burst within the day: neither "falls behind", one is recommended.
    reasons = out["recommendation"]["reasons"]
    assert not any("falls behind" in r for r in reasons.values()), reasons
    assert out["recommendation"]["platform"] in ("lambda", "batch")


def test_span_key_in_the_scenario_file(tmp_path):
    f = nightly(tmp_path)
    s = tmp_path / "n.toml"
    s.write_text(f'name = "n"\nas_of = 2026-11-01\n[workload]\ntrace = "{f.name}"\nspan_s = 86400\n')
    out = report_json("--scenario", str(s), "--platforms", "lambda")
    assert out["platforms"]["lambda"]["cost"]["span_s"] == 86400
    # duration_s is a generator's: the refusal points a trace to span_s.
    s.write_text(f'[workload]\ntrace = "{f.name}"\nduration_s = 86400\n')
    p = run("report", "--scenario", str(s), check=False)
    assert p.returncode == 2
    assert "duration_s" in p.stderr and "span_s" in p.stderr


def test_span_before_the_last_arrival_is_refused_naming_the_flag_or_key(tmp_path):
    f = nightly(tmp_path, at_s=7200)
    p = run("report", str(f), "--span-s", "3600", "--quiet", check=False)
    assert p.returncode == 2
    assert "--span-s" in p.stderr and "7200" in p.stderr and "flags:" not in p.stderr
    p = run("report", str(f), "--span-s", "0", "--quiet", check=False)
    assert p.returncode == 2 and "--span-s" in p.stderr and "> 0" in p.stderr
    s = tmp_path / "n.toml"
    s.write_text(f'[workload]\ntrace = "{f.name}"\nspan_s = -1\n')
    p = run("report", "--scenario", str(s), check=False)
    assert p.returncode == 2 and "[workload] span_s" in p.stderr and "> 0" in p.stderr


def test_span_keyword_in_python(tmp_path):
    import slsim
    f = nightly(tmp_path, n=50)
    w = slsim.Workload.from_csv(f, span_s=86400)
    assert "span_s=86400" in repr(w)
    with pytest.raises(ValueError, match="span_s"):
        slsim.Workload.from_csv(f, span_s=0)


def test_a_one_second_burst_gets_no_recommendation_and_says_why(tmp_path):
    f = nightly(tmp_path)
    out = report_json(str(f), "--platforms", "lambda,batch")
    rec = out["recommendation"]
    assert rec["platform"] is None
    assert "--span-s" in rec["summary"]
    assert not any("falls behind" in r for r in rec["reasons"].values())


# ---- M3: one span in every place ---------------------------------------------------------------

def test_simulate_and_report_json_show_the_workload_span():
    sim = run("simulate", "--scenario", str(SRC / "examples/default.toml"), "--platform",
              "fargate", "--format", "json").stdout
    j = json.loads(sim)
    assert j["span_s"] == 86400
    assert j["extra"]["alb_hours"] == 24
    out = report_json("--scenario", str(SRC / "examples/default.toml"))
    for name, p in out["platforms"].items():
        if "impossible" in p:
            continue
        assert p["span_s"] == p["cost"]["span_s"] == 86400, name
        assert p["worked_s"] >= 86400
        if "alb_hours" in p["extra"]:
            assert p["extra"]["alb_hours"] == 24


# ---- M9: the mean rate is over the span, never above the peak -----------------------------------

def test_mean_rate_over_the_span_not_above_the_peak(tmp_path):
    f = nightly(tmp_path, at_s=7200)
    table = run("report", str(f), "--platforms", "lambda", "--quiet").stdout
    line = next(l for l in table.splitlines() if l.startswith("rate mean / peak second"))
    mean, peak = (float(x.replace(",", "")) for x in line.split()[-3::2])
    assert mean <= peak
    assert mean == pytest.approx(2000 / 7201, abs=0.01)
    out = report_json(str(f), "--platforms", "lambda")
    assert out["workload"]["mean_rate_per_s"] == pytest.approx(2000 / out["workload"]["span_s"])


# ---- M8: notes in the CSV ----------------------------------------------------------------------

def test_report_csv_carries_every_note(tmp_path):
    f = tmp_path / "t10.csv"
    f.write_text("arrival_s,function,duration_ms\n" + "".join(f"{i},api,100\n" for i in range(10)))
    text = run("report", str(f), "--format", "csv", "--quiet").stdout
    rows = list(csv.DictReader(io.StringIO(text)))
    notes = [r for r in rows if r["table"] == "notes"]
    assert any("shorter than an hour" in r["value"] for r in notes if r["column"] == "note")
    out = report_json(str(f))
    expected = sum(len(set(p.get("notes", []))) for p in out["platforms"].values())
    assert len([r for r in notes if r["column"] == "note"]) == expected
    # Tidy: one value per (table, row, column).
    keys = [(r["table"], r["row"], r["column"]) for r in rows]
    assert len(keys) == len(set(keys))


# ---- C2: short-span quantities -----------------------------------------------------------------

def test_short_span_quantities_are_not_zero_beside_dollars(tmp_path):
    f = tmp_path / "t10.csv"
    f.write_text("arrival_s,function,duration_ms\n" + "".join(f"{i},api,100\n" for i in range(10)))
    table = run("report", str(f), "--quiet").stdout
    assert not re.search(r"\$0\.0000(?!\d)", table)  # a credit or charge that reads as none
    for line in table.splitlines():
        if "ALB-hours" in line or "LCU-hours" in line or "instance-hours" in line:
            assert " 0 ALB-hours" not in line and " 0.0 " not in line and " 0 LCU" not in line, line
            assert not re.search(r"\$0\.00(?!\d)", line), line


def test_spot_discount_line_has_no_zero_quantity(tmp_path):
    f = tmp_path / "q.csv"
    f.write_text("arrival_s,function,duration_ms,memory_mb,invocation\n"
                 + "".join(f"{i * 10},jobs,1000,1024,queue\n" for i in range(360)))
    text = run("simulate", str(f), "--platform", "fargate", "--spot").stdout
    line = next(l for l in text.splitlines() if "Spot discount" in l)
    assert line.split(")")[1].split()[0] != "0", line


# ---- C3: no "flags:" when no flag was involved -------------------------------------------------

def test_empty_trace_error_names_the_trace_not_flags(tmp_path):
    f = tmp_path / "empty.csv"
    f.write_text("arrival_s,function,duration_ms\n")
    p = run("report", str(f), check=False)
    assert p.returncode == 2
    assert "flags:" not in p.stderr
    assert "no invocations" in p.stderr and "empty.csv" in p.stderr
