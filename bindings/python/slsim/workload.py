"""Workloads: streams of invocations from traces, generators or arrays.

A :class:`Workload` is a recipe, not a loaded table: every operation (``len``, ``stats``,
``to_pandas``, a simulation) opens a fresh stream, so a trace of any length is read in constant
memory and the same workload can be used many times.
"""

from __future__ import annotations

import json
import math
import numbers
import os
from typing import Iterable

import numpy as np

from . import _core
from .distributions import Distribution, _bool_arg, _float_arg, _int_arg, parse_distribution

_INVOCATIONS = ("sync", "async", "queue")


def _dist(value) -> _core.Distribution:
    """A number, a spec string or a Distribution, as the core distribution."""
    if isinstance(value, Distribution):
        return value._core
    return parse_distribution(value)._core


def _number(name, value) -> float:
    """``value`` as a float (TypeError for a non-number); its range is checked by the one C++
    validator, with the same message as the scenario key and the flag."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number, got {type(value).__name__} {value!r}")
    return float(value)


def _select(functions, start_s, end_s, top_n, time_scale, span_s=None) -> _core.SelectOptions:
    # The same bounds as the CLI's --functions, --start-s, --end-s, --top and --time-scale.
    if isinstance(functions, (str, bytes)):
        raise TypeError(f"functions must be a list of function names, got the string {functions!r}")
    start_s = _float_arg("start_s", start_s, 0, 9e12)
    if end_s is not None and not (isinstance(end_s, float) and end_s == math.inf):
        end_s = _float_arg("end_s", end_s, 0, 9e12)
        if end_s <= start_s:
            raise ValueError(f"end_s: {end_s:g} is not allowed: a time after start_s ({start_s:g})")
    time_scale = _float_arg("time_scale", time_scale, 0, 1e9)
    if time_scale <= 0:
        raise ValueError(f"time_scale: {time_scale:g} is not allowed: a number > 0 and <= 1e+09")
    return _core.SelectOptions(
        functions=list(functions or []),
        start_s=start_s,
        end_s=math.inf if end_s is None else float(end_s),
        top_n=_int_arg("top_n", top_n, 0, 1_000_000_000),
        time_scale=time_scale,
        span_s=None if span_s is None else _number("span_s", span_s),  # checked in C++
    )


_DEFAULTS = dict(memory=None, memory_mb=0, sort_buffer_rows=1_000_000, skip_bad_rows=False,
                 default_duration_ms=None, function=None, log_group=None,
                 functions=None, start_s=0.0, end_s=None, top_n=0, time_scale=1.0, span_s=None)


def _non_default(**kwargs) -> dict:
    """The keyword arguments that differ from the readers' defaults (for reprs)."""
    return {k: (list(v) if k == "functions" else v) for k, v in kwargs.items()
            if v != _DEFAULTS[k]}


def _kwargs_repr(kwargs: dict) -> str:
    return ", ".join(f"{k}={v!r}" for k, v in kwargs.items())



def _names(keyword: str, value, what: str) -> list:
    """A list of strings (a single string is refused: it is not a list of names)."""
    if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__"):
        raise TypeError(f"{keyword} must be a list of {what}, got {type(value).__name__} "
                        f"{value!r}")
    out = list(value)
    for v in out:
        if not isinstance(v, str):
            raise TypeError(f"{keyword} must be a list of {what}, got {v!r} in it")
    return out

class Workload:
    """A stream of invocations sorted by arrival. Build one with a ``from_*`` or generator
    class method."""

    def __init__(self, core: _core.Workload, recipe: str, rebuild: tuple | None = None):
        self._core = core
        self._recipe = recipe
        self._rebuild = rebuild  # (classmethod name, kwargs): how to make it again (pickling)

    def __reduce__(self):
        if self._rebuild is None:
            raise TypeError("this Workload cannot be pickled")
        return (_rebuild_workload, self._rebuild)

    # -- readers -------------------------------------------------------------------------------
    @classmethod
    def _trace(cls, name, path, fmt, shown, rebuild, *, memory_mb=0, seed=1, durations="",
               memory="", default_duration_ms=None, sort_buffer_rows=1_000_000,
               skip_bad_rows=False, functions=None, start_s=0.0, end_s=None, top_n=0,
               time_scale=1.0, span_s=None):
        default = None if default_duration_ms is None else _dist(default_duration_ms)
        core = _core._workload_from_trace(
            path=os.fspath(path), format=fmt, memory_mb=_int_arg("memory_mb", memory_mb, 0, 1 << 20),
            seed=_int_arg("seed", seed, 0, 2**63 - 1),
            durations=os.fspath(durations), memory=os.fspath(memory), default_duration_ms=default,
            sort_buffer_rows=_int_arg("sort_buffer_rows", sort_buffer_rows, 1, 1_000_000_000),
            skip_bad_rows=_bool_arg("skip_bad_rows", skip_bad_rows),
            select=_select(functions, start_s, end_s, top_n, time_scale, span_s))
        return cls(core, f"slsim.Workload.{name}({os.fspath(path)!r}"
                         + (", " + _kwargs_repr(shown) if shown else "") + ")", rebuild)

    @classmethod
    def from_csv(cls, path, *, memory_mb: int = 0, skip_bad_rows: bool = False,
                 functions: Iterable[str] | None = None, start_s: float = 0.0,
                 end_s: float | None = None, top_n: int = 0,
                 time_scale: float = 1.0, span_s: float | None = None) -> "Workload":
        """A slsim CSV trace: ``arrival_s,function,duration_ms[,memory_mb][,invocation]``.
        ``skip_bad_rows=True`` skips malformed rows and counts them (``stats()["skipped_rows"]``)
        instead of raising :class:`slsim.TraceError`. ``span_s`` is the period the trace stands
        for, from its time 0 (a nightly batch whose jobs arrive within minutes: ``86400``); the
        monthly projection repeats it, and every arrival must fall within it. Every reader takes
        it."""
        shown = _non_default(memory_mb=memory_mb, skip_bad_rows=skip_bad_rows,
                             functions=functions, start_s=start_s, end_s=end_s, top_n=top_n,
                             time_scale=time_scale, span_s=span_s)
        rebuild = ("from_csv", dict(path=os.fspath(path), **shown))
        return cls._trace("from_csv", path, "slsim", shown, rebuild, memory_mb=memory_mb,
                          skip_bad_rows=skip_bad_rows, functions=functions, start_s=start_s,
                          end_s=end_s, top_n=top_n, time_scale=time_scale, span_s=span_s)

    @classmethod
    def from_azure2021(cls, path, *, memory_mb: int = 0, sort_buffer_rows: int = 1_000_000,
                       skip_bad_rows: bool = False,
                       functions: Iterable[str] | None = None, start_s: float = 0.0,
                       end_s: float | None = None, top_n: int = 0,
                       time_scale: float = 1.0, span_s: float | None = None) -> "Workload":
        """The Azure Functions 2021 invocation trace (``app,func,end_timestamp,duration``)."""
        shown = _non_default(memory_mb=memory_mb, sort_buffer_rows=sort_buffer_rows,
                             skip_bad_rows=skip_bad_rows, functions=functions, start_s=start_s,
                             end_s=end_s, top_n=top_n, time_scale=time_scale, span_s=span_s)
        rebuild = ("from_azure2021", dict(path=os.fspath(path), **shown))
        return cls._trace("from_azure2021", path, "azure2021", shown, rebuild, memory_mb=memory_mb,
                          sort_buffer_rows=sort_buffer_rows, skip_bad_rows=skip_bad_rows,
                          functions=functions, start_s=start_s, end_s=end_s, top_n=top_n,
                          time_scale=time_scale, span_s=span_s)

    @classmethod
    def from_azure2019(cls, invocations, *, durations, memory=None, seed: int = 1,
                       memory_mb: int = 0, default_duration_ms=None,
                       functions: Iterable[str] | None = None, start_s: float = 0.0,
                       end_s: float | None = None, top_n: int = 0,
                       time_scale: float = 1.0, span_s: float | None = None) -> "Workload":
        """The Azure Functions 2019 trace: per-minute counts, duration percentiles and (optional)
        memory percentiles. Counts expand into seeded uniform arrivals within each minute."""
        shown = {"durations": os.fspath(durations), "seed": seed}
        shown.update(_non_default(memory=None if memory is None else os.fspath(memory),
                                  memory_mb=memory_mb, default_duration_ms=default_duration_ms,
                                  functions=functions, start_s=start_s, end_s=end_s, top_n=top_n,
                                  time_scale=time_scale, span_s=span_s))
        rebuild = ("from_azure2019", dict(invocations=os.fspath(invocations), **shown))
        return cls._trace("from_azure2019", invocations, "azure2019", shown, rebuild,
                          memory_mb=memory_mb,
                          seed=seed, durations=durations, memory=memory or "",
                          default_duration_ms=default_duration_ms, functions=functions,
                          start_s=start_s, end_s=end_s, top_n=top_n, time_scale=time_scale,
                          span_s=span_s)

    @classmethod
    def from_lambda_logs(cls, path, *, function: str | None = None, log_group: str | None = None,
                         sort_buffer_rows: int = 1_000_000, skip_bad_rows: bool = False,
                         functions: Iterable[str] | None = None, start_s: float = 0.0,
                         end_s: float | None = None, top_n: int = 0,
                         time_scale: float = 1.0, span_s: float | None = None) -> "Workload":
        """Your own Lambda function's logs: the ``REPORT`` lines of CloudWatch Logs, as JSON from
        ``aws logs filter-log-events`` or as text exported to S3 (gunzipped). Arrival =
        timestamp - Duration - Init Duration; the work is the measured Duration at the logged
        Memory Size. The function is named ``function``, else after ``log_group``
        (``/aws/lambda/NAME``), else after the file. ``stats()["lambda_logs"]`` gives the
        observed cold starts, init durations and billed GB-s."""
        shown = _non_default(function=function, log_group=log_group,
                             sort_buffer_rows=sort_buffer_rows, skip_bad_rows=skip_bad_rows,
                             functions=functions, start_s=start_s, end_s=end_s, top_n=top_n,
                             time_scale=time_scale, span_s=span_s)
        rebuild = ("from_lambda_logs", dict(path=os.fspath(path), **shown))
        core = _core._workload_from_lambda_logs(
            path=os.fspath(path), function=function or "", log_group=log_group or "",
            sort_buffer_rows=int(sort_buffer_rows), skip_bad_rows=bool(skip_bad_rows),
            select=_select(functions, start_s, end_s, top_n, time_scale, span_s))
        return cls(core, f"slsim.Workload.from_lambda_logs({os.fspath(path)!r}"
                         + (", " + _kwargs_repr(shown) if shown else "") + ")", rebuild)

    @classmethod
    def from_arrays(cls, *, arrival_s, duration_ms, function=None, memory_mb=None,
                    invocation=None) -> "Workload":
        """Columns (NumPy arrays, lists or pandas Series). ``function`` holds names (default
        ``"fn"``); ``invocation`` holds ``"sync"``/``"async"``/``"queue"``. Rows are put in
        arrival order."""
        arrival = np.asarray(arrival_s, dtype=float)
        n = arrival.shape[0]
        if function is None:
            codes, names = np.zeros(n, dtype=np.uint32), ["fn"]
        else:
            names_arr = np.asarray(function).astype(str)
            uniq, codes = np.unique(names_arr, return_inverse=True)
            names, codes = [str(x) for x in uniq], codes.astype(np.uint32)
        mem = None
        if memory_mb is not None:
            mem_f = np.asarray(memory_mb, dtype=float)
            bad = np.flatnonzero(~(np.isfinite(mem_f) & (mem_f >= 0) & (mem_f <= 1 << 20)
                                   & (mem_f == np.floor(mem_f))))
            if bad.size:
                i = int(bad[0])
                raise ValueError(f"memory_mb[{i}]: {mem_f[i]:g} is not allowed: a whole number "
                                 f"of MB from 0 to 1,048,576")
            mem = mem_f.astype(np.uint32)
        inv = None
        if invocation is not None:
            values = np.asarray(invocation).astype(str)
            bad = set(values) - set(_INVOCATIONS)
            if bad:
                raise ValueError(f"invocation values must be sync, async or queue; got {sorted(bad)}")
            inv = np.array([_INVOCATIONS.index(v) for v in values], dtype=np.uint8)
        core = _core._workload_from_columns(arrival, np.asarray(duration_ms, dtype=float), codes,
                                            names, mem, inv)
        rebuild = ("from_arrays", dict(arrival_s=arrival, duration_ms=np.asarray(duration_ms, dtype=float),
                                       function=None if function is None else np.asarray(function).astype(str),
                                       memory_mb=mem, invocation=None if invocation is None else np.asarray(invocation).astype(str)))
        return cls(core, f"slsim.Workload.from_arrays(<{n} invocations>)", rebuild)

    # -- generators ----------------------------------------------------------------------------
    @classmethod
    def _generate(cls, pattern, name, **given):
        # The repr shows exactly the public keywords of the class method, so it evaluates back.
        extra = {k: v for k, v in given.items()
                 if k not in ("rate_per_s", "duration_s", "duration_ms", "memory_mb", "function",
                              "invocation", "seed")}
        for k, v in extra.items():
            if k == "functions":
                _int_arg("functions", v, 1, 10_000_000)
            else:
                _float_arg(k, v)
        function = given.get("function", "fn")
        if not isinstance(function, str):
            raise TypeError(f"function must be a string, got {type(function).__name__}")
        invocation = given.get("invocation", "sync")
        if not isinstance(invocation, str) or invocation not in _INVOCATIONS:
            raise ValueError(f"invocation: {invocation!r} is not allowed: one of sync, async, queue")
        try:
            duration = _dist(given.get("duration_ms", 100))
        except ValueError as e:
            raise ValueError(f"duration_ms: {e}") from None
        core = _core._workload_generator(
            pattern=pattern, rate_per_s=_float_arg("rate_per_s", given["rate_per_s"]),
            duration_s=_float_arg("duration_s", given["duration_s"]), duration_ms=duration,
            memory_mb=_int_arg("memory_mb", given.get("memory_mb", 0), 0, 1 << 20),
            function=function, invocation=invocation,
            seed=_int_arg("seed", given.get("seed", 1), 0, 9_223_372_036_854_775_807),
            extra=extra)
        return cls(core, f"slsim.Workload.{name}({_kwargs_repr(given)})", (name, given))

    @classmethod
    def poisson(cls, *, rate_per_s: float, duration_s: float, duration_ms=100, memory_mb: int = 0,
                function: str = "fn", invocation: str = "sync", seed: int = 1) -> "Workload":
        """Poisson arrivals at ``rate_per_s`` for ``duration_s`` seconds."""
        return cls._generate("poisson", "poisson", **locals_without_cls(locals()))

    @classmethod
    def diurnal(cls, *, rate_per_s: float, duration_s: float, duration_ms=100, memory_mb: int = 0,
                function: str = "fn", invocation: str = "sync", seed: int = 1,
                peak_to_trough: float = 4.0, peak_hour: float = 14.0,
                weekend_factor: float = 0.6) -> "Workload":
        """Non-homogeneous Poisson with a daily sinusoid and quieter weekends."""
        return cls._generate("diurnal", "diurnal", **locals_without_cls(locals()))

    @classmethod
    def bursty(cls, *, rate_per_s: float, duration_s: float, duration_ms=100, memory_mb: int = 0,
               function: str = "fn", invocation: str = "sync", seed: int = 1,
               burst_factor: float = 10.0, burst_fraction: float = 0.1,
               mean_burst_s: float = 30.0) -> "Workload":
        """Two-state Markov-modulated Poisson process (calm / burst)."""
        return cls._generate("bursty", "bursty", **locals_without_cls(locals()))

    @classmethod
    def azure_like(cls, *, rate_per_s: float, duration_s: float, functions: int = 100,
                   invocation: str = "sync", seed: int = 1, rate_sigma: float = 3.0,
                   duration_sigma: float = 0.5) -> "Workload":
        """A population of functions with the Azure 2019 fits of Shahrad et al. (ATC 2020)."""
        return cls._generate("azure-like", "azure_like", **locals_without_cls(locals()))

    # -- selecting -----------------------------------------------------------------------------
    def select(self, *, functions: Iterable[str]) -> "Workload":
        """This workload with only the invocations of ``functions`` (any workload: a trace, a
        generator such as ``azure_like``, arrays), as ``slsim report --functions``. A name the
        workload does not have is a ValueError naming ``functions`` (one pass to tell)."""
        names = _names("functions", functions, "function names")
        if not names:
            raise ValueError("functions: give at least one function name")
        return Workload(self._core.keep_functions(names),
                        f"{self._recipe}.select(functions={names!r})",
                        None if self._rebuild is None else
                        ("_selected", dict(base=self, functions=names)))

    @classmethod
    def _selected(cls, base: "Workload", functions: list) -> "Workload":
        return base.select(functions=functions)

    def function_names(self) -> list[str]:
        """The names of the functions the workload invokes, in order of first arrival."""
        return list(self._core.function_names())

    # -- use -----------------------------------------------------------------------------------
    def __len__(self) -> int:
        return int(self._core.count())

    def stats(self, top_n: int = 10) -> dict:
        """Invocations, span, rates, inter-arrival CV, duration and memory percentiles, top
        functions (the schema of ``slsim trace stats --format json``)."""
        return json.loads(self._core.stats_json(_int_arg("top_n", top_n, 0, 1_000_000_000)))

    def to_arrays(self) -> dict:
        """The invocations as NumPy columns plus the list of function names."""
        return self._core.columns()

    def to_pandas(self):
        """The invocations as a pandas DataFrame (one row per invocation)."""
        import pandas as pd

        c = self.to_arrays()
        return pd.DataFrame({
            "arrival_s": c["arrival_s"],
            # Function names are unique in the workload's function table.
            "function": pd.Categorical.from_codes(c["function"].astype(np.int64),
                                                  categories=c["function_names"]),
            "duration_ms": c["duration_ms"],
            "memory_mb": c["memory_mb"],
            "invocation": pd.Categorical.from_codes(c["invocation"].astype(np.int64),
                                                    categories=list(_INVOCATIONS)),
        })

    def to_csv(self, path) -> int:
        """Writes slsim CSV; returns the number of invocations."""
        return int(self._core.to_csv(os.fspath(path)))

    def describe(self) -> str:
        return self._core.describe()

    def __repr__(self) -> str:
        return self._recipe

    def __eq__(self, other) -> bool:
        """Workloads are equal when they are made the same way (same recipe)."""
        return isinstance(other, Workload) and self._recipe == other._recipe \
            and not self._recipe.endswith("invocations>)")

    def __hash__(self) -> int:
        return hash(self._recipe)


def _rebuild_workload(method: str, kwargs: dict) -> Workload:
    return getattr(Workload, method)(**kwargs)


def locals_without_cls(ns: dict) -> dict:
    return {k: v for k, v in ns.items() if k not in ("cls", "__class__")}
