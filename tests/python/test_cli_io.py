"""The command line's input and output conventions on every platform: `-o FILE` for every command
that writes a result, tidy CSV (one value per cell), a TRACE read from standard input ('-') by
every command, and configuration naming no function of the workload refused (no slsim module
needed: these run the CLI only)."""

import csv
import io
import json
import os
import subprocess
from pathlib import Path

import pytest

CLI = os.environ.get("SLSIM_CLI", "build/bin/slsim")

TRACE = "arrival_s,function,duration_ms,memory_mb\n" + "".join(
    f"{i * 0.5},f,100,512\n" for i in range(40))


def run(*args, stdin=None):
    return subprocess.run([CLI, *args], capture_output=True, text=True, input=stdin)


# AWS Batch runs queue and async work only: a synchronous invocation cannot run there.
TRACE_ASYNC = "arrival_s,function,duration_ms,memory_mb,invocation\n" + "".join(
    f"{i * 0.5},f,100,512,async\n" for i in range(40))


@pytest.fixture
def trace(tmp_path, request):
    p = tmp_path / "t.csv"
    params = getattr(getattr(request.node, "callspec", None), "params", {})
    p.write_text(TRACE_ASYNC if params.get("platform") == "batch" else TRACE)
    return p


PLATFORM_ARGS = {
    "lambda": [],
    "fargate": ["--vcpu", "0.25", "--memory-gb", "0.5"],
    "ecs": ["--instance-type", "m5.large"],
    "batch": ["--instance-type", "c5.xlarge"],
}


@pytest.mark.parametrize("platform", ["lambda", "fargate", "ecs", "batch"])
@pytest.mark.parametrize("fmt", ["json", "csv", "table"])
def test_simulate_writes_to_the_output_file_on_every_platform(tmp_path, trace, platform, fmt):
    out = tmp_path / "out.txt"
    p = run("simulate", str(trace), "--platform", platform, "--as-of", "2026-11-01", "--format",
            fmt, "-o", str(out), *PLATFORM_ARGS[platform])
    assert p.returncode == 0, p.stderr
    assert p.stdout == ""
    assert out.exists() and out.stat().st_size > 0
    if fmt == "json":
        assert json.loads(out.read_text())["platform"] in (platform, "lambda")
    assert sorted(f.name for f in tmp_path.iterdir()) == ["out.txt", "t.csv"]  # no temporaries


def test_an_unwritable_output_file_is_a_runtime_error(tmp_path, trace):
    p = run("simulate", str(trace), "--platform", "fargate", "--as-of", "2026-11-01",
            "-o", str(tmp_path / "no" / "such" / "dir" / "out.json"))
    assert p.returncode == 1, p.stdout[:200]
    assert "cannot write" in p.stderr


@pytest.mark.parametrize("platform", ["lambda", "fargate", "ecs", "batch"])
def test_simulate_csv_is_tidy_on_every_platform(trace, platform):
    p = run("simulate", str(trace), "--platform", platform, "--as-of", "2026-11-01", "--format",
            "csv", *PLATFORM_ARGS[platform])
    assert p.returncode == 0, p.stderr
    rows = list(csv.reader(io.StringIO(p.stdout)))
    assert rows[0] == ["table", "row", "column", "value"]
    assert all(len(r) == 4 for r in rows), [r for r in rows if len(r) != 4][:3]
    for r in rows[1:]:
        if r[1] == "note":
            continue
        assert " / " not in r[3] and " / " not in r[1], r
        assert not r[3].endswith("%"), r
    tables = {r[0] for r in rows[1:]}
    assert platform in tables and f"{platform}_bill" in tables, tables
    # One value per cell: the outcomes are separate rows with numbers.
    values = {(r[0], r[1]): r[3] for r in rows[1:]}
    assert float(values[(platform, "completed")]) == 40


def test_container_latency_of_nothing_is_not_zero(tmp_path):
    empty = tmp_path / "e.csv"
    empty.write_text("arrival_s,function,duration_ms,memory_mb\n")
    p = run("simulate", str(empty), "--platform", "fargate", "--as-of", "2026-11-01", "--format",
            "csv")
    if p.returncode == 0:
        values = {(r[0], r[1]): r[3] for r in csv.reader(io.StringIO(p.stdout))}
        assert values.get(("fargate", "latency p99 (ms)"), "n/a") == "n/a"


# ---- standard input ------------------------------------------------------------------------

@pytest.mark.parametrize("args", [
    ["report", "-", "--as-of", "2026-11-01", "--format", "json", "-q"],
    ["breakeven", "-", "--as-of", "2026-11-01", "--format", "json", "-q"],
    ["simulate", "-", "--as-of", "2026-11-01", "--format", "json", "--reserved-concurrency", "5"],
    ["simulate", "-", "--as-of", "2026-11-01", "--format", "json", "--platform", "fargate"],
    ["trace", "stats", "-", "--top", "1"],
])
def test_a_trace_on_standard_input_works_for_every_command(args):
    p = run(*args, stdin=TRACE)
    assert p.returncode == 0, p.stderr
    assert "read only once" not in p.stderr


def test_standard_input_gives_the_same_report_as_the_file(trace):
    base = ["report", "--as-of", "2026-11-01", "--format", "json", "-q", "--platforms",
            "lambda,fargate"]
    a = run(*base[:1], str(trace), *base[1:])
    b = run(*base[:1], "-", *base[1:], stdin=TRACE)
    assert a.returncode == 0 and b.returncode == 0, a.stderr + b.stderr
    ja, jb = json.loads(a.stdout), json.loads(b.stdout)
    assert ja["platforms"] == jb["platforms"]


def test_a_bad_row_on_standard_input_names_standard_input():
    p = run("simulate", "-", "--as-of", "2026-11-01", stdin=TRACE + "x,f,1,512\n")
    assert p.returncode == 2
    assert "standard" in p.stderr and ":42:" in p.stderr, p.stderr


# ---- names of functions in the container and Batch tables -------------------------------------

SCENARIO_HEAD = """
as_of = 2026-11-01
[workload]
trace = "{trace}"
"""


@pytest.mark.parametrize("table,platform,needle", [
    ('[fargate.services.api]\nfunctions = ["F"]\n', "fargate", "'F'"),
    ("[fargate.services.nosuch]\nmin_tasks = 1\n", "fargate", "'nosuch'"),
    ('[ecs]\ninstance_type = "m5.large"\n[ecs.services.api]\nfunctions = ["g"]\n', "ecs", "'g'"),
    ("[batch.functions.nosuch]\njob_vcpu = 1\n", "batch", "'nosuch'"),
])
@pytest.mark.parametrize("command", ["simulate", "report", "breakeven"])
def test_a_function_the_workload_does_not_have_is_refused(tmp_path, trace, table, platform,
                                                          needle, command):
    scen = tmp_path / "s.toml"
    scen.write_text(SCENARIO_HEAD.format(trace=trace) + table)
    args = ["--scenario", str(scen)]
    if command == "simulate":
        args += ["--platform", platform]
        if platform == "batch":
            args += ["--instance-type", "c5.xlarge"]
    else:
        args += ["--platforms", f"lambda,{platform}", "-q"]
    p = run(command, *args)
    assert p.returncode == 2, (p.returncode, p.stdout[:300], p.stderr)
    assert needle in p.stderr and str(scen) in p.stderr, p.stderr
    assert "its functions: f" in p.stderr, p.stderr


def test_a_service_naming_a_function_of_the_workload_is_accepted(tmp_path, trace):
    trace.write_text(TRACE_ASYNC)  # Batch runs no synchronous work
    scen = tmp_path / "s.toml"
    scen.write_text(SCENARIO_HEAD.format(trace=trace) +
                    '[fargate.services.api]\nfunctions = ["f"]\n[batch.functions.f]\njob_vcpu = 1\n')
    for platform in ("fargate", "batch"):
        p = run("simulate", "--scenario", str(scen), "--platform", platform)
        assert p.returncode == 0, p.stderr
