"""bench/render.py's targets: with --deployed-workers they bind at the count make run deploys,
and a miss at another count is shown without failing the run."""
import importlib.util
import pathlib

RENDER = pathlib.Path(__file__).resolve().parents[2] / "bench" / "render.py"
spec = importlib.util.spec_from_file_location("bench_render", RENDER)
render = importlib.util.module_from_spec(spec)
spec.loader.exec_module(render)

TARGET = "GET CPU|get_user||cpu_us|<=|40"


def row(workers, cpu):
    run = {"cpu_us": cpu, "non2xx": 0, "socket_errors": 0}
    return {"scenario": "get_user", "workers": workers, "cpu_us": cpu, "runs": [run], "non2xx": 0, "socket_errors": 0}


def test_a_miss_at_the_deployed_count_fails_and_one_elsewhere_does_not():
    rows = [row(4, 39.0), row(8, 50.0)]
    verdicts = render.evaluate_targets(rows, [TARGET], deployed=4)
    assert [ok for ok, _ in verdicts] == [True, True]
    assert "a comparison, not a target: 4 workers are deployed" in verdicts[1][1]
    assert "FAIL" in verdicts[1][1]

    verdicts = render.evaluate_targets([row(4, 41.0), row(8, 39.0)], [TARGET], deployed=4)
    assert [ok for ok, _ in verdicts] == [False, True]


def test_without_a_deployed_count_every_count_binds():
    verdicts = render.evaluate_targets([row(4, 39.0), row(8, 50.0)], [TARGET])
    assert [ok for ok, _ in verdicts] == [True, False]
