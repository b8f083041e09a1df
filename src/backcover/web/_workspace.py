"""The local workspace of the web app: uploaded record files, the treatment log, plans, and choices.

It is a folder (mode 0700, files 0600) that belongs to one person using the app on their own
machine. ``backcover serve`` keeps it in the platform's user data folder; tests use a temporary one.
Cases, denials and documents live in the store (:mod:`backcover.store`), not here.
"""

from __future__ import annotations

import os
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from backcover.atomic import atomic_write_bytes, atomic_write_text, remove_stale_temp_files
from backcover.errors import BadInput

__all__ = ["PatientChoice", "Workspace"]

_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True, slots=True)
class PatientChoice:
    id: str
    name: str
    birth_date: str | None
    gender: str | None

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "birth_date": self.birth_date, "gender": self.gender}


def _name_of(res: dict[str, Any]) -> str:
    names = res.get("name") or []
    if isinstance(names, list) and names and isinstance(names[0], dict):
        n = names[0]
        given = " ".join(str(g) for g in n.get("given") or [] if isinstance(g, str))
        family = n.get("family") if isinstance(n.get("family"), str) else ""
        text = f"{given} {family}".strip()
        return re.sub(r"\d+", "", text).strip() or str(n.get("text") or "")
    return ""


def _patients_in(data: bytes, file: str) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    name = file.lower()
    if name.endswith((".yaml", ".yml")):
        return out
    if name.endswith((".ndjson", ".jsonl")) or (not name.endswith(".json") and b"\n{" in data.strip()):
        for line in data.splitlines():
            if b"Patient" not in line:
                continue
            try:
                res = orjson.loads(line)
            except orjson.JSONDecodeError:
                continue
            if isinstance(res, dict) and res.get("resourceType") == "Patient":
                out.append(res)
        return out
    try:
        doc = orjson.loads(data)
    except orjson.JSONDecodeError:
        return out
    if isinstance(doc, dict) and doc.get("resourceType") == "Patient":
        out.append(doc)
    elif isinstance(doc, dict) and doc.get("resourceType") == "Bundle":
        for e in doc.get("entry") or []:
            res = e.get("resource") if isinstance(e, dict) else None
            if isinstance(res, dict) and res.get("resourceType") == "Patient":
                out.append(res)
    return out


class Workspace:
    """One person's files and choices, kept in ``root``."""

    def __init__(self, root: Path, log_path: Path | None = None) -> None:
        """``log_path`` is the treatment log (default: in ``root``); ``backcover serve`` gives the
        CLI's, so that the web and ``backcover log`` keep one log."""
        self.root = root
        self._log_path = log_path or root / "treatment-log.yaml"
        self._lock = threading.RLock()
        for d in (root, root / "records", root / "plans"):
            d.mkdir(parents=True, exist_ok=True)
            os.chmod(d, 0o700)
        # What a server killed mid-write left behind (cut-off uploads, plans, state) goes first.
        remove_stale_temp_files((root, root / "records", root / "plans"))
        self._state: dict[str, Any] = {"patient": None, "plan": None}
        self._patients_cache: tuple[Any, list[PatientChoice]] | None = None
        state_file = root / "state.json"
        if state_file.exists():
            try:
                loaded = orjson.loads(state_file.read_bytes())
                if isinstance(loaded, dict):
                    self._state.update(loaded)
            except orjson.JSONDecodeError:
                pass

    # ----- state -------------------------------------------------------------------------------
    def _save_state(self) -> None:
        atomic_write_text(self.root / "state.json", orjson.dumps(self._state).decode())

    @property
    def patient_id(self) -> str | None:
        v = self._state.get("patient")
        return v if isinstance(v, str) else None

    def select_patient(self, patient_id: str | None) -> None:
        with self._lock:
            if patient_id is not None and patient_id not in {p.id for p in self.patients()}:
                raise BadInput(
                    f"no patient with id {patient_id!r} in the imported files",
                    "pick one of the people listed on the Start page",
                    where="patient",
                )
            self._state["patient"] = patient_id
            self._save_state()

    # ----- record files -------------------------------------------------------------------------
    def add_upload(self, filename: str, data: bytes) -> Path:
        # Which files are readable is the record loader's call (``services.upload_sources``).
        name = _SAFE.sub("_", Path(filename or "upload").name).lstrip(".") or "upload"
        if not data.strip():
            raise BadInput("the file is empty", "choose the exported file again", file=name)
        with self._lock:
            path = self.root / "records" / name
            atomic_write_bytes(path, data)
            return path

    def uploads(self) -> list[Path]:
        # Dot files are never imports: they are temporary files of a write (or the system's own).
        return sorted(
            p for p in (self.root / "records").iterdir() if not p.name.startswith(".") and p.is_file()
        )

    def clear_uploads(self) -> None:
        with self._lock:
            for p in self.uploads():
                p.unlink()
            self._state["patient"] = None
            self._save_state()

    def delete_everything(self) -> None:
        """Remove the imported records, the plans, the treatment log and the choices."""
        with self._lock:
            for p in [*self.uploads(), *(self.root / "plans").glob("*.yaml"), self.log_path]:
                p.unlink(missing_ok=True)
            self._state = {"patient": None, "plan": None}
            self._save_state()

    def patients(self) -> list[PatientChoice]:
        """The people the uploaded FHIR files describe, by Patient id (no record parsing needed)."""
        uploads = self.uploads()
        key = tuple((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in uploads)
        cached = self._patients_cache
        if cached is not None and cached[0] == key:
            return cached[1]
        seen: dict[str, PatientChoice] = {}
        for p in uploads:
            for res in _patients_in(p.read_bytes(), p.name):
                pid = res.get("id")
                if not isinstance(pid, str) or pid in seen:
                    continue
                bd = res.get("birthDate")
                g = res.get("gender")
                seen[pid] = PatientChoice(
                    pid,
                    _name_of(res) or pid,
                    bd if isinstance(bd, str) else None,
                    g if isinstance(g, str) else None,
                )
        result = sorted(seen.values(), key=lambda c: c.name)
        self._patients_cache = (key, result)
        return result

    @property
    def patient_name(self) -> str | None:
        """The chosen person's name, as the Start page lists it."""
        pid = self.patient_id
        if pid is None:
            return "you (your treatment log)" if self.log_path.exists() and not self.uploads() else None
        return next((p.name for p in self.patients() if p.id == pid), pid)

    @property
    def log_path(self) -> Path:
        return self._log_path

    def record_paths(self) -> list[Path]:
        paths = self.uploads()
        if self.log_path.exists():
            paths.append(self.log_path)
        return paths

    # ----- plans --------------------------------------------------------------------------------
    def plan_names(self) -> list[str]:
        return sorted(p.stem for p in (self.root / "plans").glob("*.yaml"))

    def plan_text(self, name: str) -> str:
        path = self.root / "plans" / f"{_SAFE.sub('-', name)}.yaml"
        if not path.exists():
            raise BadInput(f"no saved plan named {name!r}", "create one on the Start page", where="plan")
        return path.read_text()

    def save_plan(self, name: str, text: str) -> str:
        slug = _SAFE.sub("-", name.strip()).strip("-._")[:60] or "plan"
        with self._lock:
            atomic_write_text(self.root / "plans" / f"{slug}.yaml", text)
            self._state["plan"] = slug
            self._save_state()
        return slug

    @property
    def plan_name(self) -> str | None:
        v = self._state.get("plan")
        return v if isinstance(v, str) and v in self.plan_names() else None

    def select_plan(self, name: str) -> None:
        with self._lock:
            self.plan_text(name)
            self._state["plan"] = name
            self._save_state()

    # ----- cases (ids of the store's cases opened from this workspace) ---------------------------
    def remember(self, key: str, value: Any) -> None:
        with self._lock:
            self._state[key] = value
            self._save_state()

    def recall(self, key: str) -> Any:
        return self._state.get(key)
