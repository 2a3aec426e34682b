"""AWS prices and billing rules by date: ``price_lambda``, ``price_fargate``, ``price_ec2``.

Bills are exact: usage is metered in integers, prices are applied once, tier by tier, and each
line item is rounded to cents as AWS does before the total.
"""

from __future__ import annotations

import datetime as _dt
import json
import os

from . import _core
from .distributions import _bool_arg, _float_arg, _int_arg, _str_arg

_MAX_COUNT = 1_000_000_000_000  # as `slsim price`: usage meters cannot overflow
_ARCHS = ("x86_64", "arm64")


def _opt_pct(name, value):
    return None if value is None else _float_arg(name, value, 0.0, 100.0)


def _card_arg(rate_card):
    if rate_card is not None and not isinstance(rate_card, RateCard):
        raise TypeError(f"rate_card must be a slsim.RateCard, got {type(rate_card).__name__}")
    return _card(rate_card)


def _as_of(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.strftime("%Y-%m-%d")
    if not isinstance(value, str):
        raise TypeError(f"as_of must be a date or a 'YYYY-MM-DD' string, got "
                        f"{type(value).__name__} {value!r}")
    return value


class RateCard:
    """Prices and rules. ``RateCard()`` is the built-in card; ``RateCard(directory)`` loads your
    own ``rates.csv``, ``rules.csv``, ``ec2_instances.csv`` and ``fargate_sizes.csv``."""

    def __init__(self, directory=None):
        self._dir = None if directory is None else os.fspath(directory)
        self._core = _core.RateCard.builtin() if self._dir is None else _core.RateCard.load(self._dir)

    def rule(self, name: str, as_of) -> float:
        """A billing rule in force on ``as_of`` (e.g. ``"lambda.memory_max_mb"``)."""
        return self._core.rule(name, _as_of(as_of))

    def instance_types(self, as_of, region: str = "us-east-1") -> list[str]:
        return self._core.instance_types(_as_of(as_of), region)

    def __repr__(self) -> str:
        return "slsim.RateCard()" if self._dir is None else f"slsim.RateCard({self._dir!r})"

    def _key(self):
        # The built-in card, or the directory it was loaded from (however it was spelled).
        return None if self._dir is None else os.path.realpath(self._dir)

    def __eq__(self, other) -> bool:
        if not isinstance(other, RateCard):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())


_BUILTIN = None


def _card(rate_card):
    global _BUILTIN
    if rate_card is not None:
        return rate_card._core
    if _BUILTIN is None:
        _BUILTIN = RateCard()
    return _BUILTIN._core


class Bill:
    """A priced bill: ``total_usd``, ``line_items`` (dicts with name, quantity, unit, usd),
    ``as_of``, ``region``."""

    def __init__(self, data: dict):
        self._data = data

    @classmethod
    def _from_json(cls, text: str) -> "Bill":
        return cls(json.loads(text))

    @property
    def total_usd(self) -> float:
        return self._data["total_usd"]

    @property
    def line_items(self) -> list[dict]:
        return list(self._data["line_items"])

    @property
    def as_of(self) -> str:
        return self._data["as_of"]

    @property
    def region(self) -> str:
        return self._data["region"]

    def to_dict(self) -> dict:
        """The same object as ``slsim price --format json``."""
        return json.loads(json.dumps(self._data))

    def to_pandas(self):
        import pandas as pd

        return pd.DataFrame(self._data["line_items"],
                            columns=["platform", "name", "quantity", "unit", "usd"])

    def __repr__(self) -> str:
        return f"<slsim.Bill {self.as_of} {self.region}: ${self.total_usd:.2f} in {len(self.line_items)} line items>"


def price_lambda(*, memory_mb: int, requests: int = 0, duration_ms: float = 0.0,
                 arch: str = "x86_64", ephemeral_mb: int = 512, free_tier: bool = True,
                 as_of=None, region: str = "us-east-1", provisioned_concurrency: int = 0,
                 provisioned_hours: float = 0.0, provisioned_requests: int = 0,
                 provisioned_duration_ms: float = 0.0, discount_pct: float = 0.0,
                 span_days: float | None = None, rate_card: RateCard | None = None) -> Bill:
    """What Lambda usage costs on ``as_of`` (default: today). Same names as ``slsim price lambda``.
    ``span_days``: the days the usage is over; the monthly free tier and duration tiers then apply
    per 730-hour month of it, prorated (default: the usage is one month's)."""
    if span_days is not None and not (isinstance(span_days, (int, float)) and span_days > 0):
        raise ValueError(f"span_days must be a positive number of days, got {span_days!r}")
    return Bill._from_json(_core._price_lambda(
        _card_arg(rate_card), _int_arg("memory_mb", memory_mb, 1, 1 << 20),
        _int_arg("requests", requests, 0, _MAX_COUNT),
        _float_arg("duration_ms", duration_ms, 0.0), _str_arg("arch", arch, _ARCHS),
        _int_arg("ephemeral_mb", ephemeral_mb, 0, 1 << 20), _bool_arg("free_tier", free_tier),
        _as_of(as_of), _str_arg("region", region),
        _int_arg("provisioned_concurrency", provisioned_concurrency, 0, 10_000_000),
        _float_arg("provisioned_hours", provisioned_hours, 0.0),
        _int_arg("provisioned_requests", provisioned_requests, 0, _MAX_COUNT),
        _float_arg("provisioned_duration_ms", provisioned_duration_ms, 0.0),
        _float_arg("discount_pct", discount_pct, 0.0, 100.0),
        None if span_days is None else _float_arg("span_days", span_days, 0.0)))


def price_fargate(*, vcpu: float, memory_gb: float, tasks: int = 1, task_seconds: float = 60.0,
                  storage_gb: float = 20.0, arch: str = "x86_64", spot: bool = False,
                  spot_discount_pct: float | None = None, as_of=None, region: str = "us-east-1",
                  discount_pct: float = 0.0, rate_card: RateCard | None = None) -> Bill:
    """What Fargate tasks cost (per second, one-minute minimum). Same names as ``slsim price fargate``."""
    return Bill._from_json(_core._price_fargate(
        _card_arg(rate_card), _float_arg("vcpu", vcpu, 0.0), _float_arg("memory_gb", memory_gb, 0.0),
        _int_arg("tasks", tasks, 0, _MAX_COUNT), _float_arg("task_seconds", task_seconds, 0.0),
        _float_arg("storage_gb", storage_gb, 0.0), _str_arg("arch", arch, _ARCHS),
        _bool_arg("spot", spot), _opt_pct("spot_discount_pct", spot_discount_pct),
        _as_of(as_of), _str_arg("region", region),
        _float_arg("discount_pct", discount_pct, 0.0, 100.0)))


def price_ec2(*, instance_type: str, instances: int = 1, hours: float = 1.0, spot: bool = False,
              spot_discount_pct: float | None = None, as_of=None, region: str = "us-east-1",
              discount_pct: float = 0.0, rate_card: RateCard | None = None) -> Bill:
    """What EC2 instances cost (ECS on EC2, AWS Batch). Same names as ``slsim price ec2``."""
    return Bill._from_json(_core._price_ec2(
        _card_arg(rate_card), _str_arg("instance_type", instance_type),
        _int_arg("instances", instances, 0, _MAX_COUNT), _float_arg("hours", hours, 0.0),
        _bool_arg("spot", spot), _opt_pct("spot_discount_pct", spot_discount_pct),
        _as_of(as_of), _str_arg("region", region),
        _float_arg("discount_pct", discount_pct, 0.0, 100.0)))
