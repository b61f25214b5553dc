"""Issue 12: outputs never destroy an input, are written all or nothing, keep modes and
links, refuse devices, and `-` is standard output."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from planner.cli import main
from planner.renderers import outputs
from planner.renderers.outputs import Output, OutputError, check_outputs, write_outputs

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
WEEK_TEXT = (EXAMPLES / "intermediate-week.csv").read_text(encoding="utf-8")


def invoke(*args: str):
    return CliRunner().invoke(main, list(args))


@pytest.fixture
def week(tmp_path: Path) -> Path:
    path = tmp_path / "runs.csv"
    path.write_text(WEEK_TEXT, encoding="utf-8")
    return path


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {p.name: (p.read_bytes(), stat.S_IMODE(p.stat().st_mode))
            for p in sorted(folder.iterdir()) if p.is_file()}


def assert_clean_refusal(result, folder: Path, before: dict, *words: str) -> None:
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    for word in words:
        assert word in result.stderr
    assert snapshot(folder) == before  # nothing written, nothing changed, no temp left


# --- outputs that are inputs, or each other ---------------------------------------------


@pytest.mark.parametrize("args", [
    ["--ics", "{runs}"],
    ["--ics", "x.ics", "--json", "{runs}"],
    ["--ics", "x.ics", "--json", "x.ics"],
    ["--ics", "{catalog}", "--catalog", "{catalog}"],
    ["--ics", "{previous}", "--previous", "{previous}"],
    ["--ics", "./sub/../{runs}"],
])
def test_an_output_is_never_an_input_or_another_output(tmp_path: Path, week: Path,
                                                       args: list[str]) -> None:
    catalog = tmp_path / "cat.csv"
    catalog.write_text((Path(__file__).resolve().parents[1] / "catalog.csv").read_text())
    previous = tmp_path / "prev.json"
    previous.write_text("{}")
    (tmp_path / "sub").mkdir()
    names = {"runs": week.name, "catalog": catalog.name, "previous": previous.name}
    before = snapshot(tmp_path)
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        result = invoke("plan", week.name, *(a.format(**names) for a in args))
    finally:
        os.chdir(cwd)
    assert_clean_refusal(result, tmp_path, before, "error:")
    assert "input file" in result.stderr or "same file" in result.stderr


def test_a_calendar_called_plan_ics_is_not_overwritten_by_the_default_output(
        tmp_path: Path) -> None:
    calendar = tmp_path / "plan.ics"
    calendar.write_bytes((EXAMPLES / "google-export.ics").read_bytes())
    before = snapshot(tmp_path)
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        result = invoke("plan", "plan.ics")
    finally:
        os.chdir(cwd)
    assert_clean_refusal(result, tmp_path, before, "--ics plan.ics is the input file")


def test_hard_link_and_symlink_to_an_input_are_refused(tmp_path: Path, week: Path) -> None:
    os.link(week, tmp_path / "hard.ics")
    (tmp_path / "soft.ics").symlink_to(week)
    before = snapshot(tmp_path)
    for name in ("hard.ics", "soft.ics"):
        result = invoke("plan", str(week), "--ics", str(tmp_path / name))
        assert_clean_refusal(result, tmp_path, before, "is the input file")


# --- what a target may be ---------------------------------------------------------------


@pytest.mark.parametrize(("target", "words"), [
    ("/dev/null", "not a regular file"),
    ("{tmp}", "is a directory"),  # click refuses it first
    ("{tmp}/afile/plan.ics", "not a folder"),
    ("{tmp}/" + "a" * 300 + ".ics", "too long"),
])
def test_targets_that_are_not_regular_files_are_refused(tmp_path: Path, week: Path,
                                                       target: str, words: str) -> None:
    (tmp_path / "afile").write_text("x")
    before = snapshot(tmp_path)
    null_before = os.stat("/dev/null")
    result = invoke("plan", str(week), "--ics", target.format(tmp=tmp_path))
    assert_clean_refusal(result, tmp_path, before, words)
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)
    assert os.stat("/dev/null").st_ino == null_before.st_ino


def test_a_fifo_is_refused_not_replaced(tmp_path: Path, week: Path) -> None:
    fifo = tmp_path / "pipe.ics"
    os.mkfifo(fifo)
    result = invoke("plan", str(week), "--ics", str(fifo))
    assert result.exit_code == 2 and "not a regular file" in result.stderr
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


def test_an_empty_file_name_is_a_clean_error(week: Path) -> None:
    result = invoke("plan", str(week), "--ics", "")
    assert result.exit_code == 2 and "empty" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


# --- standard output --------------------------------------------------------------------


def test_dash_writes_the_calendar_to_stdout_and_the_table_to_stderr(tmp_path: Path,
                                                                    week: Path) -> None:
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        result = invoke("plan", str(week), "--ics", "-")
    finally:
        os.chdir(cwd)
    assert result.exit_code == 0, result.output
    assert result.stdout_bytes.startswith(b"BEGIN:VCALENDAR\r\n")
    assert result.stdout_bytes.endswith(b"END:VCALENDAR\r\n")
    assert "Week of" in result.stderr and "Week of" not in result.stdout
    assert "Wrote standard output" in result.stderr
    assert not (tmp_path / "plan.ics").exists()
    assert not list(tmp_path.glob("-*"))


def test_json_to_stdout_and_both_to_stdout(tmp_path: Path, week: Path) -> None:
    result = invoke("plan", str(week), "--ics", str(tmp_path / "p.ics"), "--json", "-", "-q")
    assert result.exit_code == 0
    assert result.stdout.lstrip().startswith("{") and '"weeks"' in result.stdout
    assert (tmp_path / "p.ics").exists()
    both = invoke("plan", str(week), "--ics", "-", "--json", "-")
    assert both.exit_code == 2 and "standard output" in both.stderr


# --- all or nothing, and every OS error is a clean exit 2 ------------------------------


def test_a_failing_second_output_leaves_the_first_untouched(tmp_path: Path, week: Path,
                                                             monkeypatch) -> None:
    ics, plan_json = tmp_path / "p.ics", tmp_path / "p.json"
    ics.write_bytes(b"old calendar")
    # The .json's temp file fails after the .ics's is complete: nothing may be renamed.
    real_fsync = os.fsync
    calls = []

    def failing_fsync(fd):
        calls.append(fd)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        return real_fsync(fd)

    monkeypatch.setattr(outputs.os, "fsync", failing_fsync)
    before = snapshot(tmp_path)
    result = invoke("plan", str(week), "--ics", str(ics), "--json", str(plan_json))
    assert_clean_refusal(result, tmp_path, before, "p.json", "No space left")
    assert ics.read_bytes() == b"old calendar"


def test_an_unwritable_folder_is_exit_2_naming_the_path(tmp_path: Path, week: Path,
                                                        monkeypatch) -> None:
    def denied(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(outputs.tempfile, "mkstemp", denied)
    result = invoke("plan", str(week), "--ics", str(tmp_path / "p.ics"))
    assert result.exit_code == 2
    assert "p.ics" in result.stderr and "Permission denied" in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_folder_is_refused_before_planning(tmp_path: Path, week: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    result = invoke("plan", str(week), "--ics", str(folder / "p.ics"))
    assert result.exit_code == 2 and "permission denied" in result.stderr


def test_write_outputs_removes_every_temp_file_on_failure(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(outputs.os, "replace", lambda *a: (_ for _ in ()).throw(
        OSError(5, "Input/output error")))
    with pytest.raises(OutputError, match=r"a\.txt"):
        write_outputs([Output(tmp_path / "a.txt", b"a", "a.txt"),
                       Output(tmp_path / "b.txt", b"b", "b.txt")])
    assert list(tmp_path.iterdir()) == []


# --- modes and links --------------------------------------------------------------------


def test_new_files_follow_the_umask_and_replaced_files_keep_their_mode(
        tmp_path: Path, week: Path) -> None:
    old = os.umask(0o027)
    try:
        ics, plan_json = tmp_path / "p.ics", tmp_path / "p.json"
        assert invoke("plan", str(week), "--ics", str(ics), "--json", str(plan_json),
                      "-q").exit_code == 0
        assert stat.S_IMODE(ics.stat().st_mode) == 0o640
        os.umask(0o022)
        plan_json.unlink()
        assert invoke("plan", str(week), "--ics", str(ics), "--json", str(plan_json),
                      "-q").exit_code == 0
        assert stat.S_IMODE(plan_json.stat().st_mode) == 0o644
        ics.chmod(0o604)
        assert invoke("plan", str(week), "--ics", str(ics), "-q").exit_code == 0
        assert stat.S_IMODE(ics.stat().st_mode) == 0o604
    finally:
        os.umask(old)


def test_a_hard_linked_output_is_rewritten_in_place_so_the_link_holds(
        tmp_path: Path, week: Path) -> None:
    ics = tmp_path / "p.ics"
    ics.write_bytes(b"old")
    shared = tmp_path / "shared.ics"
    os.link(ics, shared)
    inode = ics.stat().st_ino
    assert invoke("plan", str(week), "--ics", str(ics), "-q").exit_code == 0
    assert ics.stat().st_ino == inode and ics.stat().st_nlink == 2
    assert shared.read_bytes().startswith(b"BEGIN:VCALENDAR")


def test_a_symlinked_output_keeps_the_link_and_replaces_its_target(tmp_path: Path,
                                                                   week: Path) -> None:
    real = tmp_path / "real.ics"
    real.write_bytes(b"old")
    link = tmp_path / "link.ics"
    link.symlink_to(real)
    assert invoke("plan", str(week), "--ics", str(link), "-q").exit_code == 0
    assert link.is_symlink() and real.read_bytes().startswith(b"BEGIN:VCALENDAR")


def test_check_outputs_accepts_new_paths_and_regular_files(tmp_path: Path) -> None:
    (tmp_path / "old.ics").write_text("x")
    check_outputs([(tmp_path / "old.ics", "--ics"), (tmp_path / "new" / "x.json", "--json"),
                   ("-", "--ics")], inputs=[tmp_path / "runs.csv"])


def test_dev_stdout_on_a_pipe_is_refused(tmp_path: Path, week: Path) -> None:
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "planner", "plan", str(week), "--ics",
                           "/dev/stdout", "-q"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "not a regular file" in done.stderr
    assert "Traceback" not in done.stderr
