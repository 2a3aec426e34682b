"""The placement of parts (issue 20) from the CLI and Python: the same figures, the JSON shape,
bad pins."""

import json
import os
from pathlib import Path

import pytest

import slsim

from slsimcli import run

SRC = Path(os.environ.get("SLSIM_SOURCE_DIR", Path(__file__).resolve().parents[2]))
DEFAULT = str(SRC / "examples/default.toml")


@pytest.fixture(scope="module")
def cli_json():
    return json.loads(run("report", "--scenario", DEFAULT, "--format", "json", "-q").stdout)


def test_the_default_report_places_each_part(cli_json):
    p = cli_json["placement"]
    assert set(p) >= {"parts", "monthly_usd", "line_items", "best_single", "exact", "summary"}
    parts = {q["part"]: q for q in p["parts"]}
    assert set(parts) == {"api", "orders-consumer", "nightly-report"}
    for q in parts.values():
        assert set(q) == {"part", "functions", "platform", "monthly_usd", "p99_ms",
                          "meets_objectives", "why"}
        assert q["meets_objectives"], q
    assert parts["nightly-report"]["platform"] != "lambda"  # 40 minutes: Lambda cannot run it
    assert parts["api"]["platform"] != "batch"  # synchronous: Batch cannot serve it
    # The mix's total is its bill, and never above the best single platform.
    assert sum(li["monthly_usd"] for li in p["line_items"]) == pytest.approx(p["monthly_usd"])
    assert sum(q["monthly_usd"] for q in p["parts"]) == pytest.approx(p["monthly_usd"])
    best = p["best_single"]
    assert best["platform"] == cli_json["recommendation"]["platform"]
    assert p["monthly_usd"] <= best["monthly_usd"]


def test_python_from_a_scenario_equals_the_cli(cli_json):
    c = slsim.compare(scenario=DEFAULT)
    assert c.recommendation == cli_json["recommendation"]["platform"]
    assert c.placement.to_dict() == cli_json["placement"]
    df = c.placement.to_pandas()
    assert list(df["part"]) == [q["part"] for q in cli_json["placement"]["parts"]]
    assert "Placement" in repr(c.placement)


def test_the_report_table_has_the_section_after_the_side_by_side_table():
    out = run("report", "--scenario", DEFAULT, "-q").stdout
    assert out.index("Side by side") < out.index("Placement: the best platform for each part")
    assert "Placement: api on" in out
    assert "Placement" not in run("report", "--scenario", DEFAULT, "-q",
                                  "--no-placement").stdout


def test_a_pin_that_cannot_run_is_refused_with_the_reason():
    p = run("report", "--scenario", DEFAULT, "-q", "--place", "nightly-report=lambda",
            check=False)
    assert p.returncode == 2, p.stderr
    assert "part 'nightly-report' is placed on lambda, which cannot run it" in p.stderr
    assert "900 s" in p.stderr


def test_compare_scenario_arguments_are_checked():
    with pytest.raises(TypeError, match="scenario"):
        slsim.compare(slsim.Workload.poisson(rate_per_s=1, duration_s=60), scenario=DEFAULT)
    with pytest.raises(TypeError, match="scenario=FILE"):
        slsim.compare()
    with pytest.raises(ValueError, match="nosuch.toml"):
        slsim.compare(scenario="nosuch.toml")
