"""Probability distributions with keyword-only constructors and eval-able reprs.

Every distribution wraps the C++ ``slsim._core.Distribution``; sampling is seeded and gives the
same values on every platform. Units are the caller's (slsim uses milliseconds for durations).

slsim's distributions are times (durations, cold starts, keep-alive, delays, inter-arrival
times), so none may give negative values: a distribution whose smallest value is negative, or
whose median is, or a normal negative in 0.1 % of draws or more (``Normal(mean=100, sd=80)``;
rarer negative draws are clamped at 0), is refused with ValueError, here as in every setting
that takes one. Parameters are stored as floats, so equal
values give equal objects and equal reprs (``Constant(5) == Constant(5.0)``).
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from . import _core


class Distribution:
    """Base class. Build one of the subclasses, or parse a spec with :func:`parse_distribution`."""

    _family = ""

    def __init__(self, core: _core.Distribution, **params):
        _no_negative_times(core)
        self._core = core
        self._params = params

    # -- evaluation ---------------------------------------------------------------------------
    def sample(self, n: int, *, seed: int = 1, stream: int = 0) -> np.ndarray:
        """Draw ``n`` values (NumPy float64 array). The same seed gives the same values."""
        n = _int_arg("n", n, 0, 1_000_000_000)
        return self._core.sample(n, _int_arg("seed", seed, 0, 2**63 - 1),
                                 _int_arg("stream", stream, 0, 2**63 - 1))

    def mean(self) -> float:
        """Exact mean (``inf`` where it does not exist)."""
        return self._core.mean()

    def variance(self) -> float:
        """Exact variance (``inf`` where it does not exist)."""
        return self._core.variance()

    def quantile(self, p: float) -> float:
        """Value at cumulative probability ``p`` in [0, 1]."""
        return self._core.quantile(_float_arg("p", p, 0, 1))

    @property
    def spec(self) -> str:
        """Canonical text form, as the CLI and scenario files accept it."""
        return self._core.spec

    # -- protocol -----------------------------------------------------------------------------
    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self._params.items())
        return f"slsim.{type(self).__name__}({args})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Distribution) and self._core == other._core

    def __hash__(self) -> int:
        return hash(self.spec)

    def __reduce__(self):
        return (_rebuild, (type(self).__name__, self._params))


def _no_negative_times(core: _core.Distribution) -> None:
    """The rule of every time setting (lambda init_ms/keep_alive_s, workload duration_ms, ...),
    the C++ one: a normal negative in 0.1 % of draws or more is refused (issue 19)."""
    why = _core._negative_times_problem(core, core.text)
    if why:
        raise ValueError(f"{why} (slsim's distributions are times)")


def _rebuild(name: str, params: dict) -> Distribution:
    return globals()[name](**params)


# -- argument checks shared by the public API: the public name and what is allowed ------------

def _int_arg(name: str, value, lo: int = 0, hi: int | None = None) -> int:
    """``value`` as an int in [lo, hi]; TypeError for a non-number, ValueError out of range."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a whole number, got {type(value).__name__} {value!r}")
    if not isinstance(value, numbers.Integral):
        if not (math.isfinite(value) and float(value).is_integer()):
            raise ValueError(f"{name}: {value!r} is not allowed: a whole number"
                             + (f" from {lo:,} to {hi:,}" if hi is not None else f" >= {lo:,}"))
    v = int(value)
    if v < lo or (hi is not None and v > hi):
        allowed = f"from {lo:,} to {hi:,}" if hi is not None else f">= {lo:,}"
        shown = f"{v:,}" if abs(v) < 10**15 else f"{float(v):.6g}"  # never a 300-digit number
        raise ValueError(f"{name}: {shown} is not allowed: a whole number {allowed}")
    return v


def _float_arg(name: str, value, lo: float | None = None, hi: float | None = None) -> float:
    """``value`` as a finite float in [lo, hi]; TypeError for a non-number, ValueError else."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number, got {type(value).__name__} {value!r}")
    v = float(value)
    if not math.isfinite(v) or (lo is not None and v < lo) or (hi is not None and v > hi):
        if lo is not None and hi is not None:
            allowed = f"a number from {lo:g} to {hi:g}"
        elif lo is not None:
            allowed = f"a finite number >= {lo:g}"
        else:
            allowed = "a finite number"
        raise ValueError(f"{name}: {value!r} is not allowed: {allowed}")
    return v


def _par(name: str, value) -> float:
    """A distribution parameter as a float; TypeError naming it for a non-number (the core checks
    the range and says what is allowed)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number, got {type(value).__name__} {value!r}")
    return float(value)


def _is_number(value) -> bool:
    return not isinstance(value, (bool, np.bool_)) and isinstance(value, numbers.Real)


def _str_arg(name: str, value, choices=None) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string, got {type(value).__name__} {value!r}")
    if choices is not None and value not in choices:
        raise ValueError(f"{name}: {value!r} is not allowed: one of {', '.join(choices)}")
    return value


def _bool_arg(name: str, value) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {type(value).__name__} {value!r}")
    return bool(value)


def _check(cond: bool, msg: str) -> None:
    if not cond:
        raise ValueError(msg)


def _wrap(fn, *args):
    try:
        return fn(*args)
    except ValueError:
        raise
    except Exception as e:  # C++ std::invalid_argument arrives as ValueError already
        raise ValueError(str(e)) from None


class Constant(Distribution):
    """Always ``value``."""

    def __init__(self, value: float):
        # slsim's distributions are times (durations, keep-alive, init): never negative.
        v = _float_arg("value", value, lo=0.0)
        super().__init__(_wrap(_core.Distribution, f"constant(value={v!r})"), value=v)


class Uniform(Distribution):
    """Uniform on [low, high)."""

    def __init__(self, *, low: float, high: float):
        lo = _float_arg("low", low, lo=0.0)
        hi = _float_arg("high", high)
        super().__init__(_wrap(_core.Distribution, f"uniform(low={lo!r},high={hi!r})"),
                         low=lo, high=hi)


class Exponential(Distribution):
    """Exponential with the given ``mean`` (or ``rate`` = 1/mean)."""

    def __init__(self, *, mean: float | None = None, rate: float | None = None):
        _check((mean is None) != (rate is None), "Exponential: give exactly one of mean= or rate=")
        if mean is not None:
            params = {"mean": _par("mean", mean)}
        else:
            params = {"rate": _par("rate", rate)}
        spec = "exponential(" + ",".join(f"{k}={v!r}" for k, v in params.items()) + ")"
        super().__init__(_wrap(_core.Distribution, spec), **params)


class Normal(Distribution):
    """Normal with ``mean`` and standard deviation ``sd``."""

    def __init__(self, *, mean: float, sd: float):
        mean, sd = _par("mean", mean), _par("sd", sd)
        super().__init__(_wrap(_core.Distribution, f"normal(mean={mean!r},sd={sd!r})"),
                         mean=mean, sd=sd)


class LogNormal(Distribution):
    """Log-normal: ``mu``/``sigma`` of log X, or ``median`` with ``p99`` or ``sigma``."""

    def __init__(self, *, mu: float | None = None, sigma: float | None = None,
                 median: float | None = None, p99: float | None = None):
        given = {k: v for k, v in dict(mu=mu, sigma=sigma, median=median, p99=p99).items()
                 if v is not None}
        _check(set(given) in ({"mu", "sigma"}, {"median", "p99"}, {"median", "sigma"}),
               "LogNormal: give mu= and sigma=, median= and p99=, or median= and sigma=")
        given = {k: _par(k, v) for k, v in given.items()}
        spec = "lognormal(" + ",".join(f"{k}={v!r}" for k, v in given.items()) + ")"
        super().__init__(_wrap(_core.Distribution, spec), **given)


class Gamma(Distribution):
    """Gamma with ``shape`` and ``scale`` (mean shape·scale)."""

    def __init__(self, *, shape: float, scale: float):
        shape, scale = _par("shape", shape), _par("scale", scale)
        super().__init__(_wrap(_core.Distribution, f"gamma(shape={shape!r},scale={scale!r})"),
                         shape=shape, scale=scale)


class Weibull(Distribution):
    """Weibull with ``shape`` and ``scale``."""

    def __init__(self, *, shape: float, scale: float):
        shape, scale = _par("shape", shape), _par("scale", scale)
        super().__init__(_wrap(_core.Distribution, f"weibull(shape={shape!r},scale={scale!r})"),
                         shape=shape, scale=scale)


class BurrXII(Distribution):
    """Burr type XII, F(x) = 1 - (1 + (x/lambda_)^c)^(-k)."""

    def __init__(self, *, c: float, k: float, lambda_: float):
        c, k, lambda_ = _par("c", c), _par("k", k), _par("lambda_", lambda_)
        super().__init__(_wrap(_core.Distribution, f"burr(c={c!r},k={k!r},lambda={lambda_!r})"),
                         c=c, k=k, lambda_=lambda_)


class Empirical(Distribution):
    """Resamples the given observations (each equally likely)."""

    def __init__(self, samples):
        if isinstance(samples, (str, bytes)):
            raise TypeError(f"samples must be numbers, got {type(samples).__name__} {samples!r}")
        arr = np.asarray(samples)
        if arr.dtype.kind not in "iuf" and not (
                arr.dtype.kind == "O" and all(_is_number(x) for x in arr.ravel())):
            raise TypeError(f"samples must be numbers, got {arr.dtype} values")
        values = [float(x) for x in arr.ravel()]
        super().__init__(_wrap(_core.Distribution.empirical, values), samples=values)


class Percentiles(Distribution):
    """Inverse CDF linear between percentiles: ``{0: min, 50: median, ..., 100: max}`` (percent)."""

    def __init__(self, points: dict):
        if not isinstance(points, dict):
            raise TypeError(f"points must be a dict of percentile -> value, got "
                            f"{type(points).__name__}")
        norm = {_par("percentile", p): _par("value", v) for p, v in points.items()}
        pts = sorted((p / 100.0, v) for p, v in norm.items())
        super().__init__(_wrap(_core.Distribution.percentiles, pts), points=norm)


def parse_distribution(spec: str | float) -> Distribution:
    """Parse a spec such as ``"lognormal(median=120,p99=900)"`` or a plain number."""
    if _is_number(spec):
        return Constant(spec)
    if not isinstance(spec, str):
        raise TypeError(f"spec must be a number or a string such as "
                        f"'lognormal(median=120,p99=900)', got {type(spec).__name__}")
    core = _wrap(_core.Distribution, spec)
    d = Distribution(core)  # refuses negative times
    d._params = {"spec": core.text}
    d.__class__ = _Parsed
    return d


class _Parsed(Distribution):
    def __init__(self, spec: str):
        super().__init__(_wrap(_core.Distribution, spec), spec=spec)

    def __repr__(self) -> str:
        # The user's own spelling, e.g. lognormal(median=120,p99=900), not the fitted mu/sigma.
        return f"slsim.parse_distribution({self._params['spec']!r})"

    def __reduce__(self):
        return (parse_distribution, (self._params["spec"],))
