"""Bad input from the outside review (issue 12): clear errors naming the key/flag, no internals."""
import json
import os
import subprocess
from pathlib import Path

import pytest

import slsim

CLI = os.environ.get("SLSIM_CLI", "build/bin/slsim")


def run(*args):
    return subprocess.run([CLI, *args], capture_output=True, text=True)


# ---- 1: dated features are named for users, never by their internal rule name ----

def test_price_provisioned_concurrency_before_it_existed_says_the_date():
    p = run("price", "lambda", "--memory-mb", "1024", "--provisioned-concurrency", "5",
            "--provisioned-hours", "1", "--as-of", "2019-01-01")
    assert p.returncode != 0
    assert "provisioned concurrency exists from 2019-12-03" in p.stderr
    assert "pc_granularity" not in p.stderr and "no rule" not in p.stderr


def test_price_fargate_spot_before_it_existed_says_the_date():
    p = run("price", "fargate", "--vcpu", "1", "--memory-gb", "2", "--spot",
            "--as-of", "2018-01-01")
    assert p.returncode != 0
    assert "Fargate Spot exists from 2019-12-03" in p.stderr
    assert "spot_available" not in p.stderr and "no rule" not in p.stderr


def test_python_price_dated_features_say_the_date():
    with pytest.raises(ValueError, match="provisioned concurrency exists from 2019-12-03") as e:
        slsim.price_lambda(memory_mb=1024, provisioned_concurrency=5, provisioned_hours=1,
                           as_of="2019-01-01")
    assert "pc_granularity" not in str(e.value)
    with pytest.raises(ValueError, match="Fargate Spot exists from 2019-12-03") as e:
        slsim.price_fargate(vcpu=1, memory_gb=2, spot=True, as_of="2018-01-01")
    assert "spot_available" not in str(e.value)


# ---- 2: times beyond what the clock represents are refused naming the argument ----

@pytest.mark.parametrize("call, name", [
    (lambda: slsim.price_lambda(memory_mb=1024, provisioned_concurrency=1,
                                provisioned_hours=1e15), "provisioned_hours"),
    (lambda: slsim.price_fargate(vcpu=1, memory_gb=2, task_seconds=1e300), "task_seconds"),
    (lambda: slsim.price_ec2(instance_type="m5.large", hours=1e300), "hours"),
])
def test_python_price_times_beyond_100_years_are_refused(call, name):
    with pytest.raises(ValueError, match=f"{name}.*100 years") as e:
        call()
    assert "from_seconds" not in str(e.value)


# ---- 21: provisioned concurrency without hours (or hours without concurrency) ----

@pytest.mark.parametrize("args, needs", [
    (["--provisioned-concurrency", "5"], "provisioned_hours"),
    (["--provisioned-hours", "3"], "provisioned_concurrency"),
])
def test_price_provisioned_count_and_hours_go_together(args, needs):
    p = run("price", "lambda", "--memory-mb", "1024", *args)
    assert p.returncode != 0
    assert needs in p.stderr
    assert p.stderr.startswith(f"slsim: error: {args[0]}: needs"), p.stderr


def test_python_price_provisioned_count_and_hours_go_together():
    with pytest.raises(ValueError, match="provisioned_hours"):
        slsim.price_lambda(memory_mb=1024, provisioned_concurrency=5)
    with pytest.raises(ValueError, match="provisioned_concurrency"):
        slsim.price_lambda(memory_mb=1024, provisioned_hours=3)


def scenario(tmp_path, workload="", lam=""):
    f = tmp_path / "s.toml"
    f.write_text('as_of = 2026-11-01\n[workload]\ngenerator = "poisson"\nrate_per_s = 2\n'
                 'function = "api"\n' + workload + "\n[lambda]\nmemory_mb = 512\n" + lam + "\n")
    return f


# p99=1e20: finite draws (p99=1e300 overflows and is refused as a distribution: finding F8)
@pytest.mark.parametrize("value", ["1e300", "lognormal(median=120,p99=1e20)"])
def test_generate_durations_beyond_100_years_are_refused_naming_the_flag(value):
    p = run("generate", "--duration-s", "10", "--duration-ms", value)
    assert p.returncode != 0
    assert "--duration-ms" in p.stderr and "100 years" in p.stderr
    assert "from_seconds" not in p.stderr


@pytest.mark.parametrize("workload, lam, key", [
    ("duration_s = 30\nduration_ms = 1e300", "", "duration_ms"),
    ('duration_s = 30\nduration_ms = "lognormal(median=120,p99=1e300)"', "", "duration_ms"),
    # 3: integers above 2^53 are converted, not read as garbage, then refused as too long
    ("duration_s = 30\nduration_ms = 9007199254740993", "", "duration_ms"),
    ("duration_s = 30", "keep_alive_s = 9007199254740993", "keep_alive_s"),
    ("duration_s = 30", "init_ms = 9007199254740993", "init_ms"),
    ("duration_s = 30", 'keep_alive_s = "lognormal(median=120,p99=1e300)"', "keep_alive_s"),
    # 7: absurd rates and lengths are refused at once instead of running forever
    ("duration_s = 1e300", "", "duration_s"),
    ("duration_s = 10\nrate_per_s = 1e300", "", "rate_per_s"),
])
def test_scenario_times_beyond_the_clock_are_refused_naming_the_key(tmp_path, workload, lam, key):
    f = scenario(tmp_path, workload.replace("rate_per_s = 2\n", ""), lam)
    text = f.read_text()
    if "rate_per_s = 1e300" in text:
        f.write_text(text.replace("rate_per_s = 2\n", ""))
    p = subprocess.run([CLI, "simulate", "-s", str(f)], capture_output=True, text=True, timeout=60)
    assert p.returncode != 0, p.stdout
    assert key in p.stderr
    assert "from_seconds" not in p.stderr and "e-310" not in p.stdout


def test_python_times_beyond_the_clock_are_refused():
    W = slsim.Workload
    with pytest.raises(ValueError, match="duration_ms"):
        len(W.poisson(rate_per_s=2, duration_s=10, duration_ms=1e300))
    with pytest.raises(ValueError, match="duration_ms"):
        len(W.poisson(rate_per_s=2, duration_s=10,
                      duration_ms=slsim.LogNormal(median=120, p99=1e20)))
    with pytest.raises(ValueError, match="rate_per_s"):
        len(W.poisson(rate_per_s=1e300, duration_s=10))
    with pytest.raises(ValueError, match="keep_alive_s"):
        slsim.simulate(W.poisson(rate_per_s=2, duration_s=10),
                       slsim.Lambda(keep_alive_s=slsim.LogNormal(median=120, p99=1e20)))


# ---- 8: no 300-digit numbers in messages ----

@pytest.mark.parametrize("call", [
    lambda: slsim.Lambda(memory_mb=1e300),
    lambda: slsim.price_lambda(memory_mb=1024, requests=1e300),
    lambda: slsim.Workload.poisson(rate_per_s=2, duration_s=10, memory_mb=1e300),
    lambda: slsim.simulate(slsim.Workload.poisson(rate_per_s=2, duration_s=10), slsim.Lambda(),
                           seed=1e300),
])
def test_python_huge_numbers_are_shown_short(call):
    with pytest.raises(ValueError) as e:
        call()
    assert len(str(e.value)) < 200, str(e.value)
    assert "1e+300" in str(e.value)


# ---- 9, 10, 11: façade arguments checked in Python, naming the argument ----

@pytest.fixture
def csv_trace(tmp_path):
    f = tmp_path / "t.csv"
    f.write_text("arrival_s,function,duration_ms\n0,api,5\n1,api,5\n")
    return f


@pytest.mark.parametrize("kwargs, exc, name", [
    (dict(memory_mb=-5), ValueError, "memory_mb"),
    (dict(memory_mb=float("nan")), ValueError, "memory_mb"),
    (dict(memory_mb=1e-300), ValueError, "memory_mb"),
    (dict(top_n=-5), ValueError, "top_n"),
    (dict(start_s=1e300), ValueError, "start_s"),
    (dict(start_s="a"), TypeError, "start_s"),
    (dict(time_scale=0), ValueError, "time_scale"),
    (dict(functions="api"), TypeError, "functions"),
])
def test_from_csv_arguments_are_checked(csv_trace, kwargs, exc, name):
    with pytest.raises(exc, match=name) as e:
        slsim.Workload.from_csv(csv_trace, **kwargs)
    assert "incompatible function arguments" not in str(e.value)


@pytest.mark.parametrize("call, exc, name", [
    (lambda d: d.sample(1.5), ValueError, "n"),
    (lambda d: d.sample(3, seed=-1), ValueError, "seed"),
    (lambda d: d.quantile("a"), TypeError, "p"),
    (lambda d: d.quantile(2), ValueError, "p"),
])
def test_distribution_arguments_are_checked(call, exc, name):
    with pytest.raises(exc, match=rf"\b{name}\b") as e:
        call(slsim.Constant(5))
    assert "incompatible function arguments" not in str(e.value)


def test_stats_and_latency_quantile_arguments_are_checked(csv_trace):
    w = slsim.Workload.from_csv(csv_trace)
    with pytest.raises(ValueError, match="top_n"):
        w.stats(top_n=-1)
    r = slsim.simulate(w, slsim.Lambda())
    with pytest.raises(TypeError, match=r"\bq\b"):
        r.latency_quantile("a")


@pytest.mark.parametrize("memory", [[-1], [1.7], [float("nan")]])
def test_from_arrays_memory_is_checked_not_wrapped(memory):
    with pytest.raises(ValueError, match=r"memory_mb\[0\]"):
        slsim.Workload.from_arrays(arrival_s=[0], duration_ms=[1], memory_mb=memory)


# ---- 19: latency of nothing is unknown, not 0.0 ----

def test_latency_quantile_is_none_when_nothing_completed():
    wl = slsim.Workload.poisson(rate_per_s=2, duration_s=30, function="api")
    r = slsim.simulate(wl, slsim.Lambda(functions={"api": slsim.Lambda(reserved_concurrency=0)}))
    assert r.summary()["invocations"]["completed"] == 0
    assert r.latency_quantile(0.99) is None


# ---- 4: '-' reads the trace from standard input ----

@pytest.mark.parametrize("cmd", [["trace", "stats"], ["simulate"]])
def test_dash_reads_the_trace_from_stdin(cmd):
    p = subprocess.run([CLI, *cmd, "-"], input="arrival_s,function,duration_ms\n0,api,5\n1,api,5\n",
                       capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    assert "cannot open" not in p.stderr


# ---- 17: configuration mistakes in price_* are ValueError, not PricingError ----

@pytest.mark.parametrize("call", [
    lambda: slsim.price_lambda(memory_mb=100),
    lambda: slsim.price_lambda(memory_mb=1024, ephemeral_mb=0),
    lambda: slsim.price_fargate(vcpu=0.25, memory_gb=16),
])
def test_price_configuration_mistakes_are_value_errors(call):
    with pytest.raises(ValueError) as e:
        call()
    assert not isinstance(e.value, slsim.PricingError)


# ---- 15: price errors name the flag ----

@pytest.mark.parametrize("args, flag", [
    (["--duration-ms", "1e6"], "--duration-ms"),
    (["--ephemeral-mb", "0"], "--ephemeral-mb"),
    (["--provisioned-concurrency", "1", "--provisioned-hours", "1",
      "--provisioned-requests", "1", "--provisioned-duration-ms", "1e6"],
     "--provisioned-duration-ms"),
])
def test_price_lambda_errors_name_the_flag(args, flag):
    p = run("price", "lambda", "--memory-mb", "1024", *args)
    assert p.returncode != 0
    assert p.stderr.startswith(f"slsim: error: {flag}: "), p.stderr


# ---- 12: -o writes through a symlink (or a device) instead of replacing it ----

@pytest.mark.parametrize("cmd", [["price", "lambda", "--memory-mb", "128"],
                                 ["generate", "--duration-s", "5"]])
def test_output_through_a_symlink_keeps_the_link(tmp_path, cmd):
    real = tmp_path / "real.txt"
    real.write_text("old\n")
    link = tmp_path / "link.txt"
    link.symlink_to(real)
    p = run(*cmd, "-o", str(link))
    assert p.returncode == 0, p.stderr
    assert link.is_symlink()
    assert real.read_text() != "old\n" and len(real.read_text()) > 10


# ---- 13: --top N lists N functions, not the others with 0 invocations ----

def test_trace_stats_top_lists_only_the_kept_functions(tmp_path):
    f = tmp_path / "t.csv"
    rows = ["arrival_s,function,duration_ms"]
    t = 0.0
    for name, n in [("a", 5), ("b", 4), ("c", 3), ("d", 2), ("e", 1)]:
        for _ in range(n):
            rows.append(f"{t},{name},5")
            t += 0.1
    rows.sort(key=lambda r: float(r.split(",")[0]) if r[0].isdigit() else -1)
    f.write_text("\n".join(rows) + "\n")
    p = run("trace", "stats", str(f), "--top", "2", "--format", "json")
    assert p.returncode == 0, p.stderr
    s = json.loads(p.stdout)
    tops = s["top_functions"] if "top_functions" in s else s["workload"]["top_functions"]
    assert [x["function"] for x in tops] == ["a", "b"]


def test_trace_stats_top_on_azure2021_lists_only_the_kept_functions():
    src = Path(os.environ.get("SLSIM_SOURCE_DIR", "."))
    p = run("trace", "stats", str(src / "tests/data/azure2021/Azure2021_200.csv"), "--top", "3",
            "--format", "json")
    assert p.returncode == 0, p.stderr
    tops = json.loads(p.stdout)["top_functions"]
    assert len(tops) == 3 and all(t["invocations"] > 0 for t in tops)


# ---- 22: no empty "known:" list when there are no EC2 prices on the date ----

def test_price_ec2_before_its_prices_says_so():
    p = run("price", "ec2", "--instance-type", "m5.large", "--hours", "1", "--as-of", "2015-01-01")
    assert p.returncode != 0
    assert "no EC2 prices" in p.stderr and not p.stderr.rstrip().endswith("known:")


# ---- 16: an error caused by a flag names the flag, not the file ----

def test_visibility_timeout_against_a_timeout_flag_blames_the_flag(tmp_path):
    # The file sets SQS's own 30 s (slsim's default follows the function timeout: 6 times it).
    f = scenario(tmp_path, "duration_s = 10", "visibility_timeout_s = 30")
    p = run("simulate", "-s", str(f), "--invocation", "queue", "--timeout-s", "60")
    assert p.returncode != 0
    assert p.stderr.startswith("slsim: error: --timeout-s: "), p.stderr


def test_missing_subcommand_hint_is_a_command_line():
    p = run("price")
    assert p.returncode != 0
    assert "(slsim price --help)" in p.stderr


@pytest.mark.parametrize("make, name", [
    (lambda: slsim.Exponential(mean="abc"), "mean"),
    (lambda: slsim.LogNormal(median="x", p99=900), "median"),
    (lambda: slsim.Normal(mean=1, sd=[1]), "sd"),
])
def test_distribution_parameters_of_the_wrong_type_are_named(make, name):
    with pytest.raises(TypeError, match=rf"^{name} must be a number"):
        make()


# ==== issue 12, outside review: the same rule and the same message from every front end ====

import re  # noqa: E402


def _lambda_file(tmp_path, lam="", name="c.toml"):
    # No as_of: today's rules, as for slsim.Lambda(...) (messages are compared with dates masked).
    f = tmp_path / name
    memory = "" if lam.startswith("memory_mb") else "memory_mb = 512\n"
    f.write_text('[workload]\ngenerator = "poisson"\nrate_per_s = 1\nduration_s = 10\n'
                 'function = "api"\n[lambda]\n' + memory + lam + "\n")
    return f


def _masked(msg):
    return re.sub(r"\d{4}-\d{2}-\d{2}", "DATE", msg.strip())


def _after(prefix, stderr):
    head = "slsim: error: " + prefix
    assert stderr.startswith(head), (head, stderr)
    return _masked(stderr[len(head):])


# (scenario key, bad value as TOML, the flag of `slsim simulate` or None, the Python value)
LAMBDA_BAD_SETTINGS = [
    ("memory_mb", "100", "--memory-mb", 100),
    ("timeout_s", "0.5", "--timeout-s", 0.5),
    ("error_probability", "1.5", "--error-probability", 1.5),
    ("visibility_timeout_s", "1.5", "--visibility-timeout-s", 1.5),
    ("max_retry_attempts", "3", "--max-retry-attempts", 3),
    ("ephemeral_mb", "100", "--ephemeral-mb", 100),
    ("ephemeral_mb", "20000", "--ephemeral-mb", 20000),
    ("provisioned_concurrency", "2000", "--provisioned-concurrency", 2000),
    ("account_concurrency", "0", "--account-concurrency", 0),
    ("keep_alive_s", "-5", "--keep-alive-s", -5),
    ("init_ms", "-100", "--init-ms", -100),
    ("max_event_age_s", "10", None, 10),
    ("cpu_bound_fraction", "2", None, 2),
    ("parallel_fraction", "2", None, 2),
    ("reference_memory_mb", "2000000", None, 2000000),
    ("client_max_attempts", "0", None, 0),
    ("client_base_backoff_ms", "-1", None, -1),
    ("client_max_backoff_ms", "-1", None, -1),
    ("max_receive_count", "2000", None, 2000),
    ("message_retention_s", "30", None, 30),
    ("queue_max_concurrency", "1", None, 1),
    ("arch", '"x72"', "--arch", "x72"),
    ("runtime", '"cobol"', "--runtime", "cobol"),
    ("invocation", '"batch"', "--invocation", "batch"),
]


@pytest.mark.parametrize("key, toml, flag, value", LAMBDA_BAD_SETTINGS,
                         ids=[f"{k}={t}" for k, t, _, _ in LAMBDA_BAD_SETTINGS])
def test_lambda_settings_give_the_same_message_from_file_flag_and_python(tmp_path, key, toml,
                                                                          flag, value):
    f = _lambda_file(tmp_path, f"{key} = {toml}")
    p = run("simulate", "-s", str(f))
    assert p.returncode == 2, p.stderr
    from_file = _after(f"{f}: [lambda] {key}: ", p.stderr)

    with pytest.raises(ValueError) as e:
        if key == "account_concurrency":
            slsim.simulate(slsim.Workload.poisson(rate_per_s=1, duration_s=10, function="api"),
                           slsim.Lambda(), account_concurrency=value)
        else:
            slsim.Lambda(**{key: value})
    assert str(e.value).startswith(f"{key}: "), str(e.value)
    from_python = _masked(str(e.value)[len(key) + 2:])
    assert from_python == from_file

    if flag:
        p = run("simulate", "-s", str(_lambda_file(tmp_path, name="base.toml")), flag,
                str(value))
        assert p.returncode == 2, p.stderr
        assert _after(f"{flag}: ", p.stderr) == from_file


def test_price_lambda_arch_gives_the_validators_message(tmp_path):
    f = _lambda_file(tmp_path, 'arch = "x72"')
    from_file = _after(f"{f}: [lambda] arch: ", run("simulate", "-s", str(f)).stderr)
    p = run("price", "lambda", "--memory-mb", "1024", "--arch", "x72")
    assert p.returncode == 2
    assert _after("--arch: ", p.stderr) == from_file


def test_price_lambda_ephemeral_and_memory_give_the_validators_message(tmp_path):
    f = _lambda_file(tmp_path, "ephemeral_mb = 100")
    from_file = _after(f"{f}: [lambda] ephemeral_mb: ", run("simulate", "-s", str(f)).stderr)
    p = run("price", "lambda", "--memory-mb", "1024", "--ephemeral-mb", "100")
    assert p.returncode == 2
    assert _after("--ephemeral-mb: ", p.stderr) == from_file
    f = _lambda_file(tmp_path, "memory_mb = 100", name="m.toml")
    from_file = _after(f"{f}: [lambda] memory_mb: ", run("simulate", "-s", str(f)).stderr)
    p = run("price", "lambda", "--memory-mb", "100")
    assert p.returncode == 2
    assert _after("--memory-mb: ", p.stderr) == from_file


# ---- review 1: provisioned concurrency 0 is "none" everywhere ----

def test_provisioned_concurrency_zero_is_none_in_every_front_end(tmp_path):
    f = _lambda_file(tmp_path, "provisioned_concurrency = 0")
    p = run("simulate", "-s", str(f), "--format", "json")
    assert p.returncode == 0, p.stderr
    p = run("simulate", "-s", str(_lambda_file(tmp_path, name="b.toml")),
            "--provisioned-concurrency", "0", "--format", "json")
    assert p.returncode == 0, p.stderr
    wl = slsim.Workload.poisson(rate_per_s=1, duration_s=10, function="api")
    slsim.simulate(wl, slsim.Lambda(provisioned_concurrency=0))


# ---- review 4: SQS visibility timeouts are whole seconds ----

def test_fractional_visibility_timeout_is_refused_everywhere(tmp_path):
    p = run("simulate", "-s", str(_lambda_file(tmp_path)), "--visibility-timeout-s", "1.5")
    assert p.returncode == 2
    assert "--visibility-timeout-s: 1.5 is not allowed" in p.stderr and "whole seconds" in p.stderr
    f = _lambda_file(tmp_path, "visibility_timeout_s = 1.5", name="v.toml")
    assert run("simulate", "-s", str(f)).returncode == 2
    with pytest.raises(ValueError, match="visibility_timeout_s: 1.5 is not allowed"):
        slsim.Lambda(visibility_timeout_s=1.5)
    slsim.Lambda(visibility_timeout_s=60)  # whole seconds are fine


# ---- review 5: the JSON bill carries the same lines as the table and the CSV ----

def _table_bill_rows(text):
    # Rows of the bill table after its header rule, up to the total: (name, usd).
    rows, on = [], False
    for line in text.splitlines():
        if line.startswith("---"):
            on = True
            continue
        if on and line.startswith("total"):
            break
        if on and line.strip():
            rows.append((line[:line.rfind("  ")].split("  ")[0].strip(), line.split()[-1]))
    return rows


def test_price_json_bill_has_the_tables_lines_gross_and_free_tier():
    args = ["price", "lambda", "--memory-mb", "1024", "--requests", "5000000", "--duration-ms",
            "200", "--as-of", "2026-11-01"]
    j = json.loads(run(*args, "--format", "json").stdout)
    table = run(*args).stdout
    names = [i["name"] for i in j["line_items"]]
    assert "free tier: Lambda requests" in names
    assert [(i["name"], f"{i['usd']:.2f}") for i in j["line_items"]] == _table_bill_rows(table)
    req = {i["name"]: i for i in j["line_items"]}
    assert req["Lambda requests"]["quantity"] == 5_000_000  # gross, not net of the free tier
    assert req["free tier: Lambda requests"]["quantity"] == 1_000_000
    assert req["free tier: Lambda requests"]["usd"] <= 0
    assert round(sum(i["usd"] for i in j["line_items"]), 2) == j["total_usd"]
    # CSV: the same line names.
    csv_names = []
    for line in run(*args, "--format", "csv").stdout.splitlines()[1:]:
        _, row, *_ = line.split(",")
        if row != "total" and row not in csv_names:
            csv_names.append(row)
    assert csv_names == names


def test_simulate_json_bill_has_the_tables_lines(tmp_path):
    f = tmp_path / "big.toml"
    f.write_text('as_of = 2026-11-01\n[workload]\ngenerator = "poisson"\nrate_per_s = 50\n'
                 'duration_s = 60\nfunction = "api"\n[lambda]\nmemory_mb = 512\n')
    j = json.loads(run("simulate", "-s", str(f), "--format", "json").stdout)
    table = run("simulate", "-s", str(f)).stdout
    bill = table[table.index("AWS Lambda bill"):]
    items = j["cost"]["line_items"]
    assert any(i["name"].startswith("free tier: ") for i in items)
    assert [(i["name"], f"{i['usd']:.2f}") for i in items] == _table_bill_rows(bill)
    assert round(sum(i["usd"] for i in items), 2) == j["cost"]["total_usd"]


# ---- review 6: the flag replaces the key; unknown platforms; flags of another platform ----

@pytest.mark.parametrize("cmd", [["price", "lambda", "--memory-mb", "1024"], ["simulate"]])
def test_as_of_error_names_the_flag_once(tmp_path, cmd):
    extra = ["-s", str(_lambda_file(tmp_path))] if cmd == ["simulate"] else []
    p = run(*cmd, *extra, "--as-of", "2010-01-01")
    assert p.returncode == 2
    assert p.stderr.startswith("slsim: error: --as-of: 2010-01-01 is before"), p.stderr
    assert "as_of" not in p.stderr


def test_price_unknown_platform_is_named():
    p = run("price", "bogus")
    assert p.returncode == 2
    assert "unknown platform 'bogus'" in p.stderr
    assert "lambda" in p.stderr and "fargate" in p.stderr and "ec2" in p.stderr


@pytest.mark.parametrize("platform, flag, applies", [
    ("lambda", ["--vcpu", "1"], "ecs, fargate or ecs-managed"),
    ("lambda", ["--min-vcpus", "1"], "batch"),
    ("lambda", ["--timeline"], "ecs, fargate, lambda-managed or ecs-managed"),
    ("fargate", ["--memory-mb", "1024"], "lambda or lambda-managed"),
    ("fargate", ["--reserved-concurrency", "5"], "lambda"),
    ("ecs", ["--max-vcpus", "8"], "batch"),
    ("ecs", ["--no-free-tier"], "lambda"),
    ("batch", ["--memory-mb", "1024"], "lambda or lambda-managed"),
    ("batch", ["--vcpu", "1"], "ecs, fargate or ecs-managed"),
    ("fargate", ["--timeout-s", "30"], "lambda or batch"),
])
def test_simulate_refuses_flags_of_another_platform(tmp_path, platform, flag, applies):
    p = run("simulate", "-s", str(_lambda_file(tmp_path)), "--platform", platform, *flag)
    assert p.returncode == 2, p.stderr
    assert p.stderr.startswith(
        f"slsim: error: {flag[0]} applies to --platform {applies}, not {platform}"), p.stderr


@pytest.mark.parametrize("platform, key, value", [
    ("fargate", "min_tasks", "-1"),
    ("fargate", "target_cpu_pct", "200"),
    ("ecs", "min_tasks", "-1"),
])
def test_container_settings_give_the_same_message_from_file_and_flag(tmp_path, platform, key,
                                                                     value):
    f = tmp_path / "c.toml"
    f.write_text('[workload]\ngenerator = "poisson"\nrate_per_s = 1\nduration_s = 10\n'
                 f'function = "api"\n[{platform}]\n{key} = {value}\n')
    p = run("simulate", "-s", str(f), "--platform", platform)
    assert p.returncode == 2, p.stderr
    from_file = _after(f"{f}: [{platform}] {key}: ", p.stderr)
    flag = "--" + key.replace("_", "-")
    p = run("simulate", "-s", str(_lambda_file(tmp_path)), "--platform", platform, flag, value)
    assert p.returncode == 2, p.stderr
    assert _after(f"{flag}: ", p.stderr) == from_file
