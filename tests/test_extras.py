"""A lean install: `pip install runstrong` for a runner, [cluster] and [postgres] as extras.

A missing extra is simulated by hiding its module (sys.modules[name] = None makes `import`
fail as if it were not installed): the command prints one line naming the `pip install`
to run, exits 2 and writes nothing.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from planner.cli import main

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10: import-linter brings tomli
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
ROSTER = ROOT / "examples" / "coach" / "roster.csv"
RUNS = ROOT / "examples" / "coach" / "runs.csv"
WEEK = ROOT / "examples" / "intermediate-week.csv"


def pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def test_the_lean_install_leaves_clusters_parquet_and_postgresql_to_extras() -> None:
    project = pyproject()["project"]
    names = {dep.split("[")[0].split(">")[0].split("=")[0].split("<")[0].strip().lower()
             for dep in project["dependencies"]}
    assert not names & {"dask", "distributed", "pyarrow", "psycopg", "psycopg2"}
    # what a runner needs for plan, serve, push and FIT stays in
    assert {"ortools", "pandas", "click", "icalendar", "garmin-fit-sdk", "caldav",
            "starlette", "uvicorn", "sqlalchemy", "alembic"} <= names
    extras = project["optional-dependencies"]
    assert any(d.startswith("dask[distributed]") for d in extras["cluster"])
    assert any(d.startswith("pyarrow") for d in extras["cluster"])
    assert extras["postgres"] == ["psycopg[binary]>=3.1"]
    assert "runstrong[cluster,postgres]" in extras["test"]  # CI tests everything


def hide(monkeypatch: pytest.MonkeyPatch, *modules: str) -> None:
    for name in modules:
        for loaded in [m for m in sys.modules if m == name or m.startswith(name + ".")]:
            monkeypatch.delitem(sys.modules, loaded)
        monkeypatch.setitem(sys.modules, name, None)


def one_line(output: str) -> str:
    lines = [line for line in output.splitlines() if line.strip()]
    assert len(lines) == 1, output
    return lines[0]


def test_cluster_without_the_extra_names_the_install(monkeypatch, tmp_path: Path) -> None:
    hide(monkeypatch, "distributed", "dask")
    out = tmp_path / "plans"
    result = CliRunner().invoke(main, ["batch", str(ROSTER), str(RUNS), "--out", str(out),
                                       "--cluster", "local"])
    assert result.exit_code == 2, result.output
    line = one_line(result.output)
    assert "--cluster" in line and "pip install 'runstrong[cluster]'" in line
    assert "Traceback" not in result.output and not out.exists()


def test_parquet_summary_without_the_extra_names_the_install(monkeypatch, tmp_path) -> None:
    hide(monkeypatch, "pyarrow.parquet")
    out = tmp_path / "plans"
    result = CliRunner().invoke(main, ["batch", str(ROSTER), str(RUNS), "--out", str(out),
                                       "--summary-format", "both"])
    assert result.exit_code == 2
    assert "pip install 'runstrong[cluster]'" in one_line(result.output)
    assert not out.exists()


def test_parquet_runs_without_the_extra_names_the_install(monkeypatch, tmp_path) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    import pyarrow.csv as pc

    runs = tmp_path / "runs.parquet"
    pq.write_table(pc.read_csv(RUNS), runs)
    # pandas, loaded in this process with pyarrow, keeps using pyarrow's core: hide the
    # Parquet half, the first thing a Parquet read imports
    hide(monkeypatch, "pyarrow.parquet")
    out = tmp_path / "plans"
    result = CliRunner().invoke(main, ["batch", str(ROSTER), str(runs), "--out", str(out)])
    assert result.exit_code == 2
    line = one_line(result.output)
    assert "Parquet" in line and "pip install 'runstrong[cluster]'" in line
    assert not out.exists()


@pytest.mark.parametrize("url", ["postgresql://runner@127.0.0.1:1/runstrong",
                                 "postgresql+psycopg://runner@127.0.0.1:1/runstrong"])
def test_postgresql_without_the_driver_names_the_install(monkeypatch, url: str) -> None:
    hide(monkeypatch, "psycopg")
    result = CliRunner().invoke(main, ["serve", "--db", url])
    assert result.exit_code == 2
    line = one_line(result.output)
    assert "PostgreSQL" in line and "pip install 'runstrong[postgres]'" in line


def test_a_bare_postgresql_url_means_psycopg_3() -> None:
    from planner.web.db import database_url

    assert database_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert database_url("postgres://u:p@h:5/db") == "postgresql+psycopg://u:p@h:5/db"
    assert database_url("sqlite:///x.db") == "sqlite:///x.db"


# (garmin_fit_sdk is not here: the catalog's FIT names are checked against its profile on
# every load)
HEAVY = ("pyarrow", "dask", "distributed", "sqlalchemy", "alembic", "starlette", "uvicorn",
         "psycopg", "caldav", "jinja2")


def test_runstrong_plan_loads_nothing_it_does_not_use(tmp_path: Path) -> None:
    """One week end to end imports none of the web, cluster, database or push libraries,
    and not pyarrow either, though pandas would load it when installed."""
    script = (
        "import sys\n"
        "from planner.cli import run\n"
        "try:\n"
        f"    run(['plan', {str(WEEK)!r}, '--level', 'intermediate', '--equipment',"
        f" 'dumbbell,band', '--tz', 'Europe/London', '--ics', 'p.ics', '--json', 'p.json'])\n"
        "except SystemExit as stop:\n"
        "    assert not stop.code, stop.code\n"
        f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))\n")
    result = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True,
                            text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().splitlines()[-1] == "[]"
    assert (tmp_path / "p.ics").exists() and (tmp_path / "p.json").exists()


def test_plan_without_pyarrow_writes_the_same_bytes(tmp_path: Path) -> None:
    """pandas without pyarrow keeps strings as Python objects: the plan is the same."""
    outputs = []
    for name, entry in (("with", "from planner.cli import main as entry"),
                        ("without", "from planner.cli import run as entry")):
        folder = tmp_path / name
        folder.mkdir()
        script = (f"{entry}\n"
                  "try:\n"
                  f"    entry([\"plan\", {str(WEEK)!r}, \"--level\", \"intermediate\", "
                  "\"--tz\", \"Europe/London\", \"--ics\", \"p.ics\", \"--json\", \"p.json\"])\n"
                  "except SystemExit as stop:\n"
                  "    assert not stop.code, stop.code\n")
        subprocess.run([sys.executable, "-c", script], cwd=folder, check=True, timeout=300,
                       capture_output=True)
        outputs.append(((folder / "p.ics").read_bytes(), (folder / "p.json").read_bytes()))
    assert outputs[0] == outputs[1]
