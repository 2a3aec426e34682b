"""Issue 20, the input layer of the placement: selecting functions works for every workload
(generators and [[workloads]] as well as traces; tables naming the functions left out are
ignored for the run), and parts, objectives per part, pins and exclusions reach the comparison
through one validate function from the scenario file, the flags and Python."""
import json
import os
import subprocess
from pathlib import Path

import pytest

import slsim

CLI = os.environ.get("SLSIM_CLI", "build/bin/slsim")
SRC = Path(os.environ.get("SLSIM_SOURCE_DIR", "."))
DEFAULT = SRC / "examples/default.toml"


def run(*args, check=None):
    p = subprocess.run([CLI, *map(str, args)], capture_output=True, text=True, timeout=600)
    if check is not None:
        assert p.returncode == check, p.stderr
    return p


def two_functions(tmp_path, extra=""):
    """Two generators, 'api' (poisson, 2/s) and 'worker' ([[workloads]], 1/s), one minute."""
    f = tmp_path / "two.toml"
    f.write_text('as_of = 2026-11-01\nseed = 3\n[workload]\ngenerator = "poisson"\n'
                 'rate_per_s = 2\nduration_s = 60\nfunction = "api"\n'
                 '[[workloads]]\ngenerator = "poisson"\nrate_per_s = 1\nduration_s = 60\n'
                 'function = "worker"\n' + extra)
    return f


def report_json(*args):
    return json.loads(run("report", *args, "--format", "json", "--quiet", check=0).stdout)


# ---- 1: --functions for generators and [[workloads]] ----

def test_functions_selects_from_the_default_scenarios_workloads():
    out = report_json("--scenario", DEFAULT, "--functions", "api", "--platforms", "lambda")
    top = out["workload"]["top_functions"]
    assert [t["function"] for t in top] == ["api"]
    assert out["workload"]["functions"] == 1
    # Without the nightly job Lambda can run the API ([lambda.functions.*] of the others ignored).
    assert "impossible" not in out["platforms"]["lambda"]


def test_functions_selects_a_scheduled_job_and_ignores_the_other_services():
    out = report_json("--scenario", DEFAULT, "--functions", "nightly-report",
                      "--platforms", "fargate,batch")
    assert [t["function"] for t in out["workload"]["top_functions"]] == ["nightly-report"]
    assert out["workload"]["invocations"] == 1


def test_functions_in_simulate_for_a_generator(tmp_path):
    f = two_functions(tmp_path, '[lambda.functions.worker]\nmemory_mb = 256\n')
    alone = json.loads(run("simulate", "-s", f, "--functions", "api", "--format", "json",
                           check=0).stdout)
    both = json.loads(run("simulate", "-s", f, "--format", "json", check=0).stdout)
    assert "worker" not in json.dumps(alone)  # neither its arrivals nor its table
    assert 0 < alone["invocations"]["arrived"] < both["invocations"]["arrived"]


def test_unknown_function_names_the_flag_and_lists_the_workloads(tmp_path):
    for cmd in (["report"], ["simulate"]):
        p = run(*cmd, "-s", two_functions(tmp_path), "--functions", "nosuch", check=2)
        assert "--functions: the workload has no function 'nosuch'" in p.stderr, p.stderr
        assert "api" in p.stderr and "worker" in p.stderr


def test_a_typo_in_a_table_is_still_refused_with_and_without_a_selection(tmp_path):
    f = two_functions(tmp_path, '[lambda.functions.wroker]\nmemory_mb = 256\n')
    for extra in ([], ["--functions", "api"]):
        p = run("report", "-s", f, "--platforms", "lambda", *extra, check=2)
        assert "[lambda.functions.wroker]: the workload has no function 'wroker'" in p.stderr


def test_tables_naming_deselected_functions_are_ignored(tmp_path):
    f = two_functions(tmp_path, '[lambda.functions.worker]\nprovisioned_concurrency = 5\n'
                                '[fargate.services.worker]\nmin_tasks = 3\n'
                                '[batch.functions.worker]\njob_vcpu = 1\n')
    sel = report_json("-s", f, "--functions", "api")
    assert set(sel["platforms"]) == {"lambda", "ecs", "fargate", "batch", "lambda-managed",
                                     "ecs-managed"}
    # The worker's provisioned concurrency is not billed when the worker is left out.
    both = report_json("-s", f)
    lam = lambda o: o["platforms"]["lambda"]["figures"]["total_usd"]
    assert lam(both) > lam(sel)


def test_top_level_functions_key(tmp_path):
    f = two_functions(tmp_path)
    text = f.read_text().replace("seed = 3\n", 'seed = 3\nfunctions = ["worker"]\n')
    f.write_text(text)
    out = report_json("-s", f, "--platforms", "lambda")
    assert [t["function"] for t in out["workload"]["top_functions"]] == ["worker"]
    f.write_text(text.replace('["worker"]', '["nosuch"]'))
    p = run("report", "-s", f, "--platforms", "lambda", check=2)
    assert f"{f}: functions: the workload has no function 'nosuch'" in p.stderr


# ---- 2-4: parts, objectives, pins and exclusions ----

def test_parts_flags_change_the_placement_only(tmp_path):
    base = report_json("--scenario", DEFAULT, "--platforms", "lambda,fargate")
    with_parts = report_json("--scenario", DEFAULT, "--platforms", "lambda,fargate",
                             "--objective", "nightly-report.slo_p99_ms=3000000",
                             "--objective", "api.max_error_rate=0.02", "--place", "api=lambda",
                             "--exclude", "nightly-report=lambda", "--exclude", "batch")
    placed = {p["part"]: p for p in with_parts.pop("placement")["parts"]}
    base.pop("placement")
    # Each part is judged by its own objectives in the "By part" figures (the same figures).
    by_part, base_by_part = with_parts.pop("by_part"), base.pop("by_part")
    assert [{k: v for k, v in r.items() if k not in ("meets_objectives", "missed")}
            for r in by_part] == [{k: v for k, v in r.items()
                                   if k not in ("meets_objectives", "missed")}
                                  for r in base_by_part]
    assert with_parts == base  # the side-by-side comparison is the whole system's
    assert placed["api"]["platform"] == "lambda"  # pinned
    assert placed["nightly-report"]["platform"] == "fargate"  # Lambda excluded (and cannot)
    f = two_functions(tmp_path)
    base = report_json("-s", f, "--platforms", "lambda")
    grouped = report_json("-s", f, "--platforms", "lambda", "--part", "web=api,worker",
                          "--objective", "web.slo_p99_ms=500", "--place", "web=lambda")
    assert "placement" not in grouped  # one part: the comparison is its placement
    assert "by_part" not in grouped  # nor anything by part
    base.pop("placement", None)
    assert [r["part"] for r in base.pop("by_part")] == ["api", "worker"]
    assert grouped == base


def test_default_scenario_gives_each_part_its_own_objective():
    p = run("report", "--scenario", DEFAULT, "--platforms", "lambda", "--part", "web=api",
            check=2)
    # The file's objectives of 'api' (now a function of the part 'web') are named, not the flag.
    assert (f"{DEFAULT}: [report.objectives.api]: 'api' is a function of the part 'web'"
            in p.stderr), p.stderr


@pytest.mark.parametrize("flags, message", [
    (["--part", "a=api", "--part", "b=api"], "--part b: 'api' is in two parts, 'a' and 'b'"),
    (["--part", "a="], "--part a: the part 'a' has no functions"),
    (["--part", "a=nosuch"], "--part a: the workload has no function 'nosuch'"),
    (["--part", "worker=api"], "--part worker: 'worker' is the name of a function"),
    (["--part", "api"], "--part: 'api' is not NAME=FUNCTION,FUNCTION"),
    (["--objective", "nosuch.slo_p99_ms=5"], "--objective nosuch: 'nosuch' is not a part of this "
                                             "workload; its parts: api, worker"),
    (["--objective", "api.p99=5"], "--objective: 'api.p99=5' is not PART.KEY=VALUE"),
    (["--objective", "api.slo_p99_ms=abc"], "--objective api.slo_p99_ms: 'abc' is not a number"),
    (["--objective", "api.max_error_rate=2"], "--objective api.max_error_rate: must be a fraction"),
    (["--place", "api=k8s"], "--place api: 'k8s' is not a platform; allowed: lambda, ecs, "
                             "fargate, batch"),
    (["--place", "nosuch=lambda"], "--place nosuch: 'nosuch' is not a part"),
    (["--place", "api=batch", "--exclude", "batch"], "--place api: 'api' is pinned to batch"),
    (["--exclude", "k8s"], "--exclude: 'k8s' is not a platform"),
    (["--exclude", "api=lambda,ecs,fargate,batch,lambda-managed,ecs-managed"],
     "--exclude api: every platform is excluded"),
])
def test_bad_parts_flags_name_the_flag(tmp_path, flags, message):
    p = run("report", "-s", two_functions(tmp_path), "--platforms", "lambda", *flags, check=2)
    assert message in p.stderr, p.stderr


@pytest.mark.parametrize("table, message", [
    ('[report.parts]\na = ["api"]\nb = ["api"]\n', "[report.parts] b: 'api' is in two parts"),
    ('[report.parts]\na = ["nosuch"]\n', "[report.parts] a: the workload has no function"),
    ('[report.objectives.nosuch]\nslo_p99_ms = 5\n', "[report.objectives.nosuch]: 'nosuch' is "
                                                    "not a part"),
    ('[report.place]\nnosuch = "lambda"\n', "[report.place] nosuch: 'nosuch' is not a part"),
    ('[report.place]\napi = "k8s"\n', "[report.place] api: 'k8s' is not a platform"),
])
def test_bad_parts_in_the_file_name_the_key(tmp_path, table, message):
    f = two_functions(tmp_path, table)
    p = run("report", "-s", f, "--platforms", "lambda", check=2)
    assert f"{f}: {message}" in p.stderr, p.stderr


def test_parts_of_deselected_functions_are_ignored(tmp_path):
    f = two_functions(tmp_path, '[report.parts]\njobs = ["worker"]\n'
                                '[report.objectives.jobs]\nslo_p99_ms = 60000\n'
                                '[report.place]\njobs = "batch"\n')
    report_json("-s", f, "--platforms", "lambda", "--functions", "api")


def test_help_documents_the_parts_flags():
    h = run("report", "--help", check=0).stdout
    for flag in ("--part", "--objective", "--place", "--exclude", "--functions"):
        assert flag in h
    assert "PART.KEY=VALUE" in h


# ---- Python: the same settings as keywords ----

def _two(invocation="sync"):
    return slsim.Workload.azure_like(rate_per_s=5, duration_s=600, functions=4, seed=3,
                                     invocation=invocation)


def test_python_select_works_for_a_generator():
    wl = _two()
    names = wl.function_names()
    assert len(names) >= 2
    one = wl.select(functions=[names[0]])
    assert one.function_names() == [names[0]]
    assert 0 < len(one) < len(wl)
    assert eval(repr(one), {"slsim": slsim}).function_names() == [names[0]]
    import pickle
    assert pickle.loads(pickle.dumps(one)).function_names() == [names[0]]
    with pytest.raises(ValueError, match="functions: the workload has no function 'nosuch'"):
        wl.select(functions=["nosuch"])
    with pytest.raises(TypeError, match="functions must be a list"):
        wl.select(functions="api")


def test_python_compare_functions_and_lambda_settings_of_others_ignored():
    wl = _two()
    a, b = wl.function_names()[:2]
    lam = slsim.Lambda(memory_mb=512, functions={b: slsim.Lambda(provisioned_concurrency=5)})
    both = slsim.compare(wl, [lam], seed=1, as_of="2026-11-01")
    only = slsim.compare(wl, [lam], seed=1, as_of="2026-11-01", functions=[a])
    assert "1 function selected" in only.summary()["workload"]
    assert 0 < only.rows()[0]["arrived"] < both.rows()[0]["arrived"]
    cost = lambda c: c.summary()["platforms"]["lambda"]["figures"]["total_usd"]
    assert cost(only) < cost(both)
    # b's provisioned concurrency is not billed when b is left out: as if it were never set.
    plain = slsim.compare(wl.select(functions=[a]), [slsim.Lambda(memory_mb=512)], seed=1,
                          as_of="2026-11-01")
    assert cost(only) == cost(plain)
    with pytest.raises(ValueError, match="functions: the workload has no function 'nosuch'"):
        slsim.compare(wl, [lam], functions=["nosuch"])


def test_python_compare_functions_ignores_services_and_jobs_of_others():
    wl = _two("async")
    a, b, c = wl.function_names()[:3]
    kw = dict(seed=1, as_of="2026-11-01", front_door=None)
    for platform, plain in [
            (slsim.Fargate(services={b: slsim.Fargate(min_tasks=3),
                                     "pair": slsim.Fargate(functions=[a, c], min_tasks=1)}),
             slsim.Fargate(services={"pair": slsim.Fargate(functions=[a], min_tasks=1)})),
            (slsim.Batch(functions={b: {"job_vcpu": 4}}), slsim.Batch())]:
        only = slsim.compare(wl, [platform], functions=[a], **kw)
        alone = slsim.compare(wl.select(functions=[a]), [plain], **kw)
        name = only.platforms[0]
        cost = lambda c: c.summary()["platforms"][name]["figures"]["total_usd"]
        assert cost(only) == pytest.approx(cost(alone)), name


def test_python_parts_keywords_change_no_figure():
    wl = _two()
    a, b = wl.function_names()[:2]
    base = slsim.compare(wl, [slsim.Lambda()], seed=1, as_of="2026-11-01")
    with_parts = slsim.compare(wl, [slsim.Lambda()], seed=1, as_of="2026-11-01",
                               parts={"web": [a, b]}, objectives={"web": {"slo_p99_ms": 500}},
                               place={"web": "lambda"}, exclude=["batch"])
    # The group is one part: its figures by part are the platform's (with two of them only).
    fns = [r["functions"] for r in with_parts.summary()["by_part"]]
    assert fns[0] == [a, b]
    assert sorted(fns[1:]) == sorted([n] for n in wl.function_names()[2:])
    # The parts shape the placement and the figures by part only (issue 20), never the
    # side-by-side figures.
    def figures(c):
        return {k: v for k, v in c.summary().items() if k not in ("placement", "by_part")}
    assert figures(with_parts) == figures(base)
    assert base.placement is not None and with_parts.placement is not None
    # Parts of the functions left out are ignored (checked against the whole workload first).
    slsim.compare(wl, [slsim.Lambda()], as_of="2026-11-01", functions=[a],
                  parts={"jobs": [b]}, place={"jobs": "batch"})


@pytest.mark.parametrize("kwargs, error, message", [
    (dict(parts={"x": ["f1"], "y": ["f1"]}), ValueError, r"parts\['y'\]: 'f1' is in two parts"),
    (dict(parts={"x": []}), ValueError, r"parts\['x'\]: the part 'x' has no functions"),
    (dict(parts={"x": ["nosuch"]}), ValueError, r"parts\['x'\]: the workload has no function"),
    (dict(parts={"x": "f1"}), TypeError, r"parts\['x'\] must be a list"),
    (dict(objectives={"nosuch": {"slo_p99_ms": 5}}), ValueError,
     r"objectives\['nosuch'\]: 'nosuch' is not a part"),
    (dict(objectives={"f1": {"p99": 5}}), ValueError, r"objectives\['f1'\]: 'p99' is not an "
                                                       "objective"),
    (dict(objectives={"f1": {"slo_p99_ms": -5}}), ValueError,
     r"objectives\['f1'\]\['slo_p99_ms'\]: must be a number of milliseconds"),
    (dict(place={"f1": "k8s"}), ValueError, r"place\['f1'\]: 'k8s' is not a platform; allowed: "
                                           "lambda, ecs, fargate, batch"),
    (dict(place={"nosuch": "lambda"}), ValueError, r"place\['nosuch'\]: 'nosuch' is not a part"),
    (dict(exclude=["k8s"]), ValueError, r"exclude: 'k8s' is not a platform"),
    (dict(exclude={"f1": ["lambda", "ecs", "fargate", "batch", "lambda-managed", "ecs-managed"]}),
     ValueError,
     r"exclude\['f1'\]: every platform is excluded"),
])
def test_python_bad_parts_name_the_keyword(kwargs, error, message):
    wl = _two()
    names = wl.function_names()
    # The azure-like functions are named by the generator: refer to the first as 'f1'.
    def sub(v):
        if isinstance(v, str):
            return names[0] if v == "f1" else v
        if isinstance(v, list):
            return [sub(x) for x in v]
        if isinstance(v, dict):
            return {sub(k): sub(x) for k, x in v.items()}
        return v
    kwargs = sub(kwargs)
    message = message.replace("f1", names[0])
    with pytest.raises(error, match=message):
        slsim.compare(wl, [slsim.Lambda()], as_of="2026-11-01", **kwargs)
