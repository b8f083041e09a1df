"""Nothing half-written stays behind: a killed write's temporary file is swept, never read as data."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from backcover.atomic import atomic_write_bytes, is_temp_name, remove_stale_temp_files
from backcover.web._workspace import Workspace


def _leftover(folder: Path, name: str, age_s: float = 3600) -> Path:
    """A temporary file as a process killed mid-write leaves it (older than this process)."""
    p = folder / name
    p.write_bytes(b'{"resourceType": "Bundle", "entry": [{"resou')
    old = time.time() - age_s
    os.utime(p, (old, old))
    return p


def test_workspace_sweeps_cut_off_temp_files_and_never_lists_dot_files(tmp_path: Path) -> None:
    ws = Workspace(tmp_path / "ws")
    ws.add_upload("export.json", b'{"resourceType": "Patient", "id": "p1"}')
    stale = _leftover(tmp_path / "ws" / "records", ".imp000.ndjson.ab12cd34.tmp")
    plan_tmp = _leftover(tmp_path / "ws" / "plans", ".mine.yaml.Zz_09xyz.tmp")
    hidden = tmp_path / "ws" / "records" / ".DS_Store"
    hidden.write_bytes(b"\0")
    assert [p.name for p in ws.uploads()] == ["export.json"]  # the dot files are not imports
    again = Workspace(tmp_path / "ws")  # a restart
    assert not stale.exists() and not plan_tmp.exists()
    assert hidden.exists()  # not ours: left alone
    assert [p.name for p in again.uploads()] == ["export.json"]
    assert [p.id for p in again.patients()] == ["p1"]


def test_temp_files_of_this_process_or_other_names_are_kept(tmp_path: Path) -> None:
    fresh = tmp_path / ".log.yaml.abcdefgh.tmp"
    fresh.write_bytes(b"x")  # newer than the process: may be a write in progress
    other = _leftover(tmp_path, "notes.tmp")
    assert remove_stale_temp_files([tmp_path]) == 0
    assert fresh.exists() and other.exists()
    assert is_temp_name(".treatment-log.yaml.k2j3h4g5.tmp") and not is_temp_name("treatment-log.yaml")


def test_a_recent_temp_file_of_another_process_is_not_swept(tmp_path: Path) -> None:
    # Older than this process but only a minute old: another process (the server) may be writing it.
    busy = _leftover(tmp_path, ".treatment-log.yaml.zz99yy88.tmp", age_s=60)
    assert remove_stale_temp_files([tmp_path]) == 0
    atomic_write_bytes(tmp_path / "treatment-log.yaml", b"pain: []\n")
    assert busy.exists()


def test_an_atomic_write_removes_leftovers_of_its_file(tmp_path: Path) -> None:
    mine = _leftover(tmp_path, ".treatment-log.yaml.q1w2e3r4.tmp")
    theirs = _leftover(tmp_path, ".state.json.q1w2e3r4.tmp")
    atomic_write_bytes(tmp_path / "treatment-log.yaml", b"pain: []\n")
    assert not mine.exists() and theirs.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == [".state.json.q1w2e3r4.tmp", "treatment-log.yaml"]


def test_a_failed_atomic_write_leaves_the_old_file_and_no_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "treatment-log.yaml"
    target.write_bytes(b"old\n")

    def broken(src: object, dst: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken)
    with pytest.raises(OSError):
        atomic_write_bytes(target, b"new\n")
    assert target.read_bytes() == b"old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["treatment-log.yaml"]


def test_the_cli_sweeps_its_data_folder_at_start(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from backcover.cli import main

    monkeypatch.setenv("BACKCOVER_HOME", str(tmp_path))
    stale = _leftover(tmp_path, ".treatment-log.yaml.a1b2c3d4.tmp")
    monkeypatch.setattr(sys, "argv", ["backcover", "--help"])
    with pytest.raises(SystemExit):
        main()
    assert not stale.exists()


def test_opening_a_sqlite_store_sweeps_its_folder(tmp_path: Path) -> None:
    from backcover.store import open_store

    stale = _leftover(tmp_path, ".export.json.a1b2c3d4.tmp")
    open_store(f"sqlite:///{tmp_path / 'backcover.db'}").close()
    assert not stale.exists()
