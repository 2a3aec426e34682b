"""Scenario files in Python: ``slsim.Scenario.load("x.toml")`` to inspect a scenario and change it
before running it with ``slsim.compare(scenario=s)``, as ``slsim report --scenario x.toml`` runs
the file.

A Scenario holds the file's tables. Every change goes through the scenario loader, the one gate
of a scenario file: a value the file would refuse is refused in Python with the same
:class:`slsim.ScenarioError`, naming the file and the key (``x.toml: [workload] rate_per_s:
...``), and the scenario keeps its last good state.
"""

from __future__ import annotations

import copy
import types
import datetime as _dt
import json
import math
import os
import re
import tomllib

from . import _core

ScenarioError = _core.ScenarioError

# The platforms `slsim report` compares when [report] platforms is not given, in report order.
_ALL_PLATFORMS = ("lambda", "ecs", "fargate", "batch", "lambda-managed", "ecs-managed")
# [lambda] keys of the account, not of a function (they stay in the table, see `lambda_account`).
_LAMBDA_ACCOUNT = ("account_concurrency", "burst", "free_tier", "discount_pct")
# Keys of a platform's table that its Python object has no keyword for (kept as they are).
_TABLE_ONLY = {"lambda": _LAMBDA_ACCOUNT, "ecs": ("discount_pct",),
               "fargate": ("discount_pct",), "batch": ("discount_pct",),
               "lambda-managed": ("discount_pct",), "ecs-managed": ("discount_pct",)}
# The container platforms' classes by platform name (the scenario table is the name with "_").
_CONTAINERS = {"ecs": "Ecs", "fargate": "Fargate", "lambda-managed": "LambdaManaged",
               "ecs-managed": "EcsManaged"}


def _table_name(platform: str) -> str:
    """The scenario table of a platform: "lambda-managed" -> "lambda_managed"."""
    return platform.replace("-", "_")
_TRIPLES = {"step_scaling": ("lower_pct", "upper_pct", "change"),
            "schedule": ("at_s", "min_tasks", "max_tasks")}


# ---- TOML text (tomllib reads; the loader in C++ checks what this writes) -------------------

_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def _key(k: str) -> str:
    return k if _BARE_KEY.match(k) else json.dumps(k, ensure_ascii=False)


def _value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if math.isnan(v):
            return "nan"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        return repr(v)
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, (_dt.datetime, _dt.date, _dt.time)):
        return v.isoformat()
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{_key(k)} = {_value(x)}" for k, x in v.items()) + "}"
    raise TypeError(f"{type(v).__name__} {v!r} cannot be written to a scenario file")


def _toml(doc: dict) -> str:
    lines: list[str] = []

    def table(t: dict, path: str):
        plain = [(k, v) for k, v in t.items() if not isinstance(v, dict)]
        subs = [(k, v) for k, v in t.items() if isinstance(v, dict)]
        if path and (plain or not subs):
            lines.append(f"[{path}]")
        for k, v in plain:
            lines.append(f"{_key(k)} = {_value(v)}")
        for k, v in subs:
            table(v, f"{path}.{_key(k)}" if path else _key(k))

    table(doc, "")
    return "\n".join(lines) + "\n"


def _no_none(d: dict) -> dict:
    return {k: v for k, v in d.items() if v is not None}


# ---- platform tables <-> slsim.Lambda / Ecs / Fargate / Batch / LambdaManaged / EcsManaged --

def _spec(v):
    """A number or distribution as the file writes it (a Distribution as its spec)."""
    return getattr(v, "spec", v) if not isinstance(v, (int, float, str)) else v


def _lambda_kwargs(t: dict) -> dict:
    kw = {k: v for k, v in t.items() if k not in _LAMBDA_ACCOUNT and k != "functions"}
    if "provisioned" in kw:
        kw["provisioned"] = [(float(w.get("start_s", 0.0)), float(w.get("end_s", -1.0)),
                              w["count"]) for w in kw["provisioned"]]
    return kw


def _lambda_table(obj) -> dict:
    t = {}
    for k, v in obj._kwargs.items():
        if k == "functions" or v is None:
            continue
        if k == "provisioned":
            v = [{"start_s": a, "end_s": b, "count": n} for a, b, n in v]
        elif k in ("keep_alive_s", "init_ms"):
            v = _spec(v)
        t[k] = v
    return t


def _container_kwargs(t: dict) -> dict:
    kw = {}
    for k, v in t.items():
        if k in ("services", "discount_pct"):
            continue
        if k in _TRIPLES and isinstance(v, list):
            a, b, c = _TRIPLES[k]
            v = [(x[a], x.get(b, float("inf")), x[c]) if isinstance(x, dict) else x for x in v]
        kw[k] = v
    return kw


def _container_table(obj) -> dict:
    t = {}
    for k, v in obj._kwargs.items():
        if v is None:
            continue
        if k in _TRIPLES and isinstance(v, (list, tuple)):
            names = _TRIPLES[k]
            items = []
            for x in v:
                if isinstance(x, str):
                    x = [float(p) for p in x.split(":")]
                items.append({n: (int(y) if isinstance(y, float) and y.is_integer() and n in
                                  ("change", "min_tasks", "max_tasks") else y)
                              for n, y in zip(names, x)})
            v = items
        elif isinstance(v, tuple):
            v = list(v)
        t[k] = _spec(v)
    return t


def _platform_object(name: str, t: dict):
    from . import containers
    from .batch import Batch
    from .platforms import Lambda

    t = t or {}
    if name == "lambda":
        fns = {f: Lambda(**_lambda_kwargs(ft)) for f, ft in t.get("functions", {}).items()}
        return Lambda(**_lambda_kwargs(t), functions=fns or None)
    if name in _CONTAINERS:
        cls = getattr(containers, _CONTAINERS[name])
        services = {s: cls(**_container_kwargs(st)) for s, st in t.get("services", {}).items()}
        return cls(**_container_kwargs(t), services=services or None)
    if name == "batch":
        return Batch(**{k: v for k, v in t.items() if k != "discount_pct"})
    raise KeyError(f"{name!r} is not a platform; platforms: {', '.join(_ALL_PLATFORMS)}")


def _platform_name(obj) -> str:
    from . import containers
    from .batch import Batch
    from .platforms import Lambda

    classes = [(Lambda, "lambda"), (Batch, "batch")] + [
        (getattr(containers, c), n) for n, c in _CONTAINERS.items()]
    for cls, name in classes:
        if isinstance(obj, cls):
            return name
    raise TypeError(f"a scenario's platform must be a slsim.Lambda, slsim.Ecs, slsim.Fargate, "
                    f"slsim.Batch, slsim.LambdaManaged or slsim.EcsManaged, got "
                    f"{type(obj).__name__} {obj!r}")


def _platform_table(obj, old: dict) -> dict:
    """The table of `obj` (a slsim.Lambda, ...) keeping the keys of `old` that the object has no
    keyword for (Lambda's account settings, discount_pct)."""
    name = _platform_name(obj)
    keep = {k: v for k, v in (old or {}).items() if k in _TABLE_ONLY[name]}
    if name == "lambda":
        t = _lambda_table(obj)
        fns = {f: _lambda_table(fo) for f, fo in obj._functions.items()}
        if fns:
            t["functions"] = fns
    elif name in _CONTAINERS:
        t = _container_table(obj)
        if obj._services:
            t["services"] = {s: _container_table(so) for s, so in obj._services.items()}
    else:
        t = copy.deepcopy(obj._kwargs)
    return {**t, **keep}


class _Platforms:
    """``Scenario.platforms``: the platforms the report compares, by name, as slsim.Lambda,
    slsim.Ecs, slsim.Fargate, slsim.Batch, slsim.LambdaManaged and slsim.EcsManaged objects
    built from the file's tables. Assigning one
    (``s.platforms["lambda"] = slsim.Lambda(memory_mb=1024)``) writes its table, through the
    scenario loader."""

    def __init__(self, scenario: "Scenario"):
        self._s = scenario

    def keys(self) -> list[str]:
        return self._s._platform_names()

    def __iter__(self):
        return iter(self.keys())

    def __len__(self) -> int:
        return len(self.keys())

    def __contains__(self, name) -> bool:
        return name in self.keys()

    def __getitem__(self, name: str):
        if name not in self.keys():
            raise KeyError(f"{name!r} is not one of the scenario's platforms: "
                           f"{', '.join(self.keys())}")
        return _platform_object(name, self._s._doc.get(_table_name(name)))

    def __setitem__(self, name: str, obj):
        if _platform_name(obj) != name:
            raise TypeError(f"platforms[{name!r}] must be a slsim.{_class_of(name)}, got "
                            f"{type(obj).__name__}")

        def change(doc):
            doc[_table_name(name)] = _platform_table(obj, doc.get(_table_name(name)))
        self._s._change(change)

    def items(self):
        return [(k, self[k]) for k in self.keys()]

    def values(self):
        return [self[k] for k in self.keys()]

    def __repr__(self) -> str:
        return "{" + ", ".join(f"{k!r}: {v!r}" for k, v in self.items()) + "}"


def _class_of(name: str) -> str:
    return {"lambda": "Lambda", "batch": "Batch", **_CONTAINERS}.get(name, name)


def _frozen(v):
    """A read-only view of a scenario table: change it by assigning the whole value
    (``s.objectives = {...}``), which the scenario loader checks."""
    if isinstance(v, dict):
        return types.MappingProxyType({k: _frozen(x) for k, x in v.items()})
    if isinstance(v, list):
        return tuple(_frozen(x) for x in v)
    return v


class Scenario:
    """A scenario file, to inspect and change before running it (``slsim.compare(scenario=s)``
    runs it as ``slsim report --scenario FILE`` does). Load one with :meth:`Scenario.load`.

    Attributes (each may be set; a change is checked as the file's key would be):
    ``name``, ``description``, ``seed``, ``as_of`` (a date; None: today), ``region``,
    ``functions`` (the functions to run; None: all), ``workload`` (the ``[workload]`` table as a
    dict), ``workloads`` (the ``[[workloads]]`` entries), the scenario-wide objectives
    ``slo_p99_ms``, ``max_error_rate``, ``max_cold_start_rate`` (``[report]``), and the parts:
    ``parts`` (``[report.parts]``), ``objectives`` (``[report.objectives.PART]``), ``place``
    (``[report.place]`` pins) and ``exclude`` (``[report] exclude``). ``platforms`` maps each
    platform the report compares to its options as a slsim.Lambda, slsim.Ecs, slsim.Fargate,
    slsim.Batch, slsim.LambdaManaged or slsim.EcsManaged (tables [lambda_managed] and
    [ecs_managed]); assign an item to change one (``s.platforms["lambda"] = slsim.Lambda(...)``) or
    a list to choose the platforms (``s.platforms = [slsim.Lambda(), slsim.Fargate()]``).
    ``to_dict()`` and ``to_toml()`` give the whole file.

    A bad value raises :class:`slsim.ScenarioError` naming the file and the key, the message
    the file with that value gets; the scenario is left as it was.
    """

    def __init__(self, doc: dict, path: str):
        self._doc = doc
        self._path = path
        self._info = json.loads(_core._scenario_info(_toml(doc), path))

    @classmethod
    def load(cls, path) -> "Scenario":
        """Reads and checks the scenario file at ``path`` (relative paths in it are read from
        its folder, as ``slsim report --scenario`` does). A file that cannot be read or is
        refused raises :class:`slsim.ScenarioError` naming the file (and the key)."""
        if not isinstance(path, (str, os.PathLike)):
            raise TypeError(f"path must be a scenario file's path (str or os.PathLike), got "
                            f"{type(path).__name__} {path!r}")
        path = os.fspath(path)
        try:
            with open(path, encoding="utf-8") as f:
                text = f.read()
        except OSError as e:
            raise ScenarioError(f"{path}: cannot read the scenario file: "
                                f"{e.strerror or e}") from None
        except UnicodeDecodeError as e:
            raise ScenarioError(f"{path}: not a text (UTF-8) file: {e}") from None
        _core._scenario_info(text, path)  # the loader's message for a bad file (file:line:col)
        return cls(tomllib.loads(text), path)

    # ---- the file ----------------------------------------------------------------------------

    @property
    def path(self) -> str:
        """The file it was loaded from (relative paths in it are read from its folder)."""
        return self._path

    def to_dict(self) -> dict:
        """The file's tables as a dict (a copy)."""
        return copy.deepcopy(self._doc)

    def to_toml(self) -> str:
        """The scenario as the text of a scenario file (comments are not kept)."""
        return _toml(self._doc)

    def _change(self, change):
        """Applies `change(doc)` to a copy of the tables and keeps it if the loader accepts it."""
        doc = copy.deepcopy(self._doc)
        change(doc)
        info = json.loads(_core._scenario_info(_toml(doc), self._path))
        self._doc, self._info = doc, info

    def _set(self, table: str | None, key: str, value):
        def change(doc):
            t = doc if table is None else doc.setdefault(table, {})
            if value is None:
                t.pop(key, None)
            else:
                t[key] = value
            if table is not None and not t:
                doc.pop(table, None)
        self._change(change)

    def _report(self) -> dict:
        return self._doc.get("report", {})

    # ---- top-level keys ----------------------------------------------------------------------

    @property
    def name(self) -> str:
        return self._info["name"]

    @name.setter
    def name(self, v):
        self._set(None, "name", v)

    @property
    def description(self) -> str:
        return self._info["description"]

    @description.setter
    def description(self, v):
        self._set(None, "description", v)

    @property
    def seed(self) -> int:
        return self._info["seed"]

    @seed.setter
    def seed(self, v):
        self._set(None, "seed", v)

    @property
    def as_of(self) -> _dt.date:
        """The date whose AWS prices, limits and behaviour apply (today when the file has
        none). Set a ``datetime.date``, a ``"YYYY-MM-DD"`` string or None (today)."""
        return _dt.date.fromisoformat(self._info["as_of"])

    @as_of.setter
    def as_of(self, v):
        if isinstance(v, _dt.datetime):
            v = v.date()
        self._set(None, "as_of", v)

    @property
    def region(self) -> str:
        return self._info["region"]

    @region.setter
    def region(self, v):
        self._set(None, "region", v)

    @property
    def functions(self) -> list[str] | None:
        """The functions to run (the top-level ``functions`` key); None: every function."""
        return list(self._info["functions"]) or None

    @functions.setter
    def functions(self, v):
        self._set(None, "functions", None if v is None else list(v))

    # ---- the workload ------------------------------------------------------------------------

    @property
    def workload(self) -> dict | None:
        """The ``[workload]`` table (a copy; assign a dict to change it)."""
        w = self._doc.get("workload")
        return copy.deepcopy(w) if w is not None else None

    @workload.setter
    def workload(self, v):
        self._set(None, "workload", None if v is None else dict(v))

    @property
    def workloads(self) -> list[dict]:
        """The ``[[workloads]]`` entries replayed with ``[workload]`` (copies)."""
        return copy.deepcopy(self._doc.get("workloads", []))

    @workloads.setter
    def workloads(self, v):
        self._set(None, "workloads", [dict(w) for w in v] if v else None)

    # ---- platforms ---------------------------------------------------------------------------

    def _platform_names(self) -> list[str]:
        return list(self._info["platforms"]) or list(_ALL_PLATFORMS)

    @property
    def platforms(self) -> _Platforms:
        return _Platforms(self)

    @platforms.setter
    def platforms(self, objs):
        objs = list(objs)
        names = [_platform_name(o) for o in objs]

        def change(doc):
            for name, obj in zip(names, objs):
                doc[_table_name(name)] = _platform_table(obj, doc.get(_table_name(name)))
            doc.setdefault("report", {})["platforms"] = names
        self._change(change)

    @property
    def lambda_account(self) -> dict:
        """``[lambda]``'s account settings (account_concurrency, burst, free_tier,
        discount_pct) that a slsim.Lambda has no keyword for."""
        t = self._doc.get("lambda", {})
        return {k: t[k] for k in _LAMBDA_ACCOUNT if k in t}

    # ---- objectives and parts ([report]) -----------------------------------------------------

    def _report_value(self, key):
        return self._report().get(key)

    @property
    def slo_p99_ms(self) -> float | None:
        return self._report_value("slo_p99_ms")

    @slo_p99_ms.setter
    def slo_p99_ms(self, v):
        self._set("report", "slo_p99_ms", v)

    @property
    def max_error_rate(self) -> float | None:
        return self._report_value("max_error_rate")

    @max_error_rate.setter
    def max_error_rate(self, v):
        self._set("report", "max_error_rate", v)

    @property
    def max_cold_start_rate(self) -> float | None:
        return self._report_value("max_cold_start_rate")

    @max_cold_start_rate.setter
    def max_cold_start_rate(self, v):
        self._set("report", "max_cold_start_rate", v)

    @property
    def parts(self) -> dict:
        """``[report.parts]``: {part: [functions]} (every function in no part is a part of its
        own)."""
        return _frozen(self._report().get("parts", {}))

    @parts.setter
    def parts(self, v):
        self._set("report", "parts", {k: list(f) for k, f in v.items()} if v else None)

    @property
    def objectives(self) -> dict:
        """``[report.objectives.PART]``: {part: {objective: value}} over the scenario-wide
        objectives."""
        return _frozen(self._report().get("objectives", {}))

    @objectives.setter
    def objectives(self, v):
        self._set("report", "objectives", {k: dict(o) for k, o in v.items()} if v else None)

    @property
    def place(self) -> dict:
        """``[report.place]`` pins: {part: platform}."""
        return _frozen({k: v for k, v in self._report().get("place", {}).items()
                        if isinstance(v, str)})

    @place.setter
    def place(self, v):
        v = dict(v or {})

        def change(doc):
            report = doc.setdefault("report", {})
            old = report.get("place", {})
            new = {k: x for k, x in old.items() if not isinstance(x, str)}  # exclusions stay
            for k in v:
                if k in new:
                    raise ScenarioError(f"{self._path}: [report.place] {k}: the part has "
                                        f"exclusions; a part is pinned or has exclusions, not "
                                        f"both (set s.exclude without it first)")
            new.update(v)
            if new:
                report["place"] = new
            else:
                report.pop("place", None)
        self._change(change)

    @property
    def exclude(self):
        """Exclusions: ``[report] exclude`` (platforms no part goes to) as a list, and those of
        parts (``[report.place] PART = {exclude = [...]}``) as {part: [platforms]} under the key
        of the part; ``{"*": [...], "nightly-report": ["lambda"]}``."""
        out = {}
        if "exclude" in self._report():
            out["*"] = list(self._report()["exclude"])
        for k, x in self._report().get("place", {}).items():
            if isinstance(x, dict) and "exclude" in x:
                out[k] = list(x["exclude"])
        return _frozen(out)

    @exclude.setter
    def exclude(self, v):
        """A list (platforms no part goes to) or {part: [platforms]} ("*": every part)."""
        if isinstance(v, (list, tuple, str)):
            v = {"*": v}
        v = {k: ([x] if isinstance(x, str) else list(x)) for k, x in dict(v or {}).items()}

        def change(doc):
            report = doc.setdefault("report", {})
            report.pop("exclude", None)
            place = {k: x for k, x in report.get("place", {}).items() if isinstance(x, str)}
            for k, x in v.items():
                if k == "*":
                    report["exclude"] = x
                elif k in place:
                    raise ScenarioError(f"{self._path}: [report.place] {k}: the part is pinned to "
                                        f"{place[k]}; a part is pinned or has exclusions, not "
                                        f"both (set s.place without it first)")
                else:
                    place[k] = {"exclude": x}
            if place:
                report["place"] = place
            else:
                report.pop("place", None)
        self._change(change)

    def __repr__(self) -> str:
        return (f"<slsim.Scenario {self.name!r} from {self._path}: "
                f"{', '.join(self._platform_names())}>")
