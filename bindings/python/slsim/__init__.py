"""slsim — what a workload would cost and how it would perform on AWS Lambda, ECS on EC2,
Fargate, AWS Batch, Lambda Managed Instances and ECS Managed Instances.

The public Python API. ``slsim._core`` is the compiled, private half.
"""

from . import _core
from .distributions import (
    BurrXII,
    Constant,
    Distribution,
    Empirical,
    Exponential,
    Gamma,
    LogNormal,
    Normal,
    Percentiles,
    Uniform,
    Weibull,
    parse_distribution,
)
from .containers import Ecs, EcsManaged, Fargate, LambdaManaged
from .compare import (Breakeven, Comparison, Placement, Tuning, breakeven, compare,
                      tune_lambda)
from .platforms import Lambda, Result, simulate, sweep
from .batch import Batch, BatchResult
from .scenario import Scenario, ScenarioError
from .pricing import Bill, RateCard, price_ec2, price_fargate, price_lambda
from .workload import Workload

TraceError = _core.TraceError
PricingError = _core.PricingError
ImpossibleError = _core.ImpossibleError

__version__ = _core.__version__

__all__ = [
    "Ecs",
    "Fargate",
    "LambdaManaged",
    "EcsManaged",
    "compare",
    "breakeven",
    "tune_lambda",
    "Comparison",
    "Placement",
    "Scenario",
    "ScenarioError",
    "Breakeven",
    "Tuning",
    "Lambda",
    "Batch",
    "BatchResult",
    "Result",
    "simulate",
    "sweep",
    "Bill",
    "PricingError",
    "ImpossibleError",
    "RateCard",
    "price_ec2",
    "price_fargate",
    "price_lambda",
    "BurrXII",
    "Constant",
    "Distribution",
    "Empirical",
    "Exponential",
    "Gamma",
    "LogNormal",
    "Normal",
    "Percentiles",
    "Uniform",
    "Weibull",
    "parse_distribution",
    "TraceError",
    "Workload",
    "__version__",
]
