"""The comparison: one workload on several platforms, a recommendation, break-even and tuning.

``slsim.compare(workload, [slsim.Lambda(memory_mb=512), ...], slo_p99_ms=1000, seed=1)`` runs
each platform on the same workload with the same seed (in parallel threads, the GIL released)
and returns a :class:`Comparison` whose figures are those of ``slsim report --format json``.
"""

from __future__ import annotations

import datetime as _dt
import inspect
import json
import numbers
import os

from . import _core
from .distributions import _bool_arg, _float_arg, _int_arg, _str_arg
from .platforms import Lambda
from .workload import Workload, _names

#: Columns of ``Comparison.to_pandas()``: the columns of the ``platforms`` table of
#: ``slsim report --format csv`` (a tidy long CSV: table, row, column, value).
COLUMNS = ("platform", "label", "status", "monthly_usd", "total_usd", "usd_per_million",
           "p50_ms", "p95_ms", "p99_ms", "max_ms", "mean_ms", "error_rate", "cold_start_rate",
           "arrived", "completed", "failed", "timed_out", "refused", "expired", "unfinished",
           "cold_starts", "instances_mean", "instances_max", "hosts_mean", "hosts_max",
           "utilisation", "recommended", "reason")
_FIGURES = COLUMNS[3:26]


# The same ranges as `slsim report|breakeven|tune lambda` (cli/compare_args.cpp).
_MAX_SEED = 9_223_372_036_854_775_807
_MAX_THREADS = 1024
_MAX_REPLICATIONS = 1000
_MAX_POINTS = 200
_SCALE_MIN, _SCALE_MAX = 1e-3, 1e4  # kBreakevenScaleMin/Max (slsim/compare/explore.hpp)
_MAX_U32 = 4_294_967_295


def _as_of(as_of) -> str:
    if as_of is None:
        return ""
    if isinstance(as_of, (_dt.date, _dt.datetime)):
        return as_of.strftime("%Y-%m-%d")
    if not isinstance(as_of, str):
        raise TypeError(f"as_of must be a date or a 'YYYY-MM-DD' string, got "
                        f"{type(as_of).__name__} {as_of!r}")
    return as_of


def _number_or_none(name: str, value):
    """An objective: None (off) or a number; the core checks the range and says what is
    allowed (validate_compare_options)."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number or None, got {type(value).__name__} {value!r}")
    return float(value)


def _account_concurrency(value) -> int:
    """None: the era's default (1,000); else 1 .. 10,000,000 (the Lambda validator, as for
    ``slsim.simulate`` and the CLI's ``--account-concurrency``: 0 is refused everywhere)."""
    if value is None:
        return 0  # the era's default
    v = _int_arg("account_concurrency", value, 0, _MAX_U32)
    _core._validate_account_concurrency(v)
    return v


def _common(as_of, region, seed, threads, free_tier, front_door, account_concurrency) -> dict:
    """The arguments compare, breakeven and tune_lambda share, checked before any runner is
    built: a ValueError or TypeError naming the keyword."""
    as_of = _as_of(as_of)
    region = _str_arg("region", region)
    _core._check_as_of_region(as_of, region)
    return dict(as_of=as_of, region=region, seed=_int_arg("seed", seed, 0, _MAX_SEED),
                threads=_int_arg("threads", threads, 0, _MAX_THREADS),
                free_tier=_bool_arg("free_tier", free_tier), front_door=_front_door(front_door),
                account_concurrency=_account_concurrency(account_concurrency))


def _objectives(slo_p99_ms, max_error_rate, max_cold_start_rate) -> tuple:
    return (_number_or_none("slo_p99_ms", slo_p99_ms),
            _number_or_none("max_error_rate", max_error_rate),
            _number_or_none("max_cold_start_rate", max_cold_start_rate))


def _platform_list(platforms) -> list:
    if isinstance(platforms, (str, bytes)) or not hasattr(platforms, "__iter__"):
        raise TypeError("platforms must be a list of slsim.Lambda, slsim.Ecs, slsim.Fargate, "
                        "slsim.Batch, slsim.LambdaManaged or slsim.EcsManaged, got "
                        f"{type(platforms).__name__} {platforms!r}")
    return list(platforms)


def _pair(name: str, value, what: str) -> tuple:
    if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__"):
        raise TypeError(f"{name} must be a pair ({what}), got {type(value).__name__} {value!r}")
    v = tuple(value)
    if len(v) != 2:
        raise ValueError(f"{name}: {value!r} is not allowed: a pair ({what})")
    return v


def _runner(platform, as_of: str, region: str, account_concurrency: int, free_tier: bool):
    if isinstance(platform, Lambda):
        return _core._lambda_runner(platform._core_config(), platform._core_functions(), as_of,
                                    region, int(account_concurrency), bool(free_tier))
    from .batch import Batch
    from .containers import _ContainerPlatform

    if isinstance(platform, _ContainerPlatform):  # Ecs, Fargate, LambdaManaged, EcsManaged
        return _core._container_runner(platform._LAUNCH, platform._settings(),
                                       platform._service_settings(), as_of, region)
    if isinstance(platform, Batch):
        return _core._batch_runner(platform._kwargs, as_of, region)
    raise TypeError(f"unsupported platform {platform!r}; supported: slsim.Lambda, slsim.Ecs, "
                    "slsim.Fargate, slsim.Batch, slsim.LambdaManaged, slsim.EcsManaged")


def _check_workload(workload):
    if not isinstance(workload, Workload):
        raise TypeError("workload must be a slsim.Workload")


def _front_door(front_door) -> str:
    if front_door is None or front_door is False:
        return "none"
    if not isinstance(front_door, str) or front_door not in ("http-api", "rest-api", "function-url", "none"):
        raise ValueError(f"front_door: {front_door!r} is not a front door; allowed: 'http-api', "
                         "'rest-api', 'function-url', None")
    return front_door


class Comparison:
    """The result of :func:`compare`: ``recommendation``, ``reasons``, ``summary()`` (the report's
    JSON as a dict) and ``to_pandas()`` (one row per platform)."""

    def __init__(self, summary: dict):
        self._summary = summary

    @property
    def recommendation(self) -> str | None:
        """The platform recommended (``None`` when none meets the objectives)."""
        return self._summary["recommendation"]["platform"]

    @property
    def reasons(self) -> dict:
        """One line per platform: why it won or lost."""
        return dict(self._summary["recommendation"]["reasons"])

    @property
    def platforms(self) -> list[str]:
        return list(self._summary["platforms"])

    def summary(self) -> dict:
        """The report's JSON (``slsim report --format json``) as a dict."""
        return json.loads(json.dumps(self._summary))

    def impossible(self) -> dict:
        """{platform: why} for the platforms that cannot run the workload."""
        return {k: v["impossible"] for k, v in self._summary["platforms"].items()
                if "impossible" in v}

    def rows(self) -> list[dict]:
        """One dict per platform with the columns of :data:`COLUMNS`."""
        rec = self.recommendation
        out = []
        for name, p in self._summary["platforms"].items():
            row = {"platform": name, "label": p.get("label", name),
                   "status": "impossible" if "impossible" in p else "ok"}
            figs = p.get("figures", {})
            for k in _FIGURES:
                v = figs.get(k)
                if isinstance(v, dict):
                    v = v["mean"]
                row[k] = v
            row["recommended"] = name == rec
            row["reason"] = self._summary["recommendation"]["reasons"].get(name, "")
            out.append(row)
        return out

    def to_pandas(self):
        """A DataFrame, one row per platform (the ``platforms`` table of ``slsim report --format
        csv``, pivoted)."""
        import pandas as pd

        return pd.DataFrame(self.rows(), columns=list(COLUMNS))

    @property
    def placement(self) -> "Placement | None":
        """The best platform for each part of the system (``slsim report``'s "Placement"), or
        ``None`` when the comparison has none (a workload of one part, or placement=False)."""
        p = self._summary.get("placement")
        return Placement(p) if p is not None else None

    def by_part(self):
        """Latency, errors and cold starts per part per platform (``slsim report``'s "By part"):
        a DataFrame with a row per part and platform — part, functions, platform, p99_ms,
        error_rate, cold_start_rate, meets_objectives (the part's own objectives) and missed
        (those it misses). Empty for a workload of one part."""
        import pandas as pd

        cols = ["part", "functions", "platform", "p99_ms", "error_rate", "cold_start_rate",
                "meets_objectives", "missed"]
        rows = [{k: r[k] for k in cols} for r in self._summary.get("by_part", [])]
        return pd.DataFrame(rows, columns=cols)

    def __repr__(self) -> str:
        return (f"<slsim.Comparison of {', '.join(self.platforms)}: "
                f"recommendation {self.recommendation!r}>")


class Placement:
    """Where each part goes (``parts``: dicts with ``part``, ``functions``, ``platform``,
    ``monthly_usd``, ``p99_ms``, ``meets_objectives``, ``why``), the mix's ``monthly_usd`` and
    ``line_items``, the ``best_single`` platform (``{"platform", "monthly_usd"}`` or ``None``)
    and ``summary`` — the report's JSON ``placement`` object (docs/cli.md)."""

    def __init__(self, placement: dict):
        self._p = placement

    @property
    def parts(self) -> list[dict]:
        return [dict(p) for p in self._p["parts"]]

    @property
    def monthly_usd(self) -> float:
        return self._p["monthly_usd"]

    @property
    def line_items(self) -> list[dict]:
        return [dict(li) for li in self._p["line_items"]]

    @property
    def best_single(self) -> dict | None:
        b = self._p["best_single"]
        return dict(b) if b is not None else None

    @property
    def summary(self) -> str:
        return self._p["summary"]

    def to_dict(self) -> dict:
        return json.loads(json.dumps(self._p))

    def to_pandas(self):
        """A DataFrame, one row per part (part, functions, platform, monthly_usd, p99_ms,
        meets_objectives, why)."""
        import pandas as pd

        cols = ["part", "functions", "platform", "monthly_usd", "p99_ms", "slo_p99_ms",
                "meets_objectives",
                "why"]
        return pd.DataFrame([{k: p[k] for k in cols} for p in self._p["parts"]], columns=cols)

    def __repr__(self) -> str:
        where = ", ".join(f"{p['part']} on {p['platform']}" for p in self._p["parts"])
        return f"<slsim.Placement {where}: ${self.monthly_usd:,.2f}/month>"


_OBJECTIVE_KEYS = ("slo_p99_ms", "max_error_rate", "max_cold_start_rate")


def _mapping(keyword: str, value, what: str) -> dict:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise TypeError(f"{keyword} must be a dict ({what}), got {type(value).__name__} {value!r}")
    for k in value:
        if not isinstance(k, str):
            raise TypeError(f"{keyword}: the key {k!r} is not a part's name (a string)")
    return value


def _parts_args(parts, objectives, place, exclude) -> dict:
    """The parts keywords as the core's arguments (types checked here; what they mean by the
    core's validate_parts, as for [report.parts] and --part)."""
    groups = [(name, _names(f"parts[{name!r}]", fns, "function names"))
              for name, fns in _mapping("parts", parts, "part -> list of functions").items()]
    part_objectives = {}
    for part, obj in _mapping("objectives", objectives, "part -> {objective: value}").items():
        obj = _mapping(f"objectives[{part!r}]", obj, "objective -> value")
        vals = {}
        for k, v in obj.items():
            if k not in _OBJECTIVE_KEYS:
                raise ValueError(f"objectives[{part!r}]: {k!r} is not an objective; allowed: "
                                 + ", ".join(_OBJECTIVE_KEYS))
            if isinstance(v, bool) or not isinstance(v, numbers.Real):
                raise TypeError(f"objectives[{part!r}][{k!r}] must be a number, got "
                                f"{type(v).__name__} {v!r}")
            vals[k] = float(v)
        part_objectives[part] = vals
    pins = {}
    for part, pl in _mapping("place", place, "part -> platform").items():
        if not isinstance(pl, str):
            raise TypeError(f"place[{part!r}] must be a platform name, got {pl!r}")
        pins[part] = pl
    excl, excl_all = {}, []
    if isinstance(exclude, dict):
        for part, pls in _mapping("exclude", exclude, "part -> platforms").items():
            excl[part] = [pls] if isinstance(pls, str) else _names(f"exclude[{part!r}]", pls,
                                                                   "platform names")
    elif isinstance(exclude, str):
        excl_all = [exclude]
    elif exclude is not None:
        excl_all = _names("exclude", exclude, "platform names (or a dict part -> platforms)")
    return dict(parts=groups, part_objectives=part_objectives, place=pins, exclude=excl,
                exclude_all=excl_all)


def _only_selected(platform, functions):
    """The platform's per-function settings for the functions run only (issue 20: settings
    naming a function left out are ignored for the run, not billed): a Lambda's
    ``functions={...}``, an Ecs's or Fargate's ``services`` (a service keeps the functions of its
    list that run and is dropped when none does; one without a list serves the function of its
    name), a Batch's ``functions={...}``."""
    if functions is None:
        return platform
    from .batch import Batch
    from .containers import _ContainerPlatform

    if isinstance(platform, Lambda) and platform._functions:
        kept = {k: v for k, v in platform._functions.items() if k in functions}
        if len(kept) == len(platform._functions):
            return platform
        kw = dict(platform._kwargs)
        kw["functions"] = kept
        return Lambda(**kw)
    if isinstance(platform, _ContainerPlatform) and platform._services:
        services = {}
        for name, svc in platform._services.items():
            listed = svc._kwargs.get("functions")
            if not listed:
                if name in functions:
                    services[name] = svc
                continue
            kept = [f for f in listed if f in functions]
            if kept == list(listed):
                services[name] = svc
            elif kept:
                services[name] = type(svc)(**{**svc._kwargs, "functions": kept})
        if services.keys() == platform._services.keys() and all(
                services[k] is platform._services[k] for k in services):
            return platform
        return type(platform)(services=services, **platform._kwargs)
    if isinstance(platform, Batch) and platform._kwargs.get("functions"):
        fns = platform._kwargs["functions"]
        kept = {k: v for k, v in fns.items() if k in functions}
        if len(kept) == len(fns):
            return platform
        return Batch(**{**platform._kwargs, "functions": kept})
    return platform


def compare(workload: Workload | None = None, platforms=None, *, scenario=None,
            slo_p99_ms: float | None = None,
            max_error_rate: float | None = 0.01, max_cold_start_rate: float | None = None,
            seed: int = 1, replications: int = 1, as_of=None, region: str = "us-east-1",
            free_tier: bool = True, front_door: str | None = "http-api", threads: int = 0,
            account_concurrency: int | None = None, alb_availability_zones: int | None = None,
            functions=None, parts: dict | None = None, objectives: dict | None = None,
            place: dict | None = None, exclude=None, placement: bool = True) -> Comparison:
    """Run ``workload`` on each of ``platforms`` with the same ``seed`` and recommend the
    cheapest that meets the objectives (``slo_p99_ms``, ``max_error_rate`` — 1% unless given;
    None or 1 turns it off —, ``max_cold_start_rate``). ``replications`` > 1 runs that many platform seeds and reports
    mean and 95% interval. ``front_door``: "http-api", "rest-api", "function-url" or None.
    Ranges as ``slsim report``: ``seed`` 0 .. 2**63 - 1, ``replications`` 1 .. 1000, ``threads``
    0 (one per core) .. 1024, ``account_concurrency`` None (the era's default, 1,000) or
    1 .. 10,000,000. ``alb_availability_zones`` (2 .. 6; None: 3, the zones ECS spreads tasks
    over; refused with front_door=None): zones of the services' internet-facing load balancer,
    one public IPv4 address each (billed from 2024-02-01).
    A bad value is a ValueError, a wrong type a TypeError, naming the argument.

    Part of a system (as ``slsim report``'s flags): ``functions=["api"]`` runs only those
    functions of the workload (``--functions``; a Lambda's ``functions={...}`` settings for the
    others are ignored). ``parts={"web": ["api", "checkout"]}`` names groups of functions (every
    other function is a part of its own; ``--part``), ``objectives={"web": {"slo_p99_ms": 500}}``
    gives a part objectives of its own over the ones above (``--objective``),
    ``place={"api": "lambda"}`` pins a part (``--place``), and ``exclude=["batch"]`` (every part)
    or ``exclude={"nightly-report": ["lambda"]}`` keeps parts off platforms (``--exclude``). They
    are checked against the workload and carried to the placement; the figures do not use them.
    
    The result carries ``placement`` (:class:`Placement`, ``slsim report``'s "Placement": the
    best platform for each part and the bill of the mix) for a workload of two or more parts;
    ``placement=False`` leaves it out (``--no-placement``).

    From a scenario file, as ``slsim report --scenario FILE`` runs it (its workload, platform
    tables, objectives and parts): ``compare(scenario="x.toml")``, or
    ``compare(scenario=slsim.Scenario.load("x.toml"))`` after changing it (``threads`` and
    ``placement`` may be given; no other argument).
    """
    if scenario is not None:
        # The scenario holds every other setting: a keyword given with it would be dropped.
        given = locals()
        extra = [k for k, p in inspect.signature(compare).parameters.items()
                 if k not in ("workload", "platforms", "scenario", "threads", "placement")
                 and not (given[k] is p.default or given[k] == p.default)]
        if extra:
            raise TypeError(f"compare(scenario=...) takes its settings from the scenario: "
                            f"{', '.join(extra)} cannot be given with it (change the file, or "
                            f"the slsim.Scenario object)")
    placement = _bool_arg("placement", placement)
    if scenario is not None:
        if workload is not None or platforms is not None:
            raise TypeError("compare(scenario=...) takes the workload and platforms from the "
                            "scenario file: give no workload or platforms")
        threads = _int_arg("threads", threads, 0, 1024)
        from .scenario import Scenario

        if isinstance(scenario, Scenario):
            return Comparison(json.loads(_core._compare_scenario_text(
                scenario.to_toml(), scenario.path, threads, placement)))
        path = _str_arg("scenario",
                        os.fspath(scenario) if hasattr(scenario, "__fspath__") else scenario)
        return Comparison(json.loads(_core._compare_scenario(path, threads, placement)))
    if workload is None or platforms is None:
        raise TypeError("compare() needs a workload and platforms, or scenario=FILE")
    _check_workload(workload)
    platforms = _platform_list(platforms)
    a = _common(as_of, region, seed, threads, free_tier, front_door, account_concurrency)
    replications = _int_arg("replications", replications, 1, _MAX_REPLICATIONS)
    alb_azs = (None if alb_availability_zones is None
               else _int_arg("alb_availability_zones", alb_availability_zones, 2, 6))
    objectives_all = _objectives(slo_p99_ms, max_error_rate, max_cold_start_rate)
    part_args = _parts_args(parts, objectives, place, exclude)
    _core._validate_parts(**part_args)  # before any pass over the workload
    whole = None
    if functions is not None:
        functions = _names("functions", functions, "function names")
        # Parts of the functions left out are ignored for the run, as in a scenario file; the
        # parts are checked against the whole workload first (a typo is still an error).
        whole = workload._core
        workload = workload.select(functions=functions)
    runners = [_runner(_only_selected(p, functions), a["as_of"], a["region"],
                       a["account_concurrency"], a["free_tier"]) for p in platforms]
    text = _core._compare(workload._core, runners, a["as_of"], a["region"], a["seed"],
                          replications, a["threads"], a["free_tier"], a["front_door"],
                          *objectives_all, alb_azs, **part_args, whole=whole,
                          keep=functions or [],
                          part_runner=_part_runner(platforms, runners, a) if placement else None)
    return Comparison(json.loads(text))


def _part_runner(platforms, runners, a):
    """For the placement: the runner of the platform named `name` for a run of `functions`
    only (its settings for other functions left out, as a scenario's tables are)."""
    by_name = {}
    for p, r in zip(platforms, runners):
        by_name.setdefault(r.name, p)

    def runner(name, functions):
        return _runner(_only_selected(by_name[name], list(functions)), a["as_of"], a["region"],
                       a["account_concurrency"], a["free_tier"])
    return runner


class Breakeven:
    """The result of :func:`breakeven`: ``points`` and ``changes`` (as in ``slsim breakeven
    --format json``), ``to_pandas()`` (one row per point and platform, with its ``error_rate``
    and ``meets_objectives``: a point that misses them is no valid choice at that rate)."""

    def __init__(self, summary: dict):
        self._summary = summary

    @property
    def changes(self) -> list[dict]:
        return [dict(c) for c in self._summary["changes"]]

    def summary(self) -> dict:
        return json.loads(json.dumps(self._summary))

    def to_pandas(self):
        import pandas as pd

        rows = []
        for pt in self._summary["points"]:
            for name, p in pt["platforms"].items():
                rows.append({"scale": pt["scale"], "rate_per_s": pt["rate_per_s"],
                             "platform": name,
                             "status": "impossible" if "impossible" in p else "ok",
                             "monthly_usd": p.get("monthly_usd"), "p99_ms": p.get("p99_ms"),
                             "error_rate": p.get("error_rate"),
                             "meets_objectives": bool(p.get("meets_objectives", False)),
                             "recommended": pt["recommended"] == name})
        return pd.DataFrame(rows)

    def __repr__(self) -> str:
        return f"<slsim.Breakeven with {len(self._summary['points'])} points>"


def breakeven(workload: Workload, platforms, *, scale=(0.1, 100), points: int = 7,
              slo_p99_ms: float | None = None, max_error_rate: float | None = 0.01,
              max_cold_start_rate: float | None = None, seed: int = 1, replications: int = 1,
              as_of=None, region: str = "us-east-1", free_tier: bool = True,
              front_door: str | None = "http-api", threads: int = 0,
              account_concurrency: int | None = None) -> Breakeven:
    """Replay ``workload`` with its rate multiplied by each of ``points`` values spaced evenly in
    log over ``scale`` = (min, max), compare the platforms at each, and say where the cheapest
    platform meeting the objectives changes."""
    _check_workload(workload)
    platforms = _platform_list(platforms)
    a = _common(as_of, region, seed, threads, free_tier, front_door, account_concurrency)
    replications = _int_arg("replications", replications, 1, _MAX_REPLICATIONS)
    objectives = _objectives(slo_p99_ms, max_error_rate, max_cold_start_rate)
    if isinstance(scale, numbers.Real) and not isinstance(scale, bool):
        scale = (scale, scale)  # one rate multiplier (`slsim breakeven --scale K`)
    lo, hi = _pair("scale", scale, "min, max rate multipliers")
    lo = _float_arg("scale", lo, _SCALE_MIN, _SCALE_MAX)
    hi = _float_arg("scale", hi, _SCALE_MIN, _SCALE_MAX)
    points = _int_arg("points", points, 1, _MAX_POINTS)
    runners = [_runner(p, a["as_of"], a["region"], a["account_concurrency"], a["free_tier"])
               for p in platforms]
    text = _core._breakeven(workload._core, runners, a["as_of"], a["region"], a["seed"],
                            replications, a["threads"], a["free_tier"], a["front_door"],
                            *objectives, lo, hi, points)
    return Breakeven(json.loads(text))


class Tuning:
    """The result of :func:`tune_lambda`: ``best_memory_mb``, ``points``, ``to_pandas()``."""

    def __init__(self, summary: dict):
        self._summary = summary

    @property
    def best_memory_mb(self) -> int | None:
        return self._summary["best_memory_mb"]

    @property
    def strategy(self) -> str:
        return self._summary["strategy"]

    def summary(self) -> dict:
        return json.loads(json.dumps(self._summary))

    def to_pandas(self):
        import pandas as pd

        return pd.DataFrame(self._summary["points"])

    def __repr__(self) -> str:
        return f"<slsim.Tuning {self.strategy}: best {self.best_memory_mb} MB>"


def tune_lambda(workload: Workload, function: Lambda | None = None, *, memory_mb=None,
                memory=(128, 10240), strategy: str = "balanced", weight: float = 0.5,
                seed: int = 1, as_of=None, region: str = "us-east-1", free_tier: bool = True,
                front_door: str | None = "http-api", threads: int = 0,
                account_concurrency: int | None = None) -> Tuning:
    """Lambda Power Tuning from a trace: simulate ``workload`` on ``function`` at each memory
    size (``memory_mb=[...]``, or Power Tuning's usual sizes within ``memory`` = (min, max)) and
    pick the best by ``strategy``: "cost", "speed" or "balanced" (``weight``: 0 = speed only,
    1 = cost only)."""
    _check_workload(workload)
    function = function if function is not None else Lambda()
    if not isinstance(function, Lambda):
        raise TypeError("function must be a slsim.Lambda")
    a = _common(as_of, region, seed, threads, free_tier, front_door, account_concurrency)
    if memory_mb is None:
        sizes = []
    elif isinstance(memory_mb, (str, bytes)) or not hasattr(memory_mb, "__iter__"):
        raise TypeError(f"memory_mb must be a list of memory sizes in MB, got "
                        f"{type(memory_mb).__name__} {memory_mb!r}")
    else:
        sizes = [_int_arg("memory_mb", m, 0, _MAX_U32) for m in memory_mb]
    lo, hi = _pair("memory", memory, "min, max in MB")
    lo = _int_arg("memory", lo, 0, _MAX_U32)
    hi = _int_arg("memory", hi, 0, _MAX_U32)
    if lo > hi:
        raise ValueError(f"memory: {memory!r} is not a range: give (min, max) in MB with "
                         "min <= max, e.g. (128, 10240)")
    strategy = _str_arg("strategy", strategy)
    if isinstance(weight, bool) or not isinstance(weight, numbers.Real):
        raise TypeError(f"weight must be a number, got {type(weight).__name__} {weight!r}")
    text = _core._tune_lambda(workload._core, function._core_config(), function._core_functions(),
                              a["as_of"], a["region"], a["account_concurrency"], a["seed"],
                              a["threads"], a["free_tier"], a["front_door"], sizes, lo, hi,
                              strategy, float(weight))
    return Tuning(json.loads(text))
