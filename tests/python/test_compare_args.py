"""Bad arguments to slsim.compare, slsim.breakeven and slsim.tune_lambda (issue 12): each is a
ValueError (bad value) or TypeError (wrong type) naming the argument and what is allowed, with the
same ranges as the CLI (`slsim report|breakeven|tune lambda`) — never a pybind11 signature dump
naming a private function, never a PricingError for a configuration mistake, never a fraction
silently truncated. And an empty function name is refused by the generators (Python and CLI)."""

import os
import subprocess

import pytest

import slsim

CLI = os.environ.get("SLSIM_CLI", "build/bin/slsim")

PRIVATE = ("incompatible function arguments", "_compare", "_breakeven", "_tune_lambda",
           "_lambda_runner", "invoked with", "not enough values to unpack",
           "invalid literal for int()")


@pytest.fixture(scope="module")
def wl():
    return slsim.Workload.poisson(rate_per_s=0.5, duration_s=60, duration_ms=100, seed=3)


def call(fn, wl, kwargs):
    if fn == "compare":
        return slsim.compare(wl, [slsim.Lambda(memory_mb=512)], **kwargs)
    if fn == "breakeven":
        kwargs = {"points": 1, "scale": (1, 1), **kwargs}
        return slsim.breakeven(wl, [slsim.Lambda(memory_mb=512)], **kwargs)
    kwargs = {"memory_mb": [512], **kwargs} if "memory" not in kwargs else kwargs
    return slsim.tune_lambda(wl, slsim.Lambda(), **kwargs)


def check(excinfo, key):
    e = excinfo.value
    msg = str(e)
    assert key in msg, msg
    for bad in PRIVATE:
        assert bad not in msg, msg
    assert not isinstance(e, slsim.PricingError), f"{type(e).__name__}: {msg}"


ALL = ("compare", "breakeven", "tune_lambda")

# (argument, value, exception, functions that take it)
CASES = [
    ("seed", -1, ValueError, ALL),
    ("seed", 2**64, ValueError, ALL),
    ("seed", 1e23, ValueError, ALL),
    ("seed", 1.5, ValueError, ALL),
    ("seed", "x", TypeError, ALL),
    ("threads", -1, ValueError, ALL),
    ("threads", 1.5, ValueError, ALL),
    ("threads", 100000, ValueError, ALL),
    ("threads", "x", TypeError, ALL),
    ("account_concurrency", -1, ValueError, ALL),
    ("account_concurrency", 1.5, ValueError, ALL),
    ("account_concurrency", 10**9, ValueError, ALL),
    ("account_concurrency", 0, ValueError, ALL),
    ("account_concurrency", "x", TypeError, ALL),
    ("region", 3, TypeError, ALL),
    ("region", "xx-1", ValueError, ALL),
    ("as_of", 5, TypeError, ALL),
    ("as_of", "2010-01-01", ValueError, ALL),
    ("as_of", "not-a-date", ValueError, ALL),
    ("free_tier", "yes", TypeError, ALL),
    ("front_door", 3, ValueError, ALL),
    ("replications", -1, ValueError, ("compare", "breakeven")),
    ("replications", 0, ValueError, ("compare", "breakeven")),
    ("replications", 1.5, ValueError, ("compare", "breakeven")),
    ("replications", 1001, ValueError, ("compare", "breakeven")),
    ("slo_p99_ms", "x", TypeError, ("compare", "breakeven")),
    ("slo_p99_ms", 0, ValueError, ("compare", "breakeven")),
    ("max_error_rate", "x", TypeError, ("compare", "breakeven")),
    ("max_error_rate", 1.5, ValueError, ("compare", "breakeven")),
    ("max_cold_start_rate", "x", TypeError, ("compare", "breakeven")),
    ("max_cold_start_rate", -0.1, ValueError, ("compare", "breakeven")),
    ("points", 1.5, ValueError, ("breakeven",)),
    ("points", 0, ValueError, ("breakeven",)),
    ("points", 201, ValueError, ("breakeven",)),
    ("points", "x", TypeError, ("breakeven",)),
    ("memory", (-5, 128), ValueError, ("tune_lambda",)),
    ("memory", "x", TypeError, ("tune_lambda",)),
    ("memory", (128,), ValueError, ("tune_lambda",)),
    ("memory", (1024, 128), ValueError, ("tune_lambda",)),
    ("memory", (128.5, 1024), ValueError, ("tune_lambda",)),
    ("memory_mb", ["x"], TypeError, ("tune_lambda",)),
    ("memory_mb", [512.5], ValueError, ("tune_lambda",)),
    ("memory_mb", 512, TypeError, ("tune_lambda",)),
    ("weight", "x", TypeError, ("tune_lambda",)),
    ("weight", 2, ValueError, ("tune_lambda",)),
    ("strategy", 3, TypeError, ("tune_lambda",)),
    ("strategy", "cheap", ValueError, ("tune_lambda",)),
]

PARAMS = [pytest.param(fn, arg, value, exc, id=f"{fn}-{arg}={value!r}")
          for arg, value, exc, fns in CASES for fn in fns]


@pytest.mark.parametrize("fn,arg,value,exc", PARAMS)
def test_bad_argument_is_named(wl, fn, arg, value, exc):
    with pytest.raises(exc) as excinfo:
        call(fn, wl, {arg: value})
    check(excinfo, arg)


@pytest.mark.parametrize("scale,exc", [((0, 1), ValueError), ((1, 1e5), ValueError),
                                       (("a", 1), TypeError), ("x", TypeError), (None, TypeError),
                                       ((1, 2, 3), ValueError)])
def test_breakeven_scale(wl, scale, exc):
    with pytest.raises(exc) as excinfo:
        slsim.breakeven(wl, [slsim.Lambda(memory_mb=512)], scale=scale, points=2)
    check(excinfo, "scale")


def test_platforms_must_be_a_list(wl):
    with pytest.raises(TypeError) as excinfo:
        slsim.compare(wl, 5)
    check(excinfo, "platforms")


@pytest.mark.parametrize("value", [None, 1, 10_000_000, 3000.0])
def test_account_concurrency_allowed(wl, value):
    # None: the era's default (1,000); 1 .. 10,000,000 as the Lambda validator allows. 0 is
    # refused, as by `--account-concurrency 0` and slsim.simulate (issue 19).
    c = slsim.compare(wl, [slsim.Lambda(memory_mb=512)], account_concurrency=value, seed=2.0,
                      threads=1, replications=2.0)
    assert c.platforms == ["lambda"]


def test_good_arguments_still_run(wl):
    import datetime

    b = slsim.breakeven(wl, [slsim.Lambda(memory_mb=512)], scale=(0.5, 2), points=2.0,
                        slo_p99_ms=5000, max_error_rate=None, as_of=datetime.date(2026, 11, 1),
                        region="us-east-1", threads=1024)
    assert len(b.summary()["points"]) == 2
    t = slsim.tune_lambda(wl, memory=(128, 256.0), seed=0, weight=1, strategy="cost")
    assert t.best_memory_mb in (128, 256)


def test_empty_function_name_refused_in_python():
    with pytest.raises(ValueError) as excinfo:
        slsim.Workload.poisson(rate_per_s=1, duration_s=10, function="")
    check(excinfo, "function")


def test_empty_function_name_refused_by_cli(tmp_path):
    out = tmp_path / "t.csv"
    p = subprocess.run([CLI, "generate", "--rate-per-s", "1", "--duration-s", "10",
                        "--function", "", "-o", str(out)], capture_output=True, text=True)
    assert p.returncode == 2, p.stderr
    assert "--function" in p.stderr
    assert not out.exists() or out.stat().st_size == 0


def test_breakeven_single_scale(wl):
    # One rate multiplier, as `slsim breakeven --scale 2 --points 1`.
    b = slsim.breakeven(wl, [slsim.Lambda(memory_mb=512)], scale=2, points=1)
    assert [p["scale"] for p in b.summary()["points"]] == [2]
