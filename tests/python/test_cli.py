"""The slsim command-line tool: report on the default scenario, trace stats, bad input."""

import csv
import io
import json
import os
import stat
from pathlib import Path

import pytest

from slsimcli import run
SRC = Path(os.environ.get("SLSIM_SOURCE_DIR", "."))


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
    # ECS, Fargate and Batch can: the report recommends the cheapest that meets the objectives.
    assert out["recommendation"]["platform"] in ("ecs", "fargate", "batch")


def test_report_is_deterministic_and_table_readable():
    a = run("report", "--scenario", str(SRC / "examples/default.toml")).stdout
    b = run("report", "--scenario", str(SRC / "examples/default.toml")).stdout
    assert a == b
    assert "invocations" in a and "duration p50 / p90 / p99" in a


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
    assert f"{f}: [workload] rate_per_s: -1 is not allowed: a mean rate > 0" in p.stderr


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
    assert "--burst-fraction: 1.5 is not allowed: the fraction of time in bursts, in (0, 1)" \
        in p.stderr
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


# ---- issue 12: one validation path ----------------------------------------------------------

def small_trace(tmp_path, name="t.csv", rows=20, function="api", invocation="sync"):
    f = tmp_path / name
    lines = ["arrival_s,function,duration_ms,memory_mb,invocation"]
    lines += [f"{i * 0.5},{function},100,512,{invocation}" for i in range(rows)]
    f.write_text("\n".join(lines) + "\n")
    return f


def scenario(tmp_path, text, name="s.toml"):
    f = tmp_path / name
    f.write_text('as_of = 2026-11-01\n[workload]\ngenerator = "poisson"\nrate_per_s = 2\n'
                 'duration_s = 30\nfunction = "api"\n' + text)
    return f


@pytest.mark.parametrize("args,flag", [
    (["price", "lambda", "--memory-mb", "128", "--requests", "-5"], "--requests"),
    (["price", "fargate", "--vcpu", "1", "--memory-gb", "2", "--tasks", "-1"], "--tasks"),
    (["price", "ec2", "--instance-type", "m5.large", "--instances", "-1"], "--instances"),
    (["simulate", "--seed", "-1"], "--seed"),
    (["simulate", "--seed", "1e23"], "--seed"),
    (["simulate", "--timeout-s", "-1"], "--timeout-s"),
    (["simulate", "--timeout-s", "nan"], "--timeout-s"),
    (["simulate", "--timeout-s", "0.5"], "--timeout-s"),
    (["simulate", "--error-probability", "-0.1"], "--error-probability"),
    (["simulate", "--error-probability", "nan"], "--error-probability"),
    (["simulate", "--init-ms", "-100"], "--init-ms"),
    (["generate", "--duration-ms", "-5"], "--duration-ms"),
    (["simulate", "--reserved-concurrency", "950"], "--reserved-concurrency"),
    (["simulate", "--provisioned-concurrency", "950"], "--provisioned-concurrency"),
    (["simulate", "--invocation", "queue", "--timeout-s", "60", "--visibility-timeout-s", "30"],
     "--visibility-timeout-s"),
    (["simulate", "--as-of", "2020-06-01", "--runtime", "container"], "--runtime"),
    (["simulate", "--as-of", "2019-01-01", "--max-retry-attempts", "1"], "--max-retry-attempts"),
])
def test_bad_values_are_refused_naming_the_flag(args, flag):
    p = run(*args, check=False)
    assert p.returncode == 2, p.stdout[:300]
    assert p.stderr.startswith(f"slsim: error: {flag}: "), p.stderr
    assert p.stdout == ""
    # No 309-digit numbers, no internal names.
    assert not any(len(w) > 40 for w in p.stderr.split())
    assert "lambda." not in p.stderr and "from_seconds" not in p.stderr


def test_reserved_limits_are_the_same_on_the_command_line_and_in_a_file(tmp_path):
    f = scenario(tmp_path, "[lambda.functions.api]\nreserved_concurrency = 950\n")
    in_file = run("report", "-s", str(f), check=False)
    on_cli = run("simulate", "-s", str(scenario(tmp_path, "", "plain.toml")),
                 "--reserved-concurrency", "950", check=False)
    assert in_file.returncode == on_cli.returncode == 2
    assert f"{f}: [lambda.functions.api] reserved_concurrency: " in in_file.stderr
    assert "--reserved-concurrency: " in on_cli.stderr
    assert in_file.stderr.split("reserved_concurrency: ")[1] == \
        on_cli.stderr.split("--reserved-concurrency: ")[1]


def test_reserved_concurrency_zero_throttles_on_the_command_line_too(tmp_path):
    t = small_trace(tmp_path)
    out = json.loads(run("simulate", str(t), "--as-of", "2026-11-01",
                         "--reserved-concurrency", "0", "--format", "json").stdout)
    assert out["invocations"]["arrived"] == 20
    assert out["invocations"]["completed"] == 0
    assert out["config"]["functions"]["api"]["reserved_concurrency"] == 0


def test_a_flag_not_given_never_overrides_the_file(tmp_path):
    f = scenario(tmp_path, '[lambda]\nmax_retry_attempts = 0\ninvocation = "async"\n'
                           "error_probability = 1.0\n")
    sim = json.loads(run("simulate", "-s", str(f), "--format", "json").stdout)
    rep = json.loads(run("report", "-s", str(f), "--format", "json").stdout)
    assert sim["config"]["defaults"]["max_retry_attempts"] == 0
    assert sim["invocations"] == rep["platforms"]["lambda"]["invocations"]
    assert sim["invocations"]["retries"] == 0


def test_visibility_timeout_shorter_than_the_function_timeout_is_refused(tmp_path):
    f = scenario(tmp_path, '[lambda]\ninvocation = "queue"\ntimeout_s = 60\n'
                           "visibility_timeout_s = 30\n")
    p = run("report", "-s", str(f), check=False)
    assert p.returncode == 2
    assert "[lambda] visibility_timeout_s: 30 s is shorter than the function timeout 60 s" in p.stderr


@pytest.mark.parametrize("table", ["fargate", "ecs", "batch", "pricing"])
def test_tables_not_modelled_yet_are_refused(tmp_path, table):
    f = scenario(tmp_path, f"[{table}]\nfoo = 1\n")
    p = run("report", "-s", str(f), check=False)
    assert p.returncode == 2 and f"[{table}]" in p.stderr


def test_functions_that_do_not_exist_are_named(tmp_path):
    f = scenario(tmp_path, "[lambda.functions.nosuch]\nmemory_mb = 256\n")
    p = run("report", "-s", str(f), check=False)
    assert p.returncode == 2
    assert f"{f}: [lambda.functions.nosuch]: the workload has no function 'nosuch'" in p.stderr
    p = run("simulate", "-s", str(f), check=False)
    assert p.returncode == 2 and "no function 'nosuch'" in p.stderr
    t = small_trace(tmp_path)
    for cmd in (["trace", "stats"], ["simulate"]):
        p = run(*cmd, str(t), "--functions", "nosuch", check=False)
        assert p.returncode == 2
        assert "--functions: the workload has no function 'nosuch'" in p.stderr


def test_provisioned_concurrency_before_it_existed_says_the_date(tmp_path):
    t = small_trace(tmp_path)
    p = run("simulate", str(t), "--as-of", "2019-06-01", "--provisioned-concurrency", "2",
            check=False)
    assert p.returncode == 2
    assert "--provisioned-concurrency: provisioned concurrency exists from 2019-12-03" in p.stderr
    assert "pc_granularity" not in p.stderr


def test_time_scale_that_leaves_the_representable_range_is_refused(tmp_path):
    t = small_trace(tmp_path)
    p = run("simulate", str(t), "--time-scale", "1e-300", check=False)
    assert p.returncode == 2
    assert p.stderr.startswith("slsim: error: --time-scale: ")


def test_account_concurrency_below_100_simulates(tmp_path):
    t = small_trace(tmp_path)
    out = json.loads(run("simulate", str(t), "--account-concurrency", "10",
                         "--format", "json").stdout)
    assert out["invocations"]["completed"] == 20
    assert out["config"]["account_concurrency"] == 10


# ---- issue 12: command-line conventions -----------------------------------------------------

def test_version_help_and_unknown_commands():
    p = run("--version")
    assert p.stdout.strip().startswith("slsim 0.") and len(p.stdout.split(".")) == 3
    p = run()
    assert p.returncode == 0 and "Usage:" in p.stdout and "simulate" in p.stdout
    p = run("bogus", check=False)
    assert p.returncode == 2 and "slsim: error: unknown command 'bogus'" in p.stderr
    p = run("price", check=False)
    assert p.returncode == 2 and "lambda, fargate, ec2" in p.stderr


@pytest.mark.parametrize("args", [
    ["simulate", "--no-such-flag"],
    ["price", "lambda"],
    ["report", "--format", "xml"],
    ["trace", "stats", "a", "b"],
])
def test_parser_errors_exit_2_with_the_prefix(args):
    p = run(*args, check=False)
    assert p.returncode == 2
    assert p.stderr.startswith("slsim: error: ")


def test_unwritable_output_is_a_runtime_failure_and_leaves_no_file(tmp_path):
    d = tmp_path / "ro"
    d.mkdir()
    d.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        for args in (["price", "lambda", "--memory-mb", "128"], ["generate", "--duration-s", "5"]):
            p = run(*args, "-o", str(d / "out.txt"), check=False)
            if os.geteuid() == 0:
                break  # root writes anywhere
            assert p.returncode == 1 and p.stderr.startswith("slsim: error: cannot write")
        p = run("price", "lambda", "--memory-mb", "128", "-o", str(tmp_path / "no/dir/x"),
                check=False)
        assert p.returncode == 1 and "cannot write" in p.stderr
        assert "internal error" not in p.stderr
    finally:
        d.chmod(stat.S_IRWXU)
    assert not list((tmp_path / "ro").iterdir()) or os.geteuid() == 0


def test_every_result_command_writes_to_a_file(tmp_path):
    t = small_trace(tmp_path)
    for args in (["price", "lambda", "--memory-mb", "128", "--format", "json"],
                 ["trace", "stats", str(t), "--format", "json"],
                 ["simulate", str(t), "--format", "json"],
                 ["report", "-s", str(scenario(tmp_path, "")), "--format", "json"]):
        out = tmp_path / "out.json"
        p = run(*args, "-o", str(out))
        assert p.stdout == ""
        json.loads(out.read_text())
        assert [x.name for x in tmp_path.iterdir() if x.name.endswith(".tmp")] == []
        out.unlink()


def test_csv_is_tidy_long_format(tmp_path):
    import pandas as pd

    t = small_trace(tmp_path)
    for args in (["simulate", str(t)], ["trace", "stats", str(t)],
                 ["price", "lambda", "--memory-mb", "1024", "--requests", "3000000",
                  "--duration-ms", "120"]):
        text = run(*args, "--format", "csv").stdout
        rows = list(csv.reader(io.StringIO(text)))
        assert rows[0] == ["table", "row", "column", "value"]
        assert all(len(r) == 4 for r in rows)
        assert not any(r[0].startswith("#") for r in rows)
        assert not any(" / " in r[3] for r in rows)
        df = pd.read_csv(io.StringIO(text))
        assert list(df.columns) == ["table", "row", "column", "value"]
        assert len(df) == len(rows) - 1
    text = run("simulate", str(t), "--format", "csv").stdout
    df = pd.read_csv(io.StringIO(text))
    arrived = df[(df.table == "lambda") & (df.row == "arrived")].value.iloc[0]
    assert float(arrived) == 20


def test_tables_fit_their_content_and_show_the_users_spelling(tmp_path):
    t = small_trace(tmp_path, function="f" * 70)
    out = run("simulate", str(t), "--keep-alive-s", "lognormal(median=120,p99=900)").stdout
    assert "lognormal(median=120,p99=900)" in out
    for line in out.splitlines():
        assert len(line) <= 100, line
    assert "f" * 70 not in out
    js = json.loads(run("simulate", str(t), "--keep-alive-s", "lognormal(median=120,p99=900)",
                        "--format", "json").stdout)
    assert js["config"]["defaults"]["keep_alive_s"] == "lognormal(median=120,p99=900)"
    st = json.loads(run("trace", "stats", str(t), "--format", "json").stdout)
    assert st["top_functions"][0]["function"] == "f" * 70


def test_latency_is_unknown_when_nothing_completed(tmp_path):
    t = small_trace(tmp_path)
    args = ["simulate", str(t), "--reserved-concurrency", "0"]
    table = run(*args).stdout
    assert "latency p99 (ms)" in table
    line = [x for x in table.splitlines() if x.startswith("latency p99")][0]
    assert line.split()[-1] == "n/a"
    js = json.loads(run(*args, "--format", "json").stdout)
    assert js["latency_ms"] is None  # nothing ran: no latency, never 0.0


def test_free_tier_covered_usage_shows_its_quantity(tmp_path):
    out = run("price", "lambda", "--memory-mb", "128", "--requests", "1000",
              "--duration-ms", "100").stdout
    line = [x for x in out.splitlines() if x.startswith("Lambda requests")][0]
    assert "1,000" in line
    assert any(x.startswith("free tier: Lambda requests") for x in out.splitlines())


def test_report_shows_the_configuration_simulated():
    out = run("report").stdout
    for what in ("memory (MB)", "runtime", "timeout (s)", "keep-alive (s)",
                 "reserved concurrency", "provisioned concurrency", "account concurrency",
                 "duration billed in steps of (ms)"):
        assert what in out
    js = json.loads(run("report", "--format", "json").stdout)
    cfg = js["platforms"]["lambda"]["config"]
    assert cfg["defaults"]["memory_mb"] == 512 and cfg["defaults"]["timeout_s"] == 30
    assert cfg["as_of"] == "2026-11-01"
