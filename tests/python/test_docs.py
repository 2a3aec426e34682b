"""Issue 19, smaller defects: what the README and the docs promise holds."""

import os
import re
from pathlib import Path

import slsim

SRC = Path(os.environ.get("SLSIM_SOURCE_DIR", "."))


def test_readme_python_example_summary_keys_exist():
    # The README's line of summary look-ups runs on a real summary (it raised KeyError:
    # 'cold_start_probability').
    text = (SRC / "README.md").read_text()
    line = next(x for x in text.splitlines() if x.startswith('s["') and "latency_ms" in x)
    wl = slsim.Workload.poisson(rate_per_s=1, duration_s=60)
    s = slsim.simulate(wl, slsim.Lambda(memory_mb=128), seed=1, as_of="2026-11-01").summary()
    values = eval(line, {"s": s})
    assert len(values) == 3


def test_scenarios_doc_does_not_call_container_tables_errors():
    text = (SRC / "docs/scenarios.md").read_text()
    assert "until their models land" not in text


def test_models_doc_does_not_say_load_balancers_are_left_out_of_the_bill():
    text = (SRC / "docs/models.md").read_text()
    assert not re.search(r"load.balancer charges are not in the", text, re.I)


def test_compare_header_has_no_merge_note():
    text = (SRC / "models/include/slsim/compare/compare.hpp").read_text()
    assert "MERGE NOTE" not in text


def test_lambda_memory_range_messages_name_lambdas_range():
    # "0 to 4,294,967,295" is the number type's range, not Lambda's.
    import subprocess
    import tempfile

    import pytest

    cli = os.environ.get("SLSIM_CLI", "build/bin/slsim")
    with pytest.raises(ValueError, match=r"128 to 10240 MB") as e:
        slsim.Lambda(memory_mb=99_999_999_999)
    assert "4,294,967,295" not in str(e.value)
    with pytest.raises(ValueError, match=r"128 to 10240 MB"):
        slsim.Lambda(memory_mb=-1)
    with tempfile.TemporaryDirectory() as d:
        sc = Path(d) / "m.toml"
        sc.write_text('as_of = 2026-11-01\n[workload]\ngenerator = "poisson"\nduration_s = 10\n'
                      '[lambda]\nmemory_mb = 99999999999\n')
        p = subprocess.run([cli, "simulate", "--scenario", str(sc)], capture_output=True,
                           text=True, timeout=60)
        assert p.returncode == 2 and "memory_mb" in p.stderr
        assert "128 to 10240 MB" in p.stderr and "4,294,967,295" not in p.stderr
        good = Path(d) / "g.toml"
        good.write_text('as_of = 2026-11-01\n[workload]\ngenerator = "poisson"\n'
                        'duration_s = 10\n')
        for value in ("99999999999", "-5"):
            p = subprocess.run([cli, "simulate", "--scenario", str(good), "--memory-mb", value],
                               capture_output=True, text=True, timeout=60)
            assert p.returncode == 2 and "--memory-mb" in p.stderr
            assert "128 to 10240 MB" in p.stderr and "4,294,967,295" not in p.stderr
