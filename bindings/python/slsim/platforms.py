"""Platform configurations and ``simulate``.

``slsim.Lambda(...)`` describes an AWS Lambda function (keyword arguments with unit suffixes,
eval-able repr, picklable); ``slsim.simulate(workload, platform, ...)`` runs the model and
returns a :class:`Result`.
"""

from __future__ import annotations

import datetime as _dt
import json
import math
import numbers

from . import _core
from .distributions import (Distribution, _bool_arg, _float_arg, _int_arg, _is_number,
                            _str_arg, _wrap, parse_distribution)
from .pricing import Bill
from .workload import Workload

_OUTCOMES = ("completed", "failed_error", "failed_timeout", "dropped_throttled", "dropped_expired")


def _dist_or_none(name, value):
    if value is None:
        return None
    if isinstance(value, Distribution):
        return value
    if _is_number(value):
        value = float(value)  # 5 and 5.0 are the same setting
    if not isinstance(value, (float, str)):
        raise TypeError(f"{name} must be a number, a distribution spec string or a "
                        f"slsim distribution, got {type(value).__name__}")
    if isinstance(value, (int, float)) and math.isfinite(value):
        # A plain number: what is allowed is the validator's to say, with the same message as
        # for a scenario key or a flag ("-5 gives negative times ...").
        # Built without Distribution's own negative-time check, so the validator says it, named.
        d = Distribution.__new__(Distribution)
        d._core, d._params = _wrap(_core.Distribution, repr(value)), {"value": value}
        return d
    try:
        return parse_distribution(value)
    except ValueError as e:
        raise ValueError(f"{name}: {e}") from None


_MAX_U32 = 4_294_967_295


def _memory_mb_arg(k, v):
    """A whole number; one that is not even a size (negative, beyond 32 bits) is refused with
    Lambda's range (today's: simulate() checks again at its as_of), as the CLI and a scenario
    file do; the rest is the validator's to say."""
    if isinstance(v, numbers.Integral) and not isinstance(v, bool) and not 0 <= v <= _MAX_U32:
        shown = f"{int(v):,}" if abs(v) < 10**15 else f"{float(v):.6g}"
        raise ValueError(f"{k}: {shown} is not allowed: {_core._lambda_memory_allowed('')}")
    return _int_arg(k, v, 0, _MAX_U32)


# Each keyword's type check (value -> value for the core config: a whole number that fits the
# field); what is allowed is the one validator's to say (slsim._core._validate_lambda), with the
# same message as for a scenario key or a flag.
_FIELD_CHECKS = {
    "memory_mb": _memory_mb_arg,
    "arch": lambda k, v: _word_arg(k, v),
    "runtime": lambda k, v: _word_arg(k, v),
    "vpc": _bool_arg,
    "timeout_s": lambda k, v: _float_arg_any(k, v),
    "reserved_concurrency": lambda k, v: None if v is None else _int_arg(k, v, 0, _MAX_U32),
    "invocation": lambda k, v: None if v is None else _word_arg(k, v),
    "max_retry_attempts": lambda k, v: _int_arg(k, v, 0, _MAX_U32),
    "max_event_age_s": lambda k, v: _float_arg_any(k, v),
    "error_probability": lambda k, v: _float_arg_any(k, v),
    "reference_memory_mb": lambda k, v: _int_arg(k, v, 0, _MAX_U32),
    "cpu_bound_fraction": lambda k, v: _float_arg_any(k, v),
    "parallel_fraction": lambda k, v: _float_arg_any(k, v),
    "ephemeral_mb": lambda k, v: _int_arg(k, v, 0, _MAX_U32),
    "client_max_attempts": lambda k, v: _int_arg(k, v, 0, _MAX_U32),
    "client_base_backoff_ms": lambda k, v: _float_arg_any(k, v),
    "client_max_backoff_ms": lambda k, v: _float_arg_any(k, v),
    "visibility_timeout_s": lambda k, v: _float_arg_any(k, v),
    "max_receive_count": lambda k, v: _int_arg(k, v, 0, _MAX_U32),
    "message_retention_s": lambda k, v: _float_arg_any(k, v),
    "queue_max_concurrency": lambda k, v: None if v is None else _int_arg(k, v, 0, _MAX_U32),
}


def _word_arg(name, value):
    """A string; which words are allowed is the validator's to say (the scenario key's message)."""
    _str_arg(name, value)
    _core._check_lambda_choice(name, value)
    return value


def _float_arg_any(name, value):
    """A number (NaN and infinities pass through to the validator, which names what is allowed)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) and not hasattr(value, "__float__"):
        raise TypeError(f"{name} must be a number, got {type(value).__name__} {value!r}")
    return float(value)


class Lambda:
    """An AWS Lambda function configuration. Every argument is optional; see docs/models.md.

    memory_mb (0: the trace's memory), arch ("x86_64"|"arm64"), runtime ("python", "nodejs",
    "java", "dotnet", "go", "custom", "container"), vpc, timeout_s (0: the maximum of the era),
    reserved_concurrency, provisioned_concurrency (or provisioned=[(start_s, end_s, count)]),
    invocation ("sync"|"async"|"queue", overrides the trace), max_retry_attempts, max_event_age_s,
    error_probability, keep_alive_s and init_ms (numbers or distributions; default by date and
    runtime), reference_memory_mb, cpu_bound_fraction, parallel_fraction, ephemeral_mb,
    client_max_attempts, client_base_backoff_ms, client_max_backoff_ms, visibility_timeout_s,
    max_receive_count, message_retention_s, queue_max_concurrency (the SQS event source's
    maximum concurrency, from 2023-01-12), and functions={name: Lambda(...)} for per-function
    settings.
    """

    _FIELDS = ("memory_mb", "arch", "runtime", "vpc", "timeout_s", "reserved_concurrency",
               "invocation", "max_retry_attempts", "max_event_age_s", "error_probability",
               "reference_memory_mb", "cpu_bound_fraction", "parallel_fraction", "ephemeral_mb",
               "client_max_attempts", "client_base_backoff_ms", "client_max_backoff_ms",
               "visibility_timeout_s", "max_receive_count", "message_retention_s",
               "queue_max_concurrency")

    def __init__(self, *, provisioned_concurrency: int | None = None, provisioned=None,
                 keep_alive_s=None, init_ms=None, functions: dict | None = None, **kwargs):
        unknown = set(kwargs) - set(self._FIELDS)
        if unknown:
            raise TypeError(f"Lambda() got unknown arguments {sorted(unknown)}; "
                            f"known: {sorted(self._FIELDS + ('provisioned_concurrency', 'provisioned', 'keep_alive_s', 'init_ms', 'functions'))}")
        if provisioned_concurrency is not None and provisioned is not None:
            raise ValueError("give provisioned_concurrency= or provisioned=, not both")
        # Values are kept as their checks normalise them (512.0 -> 512 for a whole number, 300 ->
        # 300.0 for a time), so equal settings give equal objects and equal reprs.
        self._kwargs = {k: _FIELD_CHECKS[k](k, v) for k, v in kwargs.items()}
        if provisioned_concurrency is not None:
            self._kwargs["provisioned_concurrency"] = _int_arg(
                "provisioned_concurrency", provisioned_concurrency, 0, _MAX_U32)
        if provisioned is not None:
            windows = []
            for w in provisioned:
                if not isinstance(w, (tuple, list)) or len(w) != 3:
                    raise TypeError("provisioned must be a list of (start_s, end_s, count) "
                                    f"tuples, got {w!r}")
                windows.append((_float_arg("provisioned start_s", w[0]),
                                _float_arg("provisioned end_s", w[1]),
                                _int_arg("provisioned count", w[2], 0, _MAX_U32)))
            self._kwargs["provisioned"] = windows
        self._keep_alive = _dist_or_none("keep_alive_s", keep_alive_s)
        self._init = _dist_or_none("init_ms", init_ms)
        for key, value in (("keep_alive_s", keep_alive_s), ("init_ms", init_ms)):
            if value is not None:
                self._kwargs[key] = float(value) if _is_number(value) else value
        if functions is not None and not isinstance(functions, dict):
            raise TypeError(f"functions must be a dict of name -> slsim.Lambda, got "
                            f"{type(functions).__name__}")
        self._functions = dict(functions or {})
        for name, f in self._functions.items():
            if not isinstance(name, str):
                raise TypeError(f"functions: names must be strings, got {name!r}")
            if not isinstance(f, Lambda):
                raise TypeError(f"functions[{name!r}] must be a slsim.Lambda")
        if self._functions:
            self._kwargs["functions"] = self._functions
        # The one validator, at today's rules (simulate() checks again at its as_of).
        self._validate("")

    def _validate(self, as_of: str, account_concurrency: int = 0, discount_pct: float = 0.0):
        # reserved_concurrency on the top-level Lambda applies to every function of the
        # workload (as `slsim simulate --reserved-concurrency`): checked per function by
        # simulate(), which knows the workload's functions.
        c = self._core_config()
        c.reserved_concurrency = None
        _core._validate_lambda(c, self._core_functions(), as_of, account_concurrency,
                               discount_pct)

    def _core_config(self) -> _core.LambdaConfig:
        c = _core.LambdaConfig()
        for k in self._FIELDS:
            if k in self._kwargs:
                setattr(c, k, _FIELD_CHECKS[k](k, self._kwargs[k]))
        if "provisioned_concurrency" in self._kwargs:
            n = int(self._kwargs["provisioned_concurrency"])
            c.provisioned = [(0.0, -1.0, n)] if n > 0 else []
        if "provisioned" in self._kwargs:
            c.provisioned = [(float(a), float(b), int(n)) for a, b, n in self._kwargs["provisioned"]]
        if self._keep_alive is not None:
            c.keep_alive_s = self._keep_alive._core
        if self._init is not None:
            c.init_ms = self._init._core
        return c

    def _core_functions(self) -> dict:
        out = {}
        for name, f in self._functions.items():
            merged = {k: v for k, v in self._kwargs.items() if k != "functions"}
            merged.update({k: v for k, v in f._kwargs.items() if k != "functions"})
            out[name] = Lambda(**merged)._core_config()
        return out

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self._kwargs.items())
        return f"slsim.Lambda({args})"

    def _key(self):
        # keep_alive_s and init_ms compare as distributions (5.0 == Constant(5) == "5").
        plain = {k: v for k, v in self._kwargs.items()
                 if k not in ("keep_alive_s", "init_ms", "functions")}
        return plain, self._keep_alive, self._init, self._functions

    def __eq__(self, other) -> bool:
        if not isinstance(other, Lambda):
            return NotImplemented
        return self._key() == other._key()

    def __reduce__(self):
        return (_make_lambda, (self._kwargs,))


def _make_lambda(kwargs):
    return Lambda(**kwargs)


class Result:
    """A simulation's result: ``summary()`` (the CLI's JSON), ``bill``, ``records`` and
    ``timeseries`` (NumPy views, when requested), ``to_pandas()``."""

    def __init__(self, core, platform: str, function_names=()):
        self._core = core
        self._platform = platform
        self._function_names = list(function_names)
        self._summary = json.loads(core.summary_json())
        # Latency of nothing is unknown (None), never 0.0, as in `slsim simulate --format json`.
        for key, none in (("latency_ms", getattr(core, "latency_count", 1) == 0),
                          ("latency_completed_ms",
                           self._summary.get("invocations", {}).get("completed", 1) == 0)):
            if none and isinstance(self._summary.get(key), dict):
                self._summary[key] = {k: None for k in self._summary[key]}

    def summary(self) -> dict:
        return json.loads(json.dumps(self._summary))

    @property
    def bill(self) -> Bill:
        return Bill(self._summary["cost"])

    @property
    def notes(self) -> list[str]:
        return list(self._core.notes)

    @property
    def records(self) -> dict:
        """Per-invocation records as NumPy arrays that view the result's memory (simulate with
        records=True): arrival_s, end_s, latency_ms, function, attempts, cold, outcome."""
        return self._core.records()

    @property
    def timeseries(self) -> dict:
        """Per-second samples (simulate with timeseries=True): busy_max, envs_max, arrivals,
        throttles, cold_starts."""
        return self._core.timeseries()

    def latency_quantile(self, q: float) -> float:
        """Latency (ms) at quantile ``q`` in [0, 1]; None when no latency was recorded (unknown,
        never 0.0, as in summary())."""
        q = _float_arg("q", q, 0, 1)
        if getattr(self._core, "latency_count", 1) == 0:
            return None
        return self._core.latency_quantile(q)

    def to_pandas(self):
        """One row per invocation (needs records=True); otherwise a one-row summary."""
        import pandas as pd

        rec = self.records
        if len(rec["arrival_s"]) == 0 and self._summary["invocations"]["arrived"] > 0:
            flat = pd.json_normalize(self._summary, sep=".")
            return flat.drop(columns=[c for c in flat.columns if c.startswith("cost.line_items")])
        df = pd.DataFrame({k: rec[k] for k in ("arrival_s", "end_s", "latency_ms", "attempts",
                                                "cold")})
        # Function names, not ids (a categorical over the workload's function table).
        df.insert(3, "function", pd.Categorical.from_codes(
            rec["function"].astype("int64"), categories=self._function_names)
            if self._function_names else rec["function"])
        df["outcome"] = pd.Categorical.from_codes(rec["outcome"].astype("int64"),
                                                  categories=list(_OUTCOMES))
        return df

    def __repr__(self) -> str:
        s = self._summary
        p99 = "n/a" if s["latency_ms"] is None else f"{s['latency_ms']['p99']:.1f} ms"
        return (f"<slsim.Result {self._platform}: {s['invocations']['arrived']} arrived, "
                f"p99 {p99}, ${s['cost']['total_usd']:.2f}>")


def simulate(workload: Workload, platform, *, seed: int = 1, as_of=None, region: str = "us-east-1",
             account_concurrency: int | None = None, free_tier: bool = True, discount_pct: float = 0.0,
             records: bool = False, timeseries: bool = False) -> Result:
    """Simulate ``workload`` on ``platform`` (a :class:`Lambda`, :class:`Ecs`, :class:`Fargate`,
    :class:`Batch`, :class:`LambdaManaged` or :class:`EcsManaged`). The GIL is released while it
    runs, so several simulations can run on threads."""
    if not isinstance(workload, Workload):
        raise TypeError(f"workload must be a slsim.Workload, got {type(workload).__name__}")
    if not isinstance(platform, Lambda) and not hasattr(platform, "_simulate"):
        raise TypeError("platform must be a slsim.Lambda, slsim.Ecs, slsim.Fargate, slsim.Batch, "
                        f"slsim.LambdaManaged or slsim.EcsManaged, got {type(platform).__name__}")
    seed = _int_arg("seed", seed, 0, 9_223_372_036_854_775_807)
    if isinstance(as_of, (_dt.date, _dt.datetime)):
        as_of = as_of.strftime("%Y-%m-%d")
    elif as_of is not None:
        _str_arg("as_of", as_of)
    region = _str_arg("region", region)
    if account_concurrency is None:
        account_concurrency = 0  # the era's default
    else:
        # 0 is refused, as in a scenario file and on the command line.
        account_concurrency = _int_arg("account_concurrency", account_concurrency, 0, _MAX_U32)
        _core._validate_account_concurrency(account_concurrency)
    free_tier = _bool_arg("free_tier", free_tier)
    discount_pct = _float_arg("discount_pct", discount_pct, 0.0, 100.0)
    records = _bool_arg("records", records)
    timeseries = _bool_arg("timeseries", timeseries)
    if isinstance(platform, Lambda):
        core, names = _core._simulate_lambda(workload._core, platform._core_config(),
                                             platform._core_functions(), as_of or "", region,
                                             seed, account_concurrency, free_tier, discount_pct,
                                             records, timeseries)
        return Result(core, "lambda", names)
    # slsim.Ecs, Fargate, LambdaManaged, EcsManaged (containers.py) and slsim.Batch (batch.py)
    return platform._simulate(workload, seed=seed, as_of=as_of, region=region,
                              discount_pct=discount_pct, timeseries=timeseries, records=records,
                              account_concurrency=account_concurrency, free_tier=free_tier)


def _summary_task(workload: Workload, platform, kwargs: dict) -> dict:
    return simulate(workload, platform, **kwargs).summary()


def sweep(workload: Workload, platforms, *, client=None, max_workers: int | None = None,
          **kwargs):
    """Simulate ``workload`` on each configuration in ``platforms`` (a memory sweep, a keep-alive
    sweep, ...) and return one row per configuration as a pandas DataFrame: the configuration's
    repr, then the summary's numbers (``cost.total_usd``, ``latency_ms.p99``, ...).

    Runs on a local thread pool (simulations release the GIL), or on a Dask
    ``distributed.Client`` when ``client`` is given (workloads and configurations are pickled
    to the workers). ``kwargs`` go to :func:`simulate` (seed, as_of, region, ...). Rows come in
    the order of ``platforms`` whatever the scheduling, and the same seed gives the same rows.
    """
    import pandas as pd

    platforms = list(platforms)
    if client is not None:
        futures = client.map(_summary_task, [workload] * len(platforms), platforms,
                             [kwargs] * len(platforms), pure=False)
        summaries = client.gather(futures)
    else:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=max_workers) as pool:
            summaries = list(pool.map(lambda p: _summary_task(workload, p, kwargs), platforms))
    rows = []
    for p, s in zip(platforms, summaries):
        flat = pd.json_normalize({k: v for k, v in s.items() if k not in ("notes",)}, sep=".")
        flat = flat.drop(columns=[c for c in flat.columns if c.startswith("cost.line_items")])
        flat.insert(0, "config", repr(p))
        rows.append(flat)
    return pd.concat(rows, ignore_index=True)
