"""Container platforms: ``slsim.Fargate(...)``, ``slsim.Ecs(...)`` (ECS on EC2), and the
platforms on EC2 instances AWS manages: ``slsim.LambdaManaged(...)`` (Lambda Managed Instances)
and ``slsim.EcsManaged(...)`` (Amazon ECS Managed Instances).

Keyword-only, with the scenario file's key names (``vcpu``, ``memory_gb``, ``concurrency``,
``min_tasks``, ``max_tasks``, ``target_cpu_pct``, ``tasks``, ...; Lambda Managed Instances
take Lambda's: ``memory_mb``, ``runtime``, ``min_environments``, ...); eval-able repr,
equality, pickling; a bad value is a ``ValueError`` naming the keyword and what is allowed.
All are accepted by :func:`slsim.simulate`, :func:`slsim.sweep` and :func:`slsim.compare`.
See docs/models.md.
"""

from __future__ import annotations

import datetime as _dt
import numbers as _numbers

from . import _core
from .distributions import Distribution


def _text(key: str, value) -> str:
    """A keyword's value in the text form the C++ setter reads (options_io.hpp)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Distribution):
        return value.spec
    if key in ("step_scaling", "schedule"):
        items = []
        for item in value:
            if isinstance(item, str):
                items.append(item)
                continue
            if len(item) != 3:
                raise ValueError(f"{key}: each item is a 3-tuple")
            items.append(":".join("inf" if (isinstance(x, float) and x == float("inf"))
                                  else repr(x) if isinstance(x, float) else str(x)
                                  for x in item))
        return ";".join(items)
    if isinstance(value, (list, tuple)):
        return ",".join(str(x) for x in value)
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _repr(value) -> str:
    """An eval-able repr (infinity as float('inf'))."""
    if isinstance(value, float) and value == float("inf"):
        return "float('inf')"
    if isinstance(value, list):
        return "[" + ", ".join(_repr(v) for v in value) + "]"
    if isinstance(value, tuple):
        inner = ", ".join(_repr(v) for v in value)
        return "(" + inner + ("," if len(value) == 1 else "") + ")"
    return repr(value)


# The platforms on EC2 instances that AWS manages (issue 24).
_MANAGED = ("lambda-managed", "ecs-managed")


def _every_key() -> set:
    """Every container setting of some platform."""
    keys = set()
    for platform in ("ecs", *_MANAGED):
        keys |= set(_core.container_service_keys(platform))
        keys |= set(_core.container_cluster_keys(platform))
    return keys


class _ContainerPlatform:
    _LAUNCH = ""
    _NAME = ""

    def __init__(self, *, services: dict | None = None, **kwargs):
        keys = set(_core.container_service_keys(self._LAUNCH))
        if self._LAUNCH != "fargate":
            keys |= set(_core.container_cluster_keys(self._LAUNCH))
        passed = keys
        if self._LAUNCH in _MANAGED:
            # Another platform's setting reaches the setter, which says why it is not this
            # platform's ("not a Lambda Managed Instances setting", "AWS manages the instances").
            passed = keys | _every_key()
        unknown = set(kwargs) - passed
        if unknown:
            raise TypeError(f"{self._NAME}() got unknown arguments {sorted(unknown)}; "
                            f"known: {sorted(keys | {'services'})}")
        for k, v in kwargs.items():
            # A number, not text that reads as one (as slsim.Lambda's keywords; options_io);
            # "auto" is the one word a sized setting takes (the setter says which take it).
            if _core.container_key_is_number(k) and v != "auto" and (
                    isinstance(v, bool) or not isinstance(v, _numbers.Real)):
                raise TypeError(f"{self._NAME}({k}=...) must be a number, got "
                                f"{type(v).__name__} {v!r}")
        self._kwargs = {k: (list(v) if isinstance(v, tuple) else v) for k, v in kwargs.items()}
        self._services = dict(services or {})
        for name, s in self._services.items():
            if not isinstance(s, type(self)):
                raise TypeError(f"services[{name!r}] must be a slsim.{self._NAME}")
        try:
            self._settings()
            self._service_settings()
        except ValueError as e:
            raise ValueError(f"{self._NAME}: {e}") from None
        # Checked now against today's rules; simulate() checks again at its as_of.
        _core._check_containers(self._LAUNCH, self._settings(), self._service_settings(), "")

    def _settings(self) -> list:
        return [(k, _text(k, v)) for k, v in self._kwargs.items()]

    def _service_settings(self) -> dict:
        return {name: s._settings() for name, s in self._services.items()}

    def _simulate(self, workload, *, seed: int, as_of, region: str, discount_pct: float,
                  timeseries: bool, records: bool = False, account_concurrency: int = 0,
                  free_tier: bool = True):
        from .platforms import Result

        if records:
            raise ValueError("records=True: per-request records are kept for Lambda only; "
                             "timeseries=True gives the containers' scaling timeline")
        if account_concurrency or not free_tier:
            raise ValueError("account_concurrency and free_tier are Lambda settings")

        if "functions" in self._kwargs:
            raise ValueError(f"{self._NAME}(functions=...): functions belong to a service: "
                             f"services={{name: slsim.{self._NAME}(functions=[...])}}")
        if isinstance(as_of, (_dt.date, _dt.datetime)):
            as_of = as_of.strftime("%Y-%m-%d")
        core = _core._simulate_containers(workload._core, self._LAUNCH, self._settings(),
                                          self._service_settings(), as_of or "", region,
                                          int(seed), float(discount_pct), bool(timeseries))
        return Result(core, self._LAUNCH)

    def __repr__(self) -> str:
        args = [f"{k}={_repr(v)}" for k, v in self._kwargs.items()]
        if self._services:
            args.append(f"services={self._services!r}")
        return f"slsim.{self._NAME}({', '.join(args)})"

    def __eq__(self, other) -> bool:
        return type(other) is type(self) and repr(self) == repr(other)

    def __hash__(self) -> int:
        return hash(repr(self))

    def __reduce__(self):
        kwargs = dict(self._kwargs)
        if self._services:
            kwargs["services"] = self._services
        return (_make, (type(self), kwargs))


def _make(cls, kwargs):
    return cls(**kwargs)


class Fargate(_ContainerPlatform):
    """ECS services on AWS Fargate. Every argument is optional (docs/models.md, "Fargate").
    vcpu, memory_gb, concurrency, min_tasks, max_tasks, initial_tasks and target_cpu_pct default
    to "auto": sized from one pass over the workload (target tracking at 70% CPU; docs/models.md,
    "Sizing a service the user did not size"); a value given always wins.

    vcpu, memory_gb (a Fargate size valid at as_of), arch, concurrency (requests a task serves
    at once), tasks (a fixed count) or min_tasks/max_tasks/initial_tasks with target_cpu_pct or
    target_requests_per_task (target tracking), step_scaling=[(lower_pct, upper_pct, change)],
    schedule=[(at_s, min_tasks, max_tasks)], scale_out_cooldown_s, scale_in_cooldown_s,
    start_from_zero, queue_size, lb_timeout_s, deregistration_delay_s, health_check_interval_s,
    healthy_threshold, provisioning_s/startup_s (numbers or distributions, seconds),
    cpu_bound_fraction, parallel_fraction, reference_memory_mb, storage_gb, spot,
    spot_interruption_pct, stop_timeout_s, spot_in_flight ("retry"|"fail"), assign_public_ip
    (default True: public subnets, each task has a public IPv4 address, billed from 2024-02-01;
    False: private subnets, whose NAT gateway is not billed, a note says so), and
    services={name: Fargate(functions=[...], ...)} for services grouping functions.

    Queue and async work is consumed from an SQS queue (no load balancer; docs/models.md,
    "Queue consumers (SQS)"): visibility_timeout_s (default "auto": twice the longest run of
    the service's work in the trace, 30 to 43,200 s), max_receive_count (0 = no dead-letter
    queue), message_retention_s, target_backlog_per_task (backlog-per-task target tracking; 0 =
    acceptable_latency_s / the time a task takes per message), acceptable_latency_s,
    error_probability (per run), and scale_in_protection (default True: a busy consumer task is
    not stopped by scale-in). Numeric keywords take numbers (a string is a TypeError).
    A service whose functions receive only queue or async work and that is left auto scales on
    the backlog alone (no CPU target).
    """

    _LAUNCH = "fargate"
    _NAME = "Fargate"


class Ecs(_ContainerPlatform):
    """ECS services on EC2 instances. The service arguments of :class:`Fargate` (vcpu from
    0.125, image_pull_s for hosts without the image) plus the cluster's (docs/models.md,
    "ECS on EC2"): instance_type (a name or a list, in preference; default "auto": the
    smallest m5 type that holds the sized tasks), instances (a fixed cluster)
    or min_instances/max_instances with target_capacity_pct, instance_warmup_s,
    min_scaling_step, max_scaling_step, instance_launch_s, managed_scaling (default: capacity
    providers from December 2019), reserved_memory_mb, registered_memory_pct, placement
    ("spread" across Availability Zones, ECS's default for services, or "binpack"),
    availability_zones (default 3), cpu_credits (burstable T3/T4g types only: "unlimited",
    AWS's default, bills surplus CPU credits), associate_public_ip (default True: each instance
    has a public IPv4 address, billed from 2024-02-01; False: private subnets, NAT not
    billed), and EC2 Spot: spot, spot_interruption_pct, spot_in_flight.
    """

    _LAUNCH = "ecs"
    _NAME = "Ecs"


class LambdaManaged(_ContainerPlatform):
    """Lambda functions on Lambda Managed Instances (launched 2025-11-30): each function's
    execution environments run on the EC2 instances of a capacity provider that Lambda
    manages, each serving several requests at once; billed as the instances' EC2 price, a
    management fee on their On-Demand price and Lambda's requests (docs/models.md, "Lambda
    Managed Instances"). Every argument is optional.

    A function: memory_mb (an execution environment's memory, MB), memory_per_vcpu_gb (2, 4 or
    8: its vCPUs are memory_mb / 1,024 / this; default 2), concurrency (requests an execution
    environment serves at once, at least 1; default: the runtime's, per vCPU: python 16, nodejs
    64, java and dotnet 32), runtime ("python", "nodejs", "java" or "dotnet"),
    min_environments / max_environments, target_cpu_pct (the capacity provider's target
    utilisation), arch, cpu_bound_fraction, parallel_fraction, reference_memory_mb,
    error_probability; and services={name: LambdaManaged(functions=[...], ...)} for groups of
    functions with their own settings.

    The capacity provider: instance_type (a name or a list: the types Lambda may use),
    min_instances (default 3, for Availability Zone resilience), max_instances.

    ECS's settings (queue_size, vcpu, tasks, spot, ...) are not Lambda Managed Instances': a
    ValueError says so and names those that are.
    """

    _LAUNCH = "lambda-managed"
    _NAME = "LambdaManaged"


class EcsManaged(_ContainerPlatform):
    """ECS services on Amazon ECS Managed Instances (launched 2025-09-30): AWS picks, launches
    and retires the EC2 instances from the tasks' requirements; billed as EC2 plus a management
    fee per instance-hour (docs/models.md, "ECS Managed Instances"). The service arguments of
    :class:`Ecs`, and of its cluster instance_type (the types AWS may pick; default "auto": the
    cheapest that fits the tasks), min_instances, max_instances, placement,
    availability_zones, cpu_credits, associate_public_ip, Spot capacity (spot,
    spot_interruption_pct, spot_in_flight), plus scale_in_after_s (an instance left without
    tasks is retired after this many seconds; -1: never; default AWS's).

    The Auto Scaling group's settings (managed_scaling, target_capacity_pct, instance_warmup_s,
    min_scaling_step, max_scaling_step, instances, reserved_memory_mb, registered_memory_pct,
    instance_launch_s) are ECS on EC2's: AWS manages these instances, and a ValueError says so.
    """

    _LAUNCH = "ecs-managed"
    _NAME = "EcsManaged"
