"""Issue 12, workload source: one path from the trace flags, [workload] keys and Python keywords
to the workload; a flag or key that does not apply to the workload's source is refused, never
silently ignored; generator values that make a workload empty, meaningless or endless are
refused; the user's spelling of a distribution is what the workload's description shows."""
import json
import math
import os
import subprocess
from pathlib import Path

import pytest

import slsim

CLI = os.environ.get("SLSIM_CLI", "build/bin/slsim")
SRC = Path(os.environ.get("SLSIM_SOURCE_DIR", "."))
A19 = SRC / "tests/data/azure2019-format"


def run(*args):
    return subprocess.run([CLI, *map(str, args)], capture_output=True, text=True)


def trace_scenario(tmp_path, extra=""):
    """A scenario reading a 100-row slsim CSV trace: one arrival a second at 0..99 s, function
    'b' every fourth arrival (25 rows), 'a' the rest (75 rows)."""
    rows = ["arrival_s,function,duration_ms"]
    rows += [f"{i},{'b' if i % 4 == 0 else 'a'},50" for i in range(100)]
    (tmp_path / "t.csv").write_text("\n".join(rows) + "\n")
    f = tmp_path / "trace.toml"
    f.write_text('as_of = 2026-11-01\n[workload]\ntrace = "t.csv"\n' + extra +
                 "\n[lambda]\nmemory_mb = 512\n")
    return f


def generator_scenario(tmp_path, workload='generator = "poisson"\nrate_per_s = 2\n'
                                          'duration_s = 60\nfunction = "api"\n'):
    f = tmp_path / "gen.toml"
    f.write_text("as_of = 2026-11-01\n[workload]\n" + workload + "\n[lambda]\nmemory_mb = 512\n")
    return f


def workload_summary(*args):
    p = run("report", *args, "--platforms", "lambda", "--format", "json", "-q")
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout)["workload"]


# ---- 1: trace flags reach a scenario's trace; a flag the user gave wins ----

@pytest.mark.parametrize("flags, invocations, functions", [
    (["--end-s", "10"], 10, 2),
    (["--start-s", "90"], 10, 2),
    (["--top", "1"], 75, 1),
    (["--functions", "b"], 25, 1),
])
def test_selection_flags_override_the_scenario_trace(tmp_path, flags, invocations, functions):
    f = trace_scenario(tmp_path)
    w = workload_summary("-s", f, *flags)
    assert w["invocations"] == invocations and w["functions"] == functions
    p = run("simulate", "-s", f, *flags, "--format", "json")
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["invocations"]["arrived"] == invocations


def test_time_scale_flag_overrides_the_scenario_trace(tmp_path):
    f = trace_scenario(tmp_path)
    assert workload_summary("-s", f)["last_arrival_s"] == pytest.approx(99)
    assert workload_summary("-s", f, "--time-scale", "2")["last_arrival_s"] == pytest.approx(49.5)


def test_a_flag_wins_over_the_files_key(tmp_path):
    f = trace_scenario(tmp_path, "end_s = 50")
    assert workload_summary("-s", f)["invocations"] == 50
    assert workload_summary("-s", f, "--end-s", "20")["invocations"] == 20
    # An empty window made of a file key and a flag names the flag.
    p = run("report", "-s", f, "--start-s", "60")
    assert p.returncode == 2
    assert p.stderr.startswith("slsim: error: --start-s: the window [60, 50) s is empty"), p.stderr


def test_trace_seed_with_a_trace_and_a_scenario_is_not_overwritten(tmp_path):
    f = trace_scenario(tmp_path)
    outs = []
    for seed in (7, 8, 7):
        p = run("simulate", A19 / "invocations.csv", "--durations", A19 / "durations.csv",
                "-s", f, "--trace-seed", seed, "--format", "json")
        assert p.returncode == 0, p.stderr
        outs.append(p.stdout)
    assert outs[0] == outs[2] and outs[0] != outs[1]


TRACE_FLAGS = [
    ["--trace-format", "slsim"], ["--start-s", "1"], ["--end-s", "5"], ["--time-scale", "2"],
    ["--top", "1"], ["--trace-seed", "2"], ["--durations", "d.csv"], ["--memory", "m.csv"],
    ["--sort-buffer-rows", "5"], ["--skip-bad-rows"],
    ["--trace-memory-mb", "512"], ["--log-group", "/aws/lambda/x"], ["--function-name", "x"],
    ["--default-duration-ms", "5"],
]


@pytest.mark.parametrize("command", ["simulate", "report"])
@pytest.mark.parametrize("flag", TRACE_FLAGS, ids=lambda f: f[0])
def test_trace_flags_are_refused_for_a_generator(tmp_path, command, flag):
    f = generator_scenario(tmp_path)
    p = run(command, "-s", f, *flag)
    assert p.returncode == 2, p.stderr
    assert p.stderr.startswith(
        f"slsim: error: {flag[0]}: the scenario's workload is a generator (poisson), "
        "not a trace file"), p.stderr


@pytest.mark.parametrize("command", ["simulate", "report"])
def test_functions_applies_to_a_generator(tmp_path, command):
    # Issue 20: --functions selects from any workload (it was refused for a generator).
    f = generator_scenario(tmp_path)
    p = run(command, "-s", f, "--functions", "api")
    assert p.returncode == 0, p.stderr


def test_trace_flags_are_refused_for_a_generator_in_breakeven_and_tune(tmp_path):
    f = generator_scenario(tmp_path)
    for cmd in (["breakeven"], ["tune", "lambda"]):
        p = run(*cmd, "--scenario", f, "--time-scale", "2")
        assert p.returncode == 2, (cmd, p.stderr)
        assert "--time-scale: the scenario's workload is a generator (poisson)" in p.stderr


def test_seed_flag_reseeds_the_scenarios_generator_in_simulate(tmp_path):
    f = generator_scenario(tmp_path)
    a, b = (run("simulate", "-s", f, "--seed", s, "--format", "json") for s in (1, 2))
    assert a.returncode == 0 and b.returncode == 0
    assert a.stdout != b.stdout


# ---- 2: [workload] keys of another source are refused ----

@pytest.mark.parametrize("key", ["time_scale = 2", "end_s = 10", "start_s = 1", "top_n = 1",
                                 "sort_buffer_rows = 0", 'format = "slsim"',
                                 'durations = "d.csv"', 'log_group = "/aws/lambda/x"',
                                 'trace = "t.csv"'])
def test_trace_keys_in_a_generator_are_refused(tmp_path, key):
    f = generator_scenario(tmp_path, 'generator = "poisson"\nrate_per_s = 2\n' + key + "\n")
    p = run("simulate", "-s", f)
    name = key.split(" ")[0]
    assert p.returncode == 2
    if name == "trace":
        assert "give exactly one of" in p.stderr
    else:
        assert f"{f}: [workload] {name}: applies to traces only; this workload is generator = " \
               '"poisson"' in p.stderr, p.stderr


@pytest.mark.parametrize("pattern, key", [
    ("poisson", "peak_to_trough = 4"), ("poisson", "burst_factor = 4"),
    ("poisson", "functions = 3"), ("diurnal", "mean_burst_s = 5"),
    ("bursty", "peak_hour = 3"), ("azure-like", "duration_ms = 5"),
    ("azure-like", 'function = "x"'), ("azure-like", "memory_mb = 512"),
])
def test_keys_of_another_generator_are_refused(tmp_path, pattern, key):
    f = generator_scenario(tmp_path, f'generator = "{pattern}"\nrate_per_s = 2\n{key}\n')
    p = run("report", "-s", f)
    name = key.split(" ")[0]
    assert p.returncode == 2
    assert f"{f}: [workload] {name}: is not a setting of this generator; this workload is " \
           f'generator = "{pattern}" (its keys: rate_per_s, ' in p.stderr, p.stderr


@pytest.mark.parametrize("key", ["rate_per_s = 2", "peak_hour = 3", "peak_to_trough = 4",
                                 "duration_s = 60", 'invocation = "async"', "rate_sigma = 1"])
def test_generator_keys_in_a_trace_are_refused(tmp_path, key):
    f = trace_scenario(tmp_path, key)
    p = run("simulate", "-s", f)
    name = key.split(" ")[0]
    assert p.returncode == 2
    assert p.stderr.startswith(f"slsim: error: {f}: [workload] {name}: applies to generators "
                               "only; this workload reads a trace (its keys: "), p.stderr


def test_keys_of_another_generator_in_workloads_are_refused(tmp_path):
    f = generator_scenario(tmp_path)
    f.write_text(f.read_text() + '\n[[workloads]]\ngenerator = "poisson"\npeak_hour = 3\n')
    p = run("report", "-s", f)
    assert p.returncode == 2
    assert f"{f}: [workloads[0]] peak_hour: is not a setting of this generator" in p.stderr


@pytest.mark.parametrize("workload, key, allowed", [
    ("peak_to_trough = -5", "peak_to_trough", "from 1 to 1e6"),
    ("peak_to_trough = nan", "peak_to_trough", "from 1 to 1e6"),
    ("peak_to_trough = 1e300", "peak_to_trough", "from 1 to 1e6"),
    ("weekend_factor = 1e300", "weekend_factor", "from 1e-6 to 1e6"),
    ("peak_hour = nan", "peak_hour", "from 0 to 24"),
])
def test_diurnal_values_out_of_range_are_refused(tmp_path, workload, key, allowed):
    f = generator_scenario(tmp_path, f'generator = "diurnal"\nrate_per_s = 2\n{workload}\n')
    p = run("report", "-s", f)
    assert p.returncode == 2
    assert f"{f}: [workload] {key}: " in p.stderr and allowed in p.stderr, p.stderr
    assert len(p.stderr) < 400


@pytest.mark.parametrize("workload, key", [
    ('generator = "bursty"\nburst_factor = 1e300', "burst_factor"),
    ('generator = "bursty"\nburst_fraction = nan', "burst_fraction"),
    ('generator = "azure-like"\nrate_sigma = 1000', "rate_sigma"),
    ('generator = "azure-like"\nduration_sigma = inf', "duration_sigma"),
    ('generator = "poisson"\nrate_per_s = nan', "rate_per_s"),
])
def test_other_generator_values_out_of_range_are_refused(tmp_path, workload, key):
    f = generator_scenario(tmp_path, workload + "\n")
    p = run("report", "-s", f)
    assert p.returncode == 2
    assert f"{f}: [workload] {key}: " in p.stderr and "is not allowed" in p.stderr, p.stderr


def test_a_workload_of_more_than_1e12_arrivals_is_refused(tmp_path):
    # A billion a second for 100 years (3e18 arrivals) would run for millennia.
    f = generator_scenario(tmp_path, 'generator = "poisson"\nrate_per_s = 1e9\n'
                                     'duration_s = 3155760000\n')
    p = run("simulate", "-s", f)
    assert p.returncode == 2
    assert f"{f}: [workload] rate_per_s: " in p.stderr and "at most 1e12 arrivals" in p.stderr
    p = run("generate", "--rate-per-s", "1e9", "--duration-s", "3155760000")
    assert p.returncode == 2, p.stderr
    assert p.stderr.startswith("slsim: error: --rate-per-s: ") and "at most 1e12 arrivals" in p.stderr
    p = run("generate", "--pattern", "diurnal", "--peak-to-trough", "1e300", "--duration-s", "10")
    assert p.returncode == 2
    assert p.stderr.startswith("slsim: error: --peak-to-trough: 1e+300 is not allowed"), p.stderr


# ---- 2: the same rules reach Python's keywords (the same C++ validator) ----

@pytest.mark.parametrize("make, name", [
    (lambda: slsim.Workload.diurnal(rate_per_s=2, duration_s=60, peak_to_trough=-5),
     "peak_to_trough"),
    (lambda: slsim.Workload.diurnal(rate_per_s=2, duration_s=60, peak_to_trough=math.nan),
     "peak_to_trough"),
    (lambda: slsim.Workload.diurnal(rate_per_s=2, duration_s=60, peak_to_trough=1e300),
     "peak_to_trough"),
    (lambda: slsim.Workload.bursty(rate_per_s=2, duration_s=60, burst_factor=1e300),
     "burst_factor"),
    (lambda: slsim.Workload.azure_like(rate_per_s=2, duration_s=60, rate_sigma=1000),
     "rate_sigma"),
    (lambda: slsim.Workload.poisson(rate_per_s=1e9, duration_s=3155760000), "rate_per_s"),
])
def test_python_generator_values_out_of_range_are_value_errors(make, name):
    with pytest.raises(ValueError, match=rf"^{name}: .*(is not allowed|at most 1e12)"):
        make()


# ---- 3: the user's spelling of a distribution is the workload's description ----

def test_the_description_shows_the_users_distribution(tmp_path):
    f = generator_scenario(tmp_path, 'generator = "poisson"\nrate_per_s = 2\nduration_s = 60\n'
                                     'duration_ms = "lognormal(median=120,p99=900)"\n')
    w = workload_summary("-s", f)
    assert "duration_ms lognormal(median=120,p99=900)" in w["source"], w["source"]
    assert "mu=" not in w["source"]
    py = slsim.Workload.poisson(rate_per_s=2, duration_s=60,
                                duration_ms="lognormal(median=120,p99=900)")
    assert "lognormal(median=120,p99=900)" in py.describe()


def test_functions_flag_naming_no_function_of_the_scenario_trace_says_so(tmp_path):
    f = trace_scenario(tmp_path)
    for cmd in ("report", "simulate"):
        p = run(cmd, "-s", f, "--functions", "nosuch")
        assert p.returncode == 2, p.stderr
        assert "--functions: the workload has no function 'nosuch'" in p.stderr, p.stderr


# ---- 2: a trace key or flag that the trace's format does not read is refused ----

@pytest.mark.parametrize("key", ['durations = "d.csv"', "sort_buffer_rows = 10",
                                 'log_group = "/aws/lambda/x"', 'duration_ms = 5'])
def test_trace_keys_of_another_format_are_refused(tmp_path, key):
    f = trace_scenario(tmp_path, key)
    p = run("report", "-s", f)
    name = key.split(" ")[0]
    assert p.returncode == 2
    assert f"{f}: [workload] {name}: applies to " in p.stderr and "this trace is slsim" in p.stderr


@pytest.mark.parametrize("flag", [["--durations", "d.csv"], ["--sort-buffer-rows", "10"],
                                  ["--trace-seed", "3"], ["--log-group", "/aws/lambda/x"]],
                         ids=lambda f: f[0])
def test_trace_flags_of_another_format_are_refused(tmp_path, flag):
    f = trace_scenario(tmp_path)
    for args in (["-s", f], [tmp_path / "t.csv"]):
        p = run("simulate", *args, *flag)
        assert p.returncode == 2, p.stderr
        assert p.stderr.startswith(f"slsim: error: {flag[0]}: applies to ") \
            and "this trace is slsim" in p.stderr, p.stderr
