"""`slsim report`, `breakeven`, `tune lambda` and `diff`: golden outputs of a small fixed
scenario, every exit code, bad scenario files, and Python's compare() against the CLI's JSON."""

import csv
import io
import json
import os
import subprocess
from pathlib import Path

import pytest

CLI = os.environ.get("SLSIM_CLI", "build/bin/slsim")
SRC = Path(os.environ.get("SLSIM_SOURCE_DIR", "."))
GOLDEN = SRC / "tests/golden/report"
UPDATE = os.environ.get("SLSIM_UPDATE_GOLDEN") == "1"


def run(*args, cwd=None, env=None):
    e = dict(os.environ)
    e.pop("NO_COLOR", None)
    e.update(env or {})
    return subprocess.run([CLI, *args], capture_output=True, text=True, cwd=cwd, env=e)


def ok(*args, **kw):
    p = run(*args, **kw)
    assert p.returncode == 0, f"slsim {' '.join(args)} failed ({p.returncode}): {p.stderr}"
    return p


# ---- golden outputs ---------------------------------------------------------------------------

@pytest.mark.parametrize("fmt,ext", [("table", "txt"), ("markdown", "md"), ("json", "json"),
                                     ("csv", "csv")])
def test_golden_outputs(fmt, ext):
    out = ok("report", "--scenario", "small.toml", "--format", fmt, "--quiet", cwd=GOLDEN).stdout
    path = GOLDEN / f"small.{ext}"
    if UPDATE:
        path.write_text(out)
    assert out == path.read_text(), f"differs from {path}; SLSIM_UPDATE_GOLDEN=1 rewrites it"


def test_json_shape():
    out = json.loads(ok("report", "--scenario", "small.toml", "--format", "json",
                        cwd=GOLDEN).stdout)
    assert out["schema_version"] == 1
    lam = out["platforms"]["lambda"]
    # The same fields as `slsim simulate --format json` (PlatformResult), plus the cost block.
    for k in ("invocations", "latency_ms", "instances", "utilisation", "span_s", "notes", "extra"):
        assert k in lam
    assert isinstance(lam["cost"]["total_usd"], float)
    assert isinstance(lam["cost"]["monthly_usd"], float)
    assert lam["cost"]["monthly_usd"] > lam["cost"]["total_usd"]
    names = [i["name"] for i in lam["cost"]["line_items"]]
    assert "API Gateway HTTP API requests" in names
    assert out["recommendation"]["platform"] == "lambda"
    assert set(out["recommendation"]["reasons"]) == {"lambda", "ecs", "fargate", "batch",
                                                     "lambda-managed", "ecs-managed"}
    for name in ("ecs", "fargate"):
        assert isinstance(out["platforms"][name]["cost"]["monthly_usd"], float)
    # An API (synchronous) workload: AWS Batch has no request/response path (issue 19, item 3).
    assert out["platforms"]["batch"]["impossible"].startswith(
        "synchronous invocations need a request/response path")


def test_table_columns_fit_their_content_and_no_colour_off_a_terminal():
    out = ok("report", "--scenario", "small.toml", cwd=GOLDEN).stdout
    assert "\033[" not in out
    lines = out.splitlines()
    i = lines.index("Side by side")
    header, rule = lines[i + 1], lines[i + 2]
    rows = lines[i + 3:lines.index("", i)]
    # No column wider than its widest cell: the rule is exactly as wide as the widest line.
    assert len(rule) == max(len(r) for r in [header, *rows])


def test_colour_only_on_a_terminal_and_never_with_no_color():
    import pty

    def on_pty(env):
        leader, follower = pty.openpty()
        e = dict(os.environ)
        e.pop("NO_COLOR", None)
        e.update(env)
        e["TERM"] = "xterm"
        p = subprocess.run([CLI, "report", "--scenario", "small.toml", "--quiet"], stdout=follower,
                           stderr=subprocess.PIPE, cwd=GOLDEN, env=e)
        os.close(follower)
        out = b""
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:
                break
            if not chunk:
                break
            out += chunk
        os.close(leader)
        assert p.returncode == 0
        return out.decode()

    assert "\033[" in on_pty({})
    assert "\033[" not in on_pty({"NO_COLOR": "1"})


def test_no_front_door_and_no_free_tier():
    base = json.loads(ok("report", "--scenario", "small.toml", "--format", "json",
                         cwd=GOLDEN).stdout)["platforms"]["lambda"]["cost"]
    no_door = json.loads(ok("report", "--scenario", "small.toml", "--format", "json",
                            "--no-front-door", cwd=GOLDEN).stdout)["platforms"]["lambda"]["cost"]
    assert no_door["monthly_usd"] < base["monthly_usd"]
    assert not any("API Gateway" in i["name"] for i in no_door["line_items"])
    no_free = json.loads(ok("report", "--scenario", "small.toml", "--format", "json",
                            "--no-free-tier", cwd=GOLDEN).stdout)["platforms"]["lambda"]["cost"]
    assert no_free["monthly_usd"] >= base["monthly_usd"]
    assert not any("Free tier" in i["name"] for i in no_free["line_items"])


def test_replications_show_intervals():
    out = json.loads(ok("report", "--scenario", "small.toml", "--format", "json",
                        "--replications", "3", cwd=GOLDEN).stdout)
    f = out["platforms"]["lambda"]["figures"]["monthly_usd"]
    assert f["n"] == 3 and f["half_width"] >= 0
    table = ok("report", "--scenario", "small.toml", "--replications", "3", cwd=GOLDEN).stdout
    assert "±" in table


# ---- exit codes -------------------------------------------------------------------------------

def test_exit_0_success_and_help_lists_units_and_defaults():
    p = ok("report", "--help")
    for flag in ("--slo-p99-ms", "--replications", "--fail-above-usd", "--fail-above-p99-ms",
                 "--no-free-tier", "--no-front-door", "--quiet", "--format", "--platforms"):
        assert flag in p.stdout
    assert "(ms)" in p.stdout and "(USD)" in p.stdout
    for cmd in (["breakeven"], ["tune", "lambda"], ["diff"]):
        assert ok(*cmd, "--help").stdout


def test_exit_2_usage_and_configuration_errors():
    p = run("report", "--no-such-flag")
    assert p.returncode == 2
    p = run("report", "--scenario", "small.toml", "--slo-p99-ms", "-5", cwd=GOLDEN)
    assert p.returncode == 2 and "--slo-p99-ms: must be a number of milliseconds > 0" in p.stderr
    p = run("report", "--scenario", "small.toml", "--platforms", "lambda,heroku", cwd=GOLDEN)
    assert p.returncode == 2
    assert "--platforms: 'heroku' is not a platform; allowed: lambda, ecs, fargate, batch" \
        in p.stderr
    p = run("breakeven", "--scenario", "small.toml", "--scale", "10:1", cwd=GOLDEN)
    assert p.returncode == 2 and "--scale" in p.stderr
    p = run("tune", "lambda", "--scenario", "small.toml", "--memory-mb", "50", cwd=GOLDEN)
    assert p.returncode == 2 and "--memory-mb" in p.stderr


def test_exit_3_thresholds():
    p = run("report", "--scenario", "small.toml", "--fail-above-usd", "0.001", "-q", cwd=GOLDEN)
    assert p.returncode == 3
    assert "threshold breached" in p.stderr and "--fail-above-usd" in p.stderr
    p = run("report", "--scenario", "small.toml", "--fail-above-p99-ms", "1", "-q", cwd=GOLDEN)
    assert p.returncode == 3 and "--fail-above-p99-ms" in p.stderr
    ok("report", "--scenario", "small.toml", "--fail-above-usd", "100000", cwd=GOLDEN)


def test_exit_1_runtime_error(tmp_path):
    p = run("report", "--scenario", "small.toml", "-o", str(tmp_path / "no/such/dir/out.txt"),
            cwd=GOLDEN)
    assert p.returncode == 1 and "cannot write" in p.stderr


def test_output_file_is_written(tmp_path):
    out = tmp_path / "r.json"
    ok("report", "--scenario", "small.toml", "--format", "json", "-o", str(out), cwd=GOLDEN)
    assert json.loads(out.read_text())["schema_version"] == 1
    assert not (tmp_path / "r.json.tmp").exists()


# ---- bad scenario files -----------------------------------------------------------------------

BASE = """as_of = 2026-11-01
[workload]
generator = "poisson"
rate_per_s = 1
duration_s = 60
"""


@pytest.mark.parametrize("body,expected", [
    ("[report]\nslo = 5\n", "[report] slo: unknown key; allowed here:"),
    ("[report]\nslo_p99_ms = \"fast\"\n", "[report] slo_p99_ms: must be a number"),
    ("[report]\nplatforms = [\"kubernetes\"]\n",
     "[report] platforms: 'kubernetes' is not a platform; allowed: lambda, ecs, fargate, batch"),
    ("[report]\nfront_door = \"nginx\"\n",
     "[report] front_door: 'nginx' is not a front door; allowed: http-api, rest-api, "
     "function-url, none"),
    ("[lambda]\nmemory_mb = 20000\n", "memory"),
])
def test_bad_scenario_files(tmp_path, body, expected):
    f = tmp_path / "bad.toml"
    f.write_text(BASE + body)
    p = run("report", "--scenario", str(f))
    assert p.returncode == 2, p.stderr
    assert str(f) in p.stderr
    assert expected in p.stderr
    assert len(p.stderr.strip().splitlines()) == 1


def test_missing_trace(tmp_path):
    f = tmp_path / "bad.toml"
    f.write_text("[workload]\ntrace = \"nowhere.csv\"\n")
    p = run("report", "--scenario", str(f))
    assert p.returncode == 2
    assert str(f) in p.stderr and "workload.trace" in p.stderr and "nowhere.csv" in p.stderr


# ---- breakeven, tune, diff --------------------------------------------------------------------

def test_breakeven_and_tune_formats():
    b = json.loads(ok("breakeven", "--scenario", "small.toml", "--scale", "0.5:2", "--points",
                      "3", "--format", "json", cwd=GOLDEN).stdout)
    assert [round(p["scale"], 3) for p in b["points"]] == [0.5, 1.0, 2.0]
    assert b["points"][2]["rate_per_s"] > b["points"][0]["rate_per_s"]
    rows = list(csv.DictReader(io.StringIO(ok("breakeven", "--scenario", "small.toml", "--scale",
                                              "0.5:2", "--points", "3", "--format", "csv",
                                              cwd=GOLDEN).stdout)))
    # Tidy long CSV (issue 19): `breakeven` and one `breakeven_<platform>` table, row = scale.
    assert list(rows[0].keys()) == ["table", "row", "column", "value"]
    assert {r["table"] for r in rows} == {"breakeven", "breakeven_lambda", "breakeven_ecs",
                                          "breakeven_fargate", "breakeven_batch",
                                          "breakeven_lambda-managed", "breakeven_ecs-managed"}
    assert len([r for r in rows if r["column"] == "status"]) == 3 * 6
    t = json.loads(ok("tune", "lambda", "--scenario", "small.toml", "--memory-mb",
                      "128,512,1024", "--strategy", "cost", "--format", "json",
                      cwd=GOLDEN).stdout)
    assert [p["memory_mb"] for p in t["points"]] == [128, 512, 1024]
    cheapest = min(t["points"], key=lambda p: p["monthly_usd"])
    assert t["best_memory_mb"] == cheapest["memory_mb"]
    table = ok("tune", "lambda", "--scenario", "small.toml", "--memory-mb", "128:1024",
               cwd=GOLDEN).stdout
    assert "Best by balanced" in table


def test_diff(tmp_path):
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    ok("report", "--scenario", "small.toml", "--platforms", "lambda", "--format", "json", "-o",
       str(a), cwd=GOLDEN)
    ok("report", "--scenario", "small.toml", "--platforms", "lambda", "--format", "json",
       "--front-door", "rest-api", "-o", str(b), cwd=GOLDEN)
    p = ok("diff", str(a), str(b))
    assert "cost per month ($)" in p.stdout and "Recommendation unchanged: lambda" in p.stdout
    j = json.loads(ok("diff", str(a), str(b), "--format", "json").stdout)
    monthly = next(r for r in j["figures"] if r["figure"] == "cost per month ($)")
    assert monthly["b"] > monthly["a"] and monthly["change_pct"] > 0
    p = run("diff", str(a), str(b), "--fail-above-pct", "1")
    assert p.returncode == 3
    assert run("diff", str(b), str(a), "--fail-above-pct", "1").returncode == 0
    bad = tmp_path / "bad.json"
    bad.write_text("{}")
    p = run("diff", str(a), str(bad))
    assert p.returncode == 2 and "not a slsim report JSON" in p.stderr


# ---- Python equals the CLI --------------------------------------------------------------------

def test_python_compare_equals_cli_json():
    import slsim

    cli = json.loads(ok("report", "--scenario", "small.toml", "--format", "json",
                        cwd=GOLDEN).stdout)
    w = slsim.Workload.poisson(rate_per_s=2, duration_s=1800,
                               duration_ms="lognormal(median=100,p99=400)", function="api",
                               seed=5)
    service = dict(vcpu=0.25, memory_gb=0.5, concurrency=4, min_tasks=1, max_tasks=4,
                   target_cpu_pct=60)
    c = slsim.compare(w, [slsim.Lambda(memory_mb=512, timeout_s=30),
                          slsim.Ecs(instance_type="t3.medium", **service),
                          slsim.Fargate(**service),
                          slsim.Batch(instance_types=["c5.large"], max_vcpus=8),
                          slsim.LambdaManaged(), slsim.EcsManaged()],
                      slo_p99_ms=1000, max_error_rate=0.01, seed=5, as_of="2026-11-01")
    py = c.summary()
    assert set(py["platforms"]) == {"lambda", "ecs", "fargate", "batch", "lambda-managed",
                                    "ecs-managed"}
    for name in py["platforms"]:
        if "impossible" in cli["platforms"][name]:  # batch: the API is synchronous
            assert py["platforms"][name]["impossible"] == cli["platforms"][name]["impossible"]
            continue
        assert py["platforms"][name]["figures"] == cli["platforms"][name]["figures"], name
        assert py["platforms"][name]["cost"] == cli["platforms"][name]["cost"], name
    assert py["recommendation"] == cli["recommendation"]
    assert c.recommendation == "lambda"
    # to_pandas() is the CLI's CSV, row for row.
    df = c.to_pandas()
    rows = list(csv.DictReader(io.StringIO(ok("report", "--scenario", "small.toml", "--format",
                                              "csv", cwd=GOLDEN).stdout)))
    # The CSV is tidy (issue 19): its `platforms` table holds the same figures.
    fig = {(r["row"], r["column"]): r["value"] for r in rows if r["table"] == "platforms"}
    first = df["platform"].iloc[0]
    assert {c for (_, c) in fig} == set(df.columns) - {"platform"}
    for col in ("monthly_usd", "total_usd", "p99_ms", "cold_starts", "utilisation"):
        assert df[col].iloc[0] == pytest.approx(float(fig[(first, col)]), rel=1e-12)
    assert df["reason"].iloc[0] == fig[(first, "reason")]


def test_python_breakeven_and_tune():
    import slsim

    w = slsim.Workload.poisson(rate_per_s=2, duration_s=600, duration_ms=100, seed=1)
    b = slsim.breakeven(w, [slsim.Lambda(memory_mb=512)], scale=(0.5, 2), points=2,
                        as_of="2026-11-01")
    df = b.to_pandas()
    assert len(df) == 2 and set(df["platform"]) == {"lambda"}
    t = slsim.tune_lambda(w, slsim.Lambda(), memory_mb=[128, 1024], strategy="speed",
                          as_of="2026-11-01")
    assert t.best_memory_mb in (128, 1024)
    assert len(t.to_pandas()) == 2
    with pytest.raises(ValueError, match="strategy"):
        slsim.tune_lambda(w, strategy="fastest", as_of="2026-11-01")
    with pytest.raises(TypeError):
        slsim.compare(w, ["lambda"])


def test_report_sets_lambda_logs_beside_the_simulation():
    # Your own Lambda logs as the trace: the report shows what the logs say was billed beside
    # what slsim simulated for the same invocations (issue 11).
    logs = SRC / "tests/data/lambda-logs/s3-export.txt"
    p = run("report", str(logs), "--platforms", "lambda")
    assert p.returncode == 0, p.stderr
    assert "Lambda logs against the simulation" in p.stdout
    js = json.loads(run("report", str(logs), "--platforms", "lambda", "--format", "json").stdout)
    assert js["lambda_logs"]["logs"]["requests"] == 36
    assert js["lambda_logs"]["simulated"]["requests"] == 36
    assert js["lambda_logs"]["logs"]["billed_gb_s"] > 0
    # Another trace has no logs to compare with.
    other = run("report", "--scenario", "small.toml", "--format", "json", cwd=GOLDEN).stdout
    assert "lambda_logs" not in json.loads(other)
