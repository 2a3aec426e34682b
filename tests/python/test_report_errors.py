"""Bad input to the comparison commands (`slsim report`, `breakeven`, `tune lambda`, `diff`):
each is refused with exit 2 naming the flag and what is allowed, a write failure is exit 1, and a
--fail-above-* gate that cannot be checked never passes silently (exit 3)."""

import json
import math
import os
import subprocess
from pathlib import Path

import pytest

CLI = os.environ.get("SLSIM_CLI", "build/bin/slsim")
SRC = Path(os.environ.get("SLSIM_SOURCE_DIR", "."))
GOLDEN = SRC / "tests/golden/report"

# A guard against a hang (e.g. a huge --scale running for minutes), not a timing assertion.
HANG_GUARD_S = 300

# Jobs of 50 minutes (at 128 MB; 28 minutes at 512 MB): longer than Lambda's 900 s maximum
# timeout, so Lambda cannot run them.
LONG_JOBS = """name = "long"
seed = 5
as_of = 2026-11-01
region = "us-east-1"

[workload]
generator = "poisson"
rate_per_s = 0.01
duration_s = 3600
duration_ms = 3000000
function = "job"
invocation = "async"

[lambda]
memory_mb = 512
timeout_s = 900
"""

COMMANDS = [["report"], ["breakeven", "--points", "1", "--scale", "1"], ["tune", "lambda",
                                                                         "--memory-mb", "512"]]


def run(*args, cwd=GOLDEN):
    e = dict(os.environ)
    e.pop("NO_COLOR", None)
    return subprocess.run([CLI, *args], capture_output=True, text=True, cwd=cwd, env=e,
                          timeout=HANG_GUARD_S)


def refused(*args, flag, allowed, cwd=GOLDEN):
    p = run(*args, cwd=cwd)
    assert p.returncode == 2, f"slsim {' '.join(args)}: exit {p.returncode}: {p.stderr}"
    line = p.stderr.strip()
    assert len(line.splitlines()) == 1, p.stderr
    assert line.startswith(f"slsim: error: {flag}: "), p.stderr
    assert allowed in line, p.stderr
    assert "internal error" not in line and "Could not convert" not in line
    return line


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    d = tmp_path_factory.mktemp("reports")
    a, b = d / "a.json", d / "b.json"
    for path, extra in ((a, []), (b, ["--front-door", "rest-api"])):
        p = run("report", "--scenario", "small.toml", "--platforms", "lambda", "--format",
                "json", "-q", "-o", str(path), *extra)
        assert p.returncode == 0, p.stderr
    return a, b


# ---- 1. a gate that cannot be checked -----------------------------------------------------------

@pytest.mark.parametrize("flag,what", [("--fail-above-usd", "the monthly cost"),
                                       ("--fail-above-p99-ms", "the p99")])
def test_a_threshold_with_no_platform_able_to_run_exits_3(tmp_path, flag, what):
    f = tmp_path / "long.toml"
    f.write_text(LONG_JOBS)
    p = run("report", "-s", str(f), "--platforms", "lambda", flag, "1", "-q")
    assert p.returncode == 3, p.stderr
    assert (f"slsim: error: {flag}: no platform can run this workload, so {what} cannot be "
            "checked") in p.stderr
    # Without a threshold the same report is a success: nothing was asked to be checked.
    assert run("report", "-s", str(f), "--platforms", "lambda", "-q").returncode == 0


# ---- 2. diff --fail-above-pct -------------------------------------------------------------------

@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "abc", "-100.5", "1e400", ""])
def test_diff_fail_above_pct_refuses_what_is_not_a_percentage(reports, value):
    a, b = reports
    refused("diff", str(a), str(b), "--fail-above-pct", value, flag="--fail-above-pct",
            allowed="a percentage >= -100")


def test_diff_negative_fail_above_pct_requires_a_fall(reports):
    a, b = reports
    # b adds a REST API front door: the cost rises from a to b and falls from b to a.
    change = json.loads(run("diff", str(b), str(a), "--format", "json").stdout)
    monthly = next(r for r in change["figures"] if r["figure"] == "cost per month ($)")
    fall = -monthly["change_pct"]
    assert 1 < fall < 100
    # -P: the cost must fall by at least P%.
    assert run("diff", str(b), str(a), "--fail-above-pct", f"{-fall / 2}").returncode == 0
    p = run("diff", str(b), str(a), "--fail-above-pct", f"{-(fall + 100) / 2}")
    assert p.returncode == 3 and "--fail-above-pct" in p.stderr
    # The same report twice: no change, so a required fall of 1% is not met.
    assert run("diff", str(a), str(a), "--fail-above-pct", "-1").returncode == 3
    assert run("diff", str(a), str(a), "--fail-above-pct", "0").returncode == 0


def test_diff_gate_with_no_platform_in_common_exits_3(reports, tmp_path):
    a, _ = reports
    other = json.loads(a.read_text())
    other["platforms"] = {"fargate": other["platforms"]["lambda"]}
    c = tmp_path / "c.json"
    c.write_text(json.dumps(other))
    p = run("diff", str(a), str(c), "--fail-above-pct", "10")
    assert p.returncode == 3
    assert "--fail-above-pct: the two reports have no platform with a monthly cost in common" \
        in p.stderr
    assert run("diff", str(a), str(c)).returncode == 0


# ---- 3. counts: seeds, replications, threads, points --------------------------------------------

@pytest.mark.parametrize("cmd", COMMANDS)
@pytest.mark.parametrize("value", ["-1", "99999999999999999999", "9223372036854775808", "1e3",
                                   "abc", "0x10"])
def test_seed_must_be_a_whole_number_in_range(cmd, value):
    refused(*cmd, "--scenario", "small.toml", "--seed", value, flag="--seed",
            allowed="a whole number from 0 to 9,223,372,036,854,775,807")


@pytest.mark.parametrize("cmd", COMMANDS)
@pytest.mark.parametrize("flag,value,allowed", [
    ("--replications", "0", "a whole number from 1 to 1,000"),
    ("--replications", "-1", "a whole number from 1 to 1,000"),
    ("--replications", "1001", "a whole number from 1 to 1,000"),
    ("--replications", "4294967297", "a whole number from 1 to 1,000"),
    ("--threads", "-1", "a whole number from 0 to 1,024"),
    ("--threads", "1025", "a whole number from 0 to 1,024"),
    ("--threads", "two", "a whole number from 0 to 1,024"),
])
def test_replications_and_threads_are_checked(cmd, flag, value, allowed):
    refused(*cmd, "--scenario", "small.toml", flag, value, flag=flag, allowed=allowed)


@pytest.mark.parametrize("value", ["0", "-3", "201", "4294967299", "2.5"])
def test_breakeven_points_are_checked(value):
    refused("breakeven", "--scenario", "small.toml", "--points", value, flag="--points",
            allowed="a whole number from 1 to 200")


def test_the_largest_seed_is_accepted():
    p = run("report", "--scenario", "small.toml", "--seed", "9223372036854775807", "--format",
            "json", "-q")
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["scenario"]["seed"] == 9223372036854775807


# ---- 4. a result that cannot be written ---------------------------------------------------------

@pytest.mark.parametrize("cmd", [*COMMANDS, ["diff"]])
def test_an_unwritable_output_is_a_runtime_error(cmd, reports):
    args = [*cmd, *(map(str, reports) if cmd == ["diff"] else ["--scenario", "small.toml"])]
    p = run(*args, "-q" if cmd != ["diff"] else "--format=table", "-o", "/nonexistent/x.txt")
    assert p.returncode == 1, p.stderr
    assert p.stderr.strip() == \
        "slsim: error: cannot write /nonexistent/x.txt: No such file or directory"


# ---- 5. diff of something that is not a report --------------------------------------------------

def test_diff_of_a_csv_names_the_file_line_and_column(reports, tmp_path):
    a, _ = reports
    t = tmp_path / "t1.csv"
    t.write_text("time_s,function,duration_ms\n0.5,api,120\n")
    p = run("diff", str(a), str(t))
    assert p.returncode == 2
    assert p.stderr.startswith(f"slsim: error: {t}: not a slsim report JSON (line 1, column ")
    assert "json.exception" not in p.stderr and "parse_error" not in p.stderr


@pytest.mark.parametrize("text", ["", "[1, 2]", "{}", '{"schema_version": 1, "platforms": 5}',
                                  '{"schema_version": 1, "platforms": {"lambda": 5}}',
                                  '{"schema_version": 1}'])
def test_diff_of_json_that_is_not_a_report(reports, tmp_path, text):
    a, _ = reports
    t = tmp_path / "x.json"
    t.write_text(text)
    p = run("diff", str(a), str(t))
    assert p.returncode == 2, p.stderr
    assert f"{t}: not a slsim report JSON" in p.stderr
    assert "json.exception" not in p.stderr and "internal error" not in p.stderr


def test_diff_of_a_missing_file(reports, tmp_path):
    a, _ = reports
    p = run("diff", str(a), str(tmp_path / "nowhere.json"))
    assert p.returncode == 2
    assert f"cannot read {tmp_path / 'nowhere.json'}: No such file or directory" in p.stderr
    p = run("diff", str(a), str(tmp_path))
    assert p.returncode == 2
    assert f"cannot read {tmp_path}: Is a directory" in p.stderr


# ---- 6. --as-of and --region name the flag ------------------------------------------------------

@pytest.mark.parametrize("cmd", COMMANDS)
def test_as_of_and_region_flags_are_named(cmd):
    line = refused(*cmd, "--scenario", "small.toml", "--as-of", "1990-01-01", flag="--as-of",
                   allowed="2014-11-13")
    assert "small.toml" not in line
    line = refused(*cmd, "--scenario", "small.toml", "--region", "mars-1", flag="--region",
                   allowed="us-east-1")
    assert "small.toml" not in line


# ---- 7. breakeven --scale -----------------------------------------------------------------------

@pytest.mark.parametrize("value", ["1:1e300", "1:1e12", "1e-300:1", "0:1", "-1:1", "nan:1",
                                   "1:inf", "2:1", "1:1", "1:", ":1", "a:b", "1:2:3", "1e5",
                                   "0.0001:1"])
def test_breakeven_scale_is_checked_up_front(value):
    line = refused("breakeven", "--scenario", "small.toml", "--scale", value, flag="--scale",
                   allowed="0.001")
    assert "10000" in line or "10,000" in line
    assert "rate_per_s" not in line


def test_python_breakeven_refuses_the_same_scales():
    import slsim

    w = slsim.Workload.poisson(rate_per_s=2, duration_s=60, duration_ms=100, function="api",
                               seed=5)
    for scale in [(1, 1e12), (1e-300, 1), (1, math.inf)]:
        with pytest.raises(ValueError, match="scale"):
            slsim.breakeven(w, [slsim.Lambda(memory_mb=512)], scale=scale, points=2)


# ---- 8. breakeven labels ------------------------------------------------------------------------

def test_breakeven_points_read_without_float_noise():
    p = run("breakeven", "--scenario", "small.toml", "--scale", "0.1:1", "--points", "3", "-q")
    assert p.returncode == 0, p.stderr
    assert "x0.3162 " in p.stdout and "0.31620000" not in p.stdout
    j = json.loads(run("breakeven", "--scenario", "small.toml", "--scale", "0.1:1", "--points",
                       "3", "--format", "json", "-q").stdout)
    assert [pt["scale"] for pt in j["points"]] == [0.1, 0.3162, 1.0]
    p = run("breakeven", "--scenario", "small.toml", "--platforms", "lambda", "--scale",
            "0.001:0.01", "--points", "4", "--format", "csv", "-q")
    assert p.returncode == 0, p.stderr
    # Tidy CSV (issue 19): the `breakeven` table's rows are the scales.
    assert [r.split(",")[1] for r in p.stdout.splitlines()[1:]
            if r.startswith("breakeven,") and r.split(",")[2] == "rate_per_s"] == \
        ["0.001", "0.002154", "0.004642", "0.01"]


# ---- 9. a number that is not a number says what is allowed --------------------------------------

@pytest.mark.parametrize("cmd,flag,allowed", [
    (["report"], "--slo-p99-ms", "give a latency in milliseconds > 0"),
    (["report"], "--max-error-rate", "give a fraction from 0 to 1"),
    (["report"], "--max-cold-start-rate", "give a fraction from 0 to 1"),
    (["report"], "--fail-above-usd", "give an amount in USD >= 0"),
    (["report"], "--fail-above-p99-ms", "give a latency in milliseconds > 0"),
    (["breakeven"], "--slo-p99-ms", "give a latency in milliseconds > 0"),
    (["tune", "lambda"], "--weight", "give a weight from 0 (speed only) to 1 (cost only)"),
    (["tune", "lambda"], "--max-error-rate", "give a fraction from 0 to 1"),
])
@pytest.mark.parametrize("value", ["abc", "nan", "inf", "1,5"])
def test_a_number_flag_says_what_is_allowed(cmd, flag, allowed, value):
    line = refused(*cmd, "--scenario", "small.toml", flag, value, flag=flag, allowed=allowed)
    assert f"'{value}' is not a number" in line or f"'{value}' is not a finite number" in line


@pytest.mark.parametrize("cmd,flag,value,allowed", [
    (["report"], "--slo-p99-ms", "-5", "must be a number of milliseconds > 0"),
    (["report"], "--max-error-rate", "1.5", "must be a fraction from 0 to 1"),
    (["report"], "--fail-above-usd", "-1", "must be an amount in USD >= 0"),
    (["tune", "lambda"], "--weight", "2", "0"),
])
def test_a_number_out_of_range_names_the_flag(cmd, flag, value, allowed):
    refused(*cmd, "--scenario", "small.toml", flag, value, flag=flag, allowed=allowed)
