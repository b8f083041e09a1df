"""Running a screen: phase one (partition) then phase two (check), on local processes or Dask."""

from __future__ import annotations

import math
import multiprocessing
import os
import shutil
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, TypeVar

from backcover import catalog
from backcover.engine import resolve_insurer
from backcover.errors import BadInput
from backcover.knowledge import Knowledge
from backcover.screen._check import PartitionResult, Question, check_partition, warm
from backcover.screen._output import Summary, combine
from backcover.screen._partition import ChunkResult, input_files, partition_chunk, plan_chunks, private_dir
from backcover.vocab import parse_payer, parse_state

__all__ = ["Engine", "ScreenResult", "screen", "validate_question"]

Engine = Literal["local", "dask"]
# About this many input bytes per partition: small enough that one partition's people fit easily in a
# worker's memory, large enough that there are few files. The count grows with the input size.
PARTITION_BYTES = 16 * 1024 * 1024

T = TypeVar("T")
Progress = Callable[[str, int, int], None]


@dataclass(slots=True)
class ScreenResult:
    summary: Summary
    output: Path
    seconds: float
    engine: str
    workers: int
    partitions: int
    warnings: list[str] = field(default_factory=list)
    resources: int = 0  # resources (lines) in the inputs' NDJSON files
    unread: int = 0  # of them, those no criterion can read, left out after phase one

    def to_json(self) -> dict[str, Any]:
        out = self.summary.to_json()
        out.update(
            {
                "seconds": round(self.seconds, 3),
                "output": str(self.output),
                "engine": self.engine,
                "workers": self.workers,
                "partitions": self.partitions,
                "resources": {"read": self.resources, "not_needed": self.unread},
                "warnings": self.warnings,
            }
        )
        return out


def validate_question(question: Question) -> Question:
    """The question with its payer, state and setting checked (bad input before any work is done)."""
    payer = parse_payer(question.payer)
    state = parse_state(question.state) if question.state else None
    proc, setting = catalog.resolve(question.procedure, question.setting)
    named = resolve_insurer(question.insurer, payer, Knowledge.packaged())
    return Question(
        proc.code, str(payer), setting, state, question.as_of, named.slug if named is not None else None
    )


class _Runner:
    """Maps a function over arguments on local worker processes, in this process, or on Dask."""

    def __init__(self, engine: Engine, workers: int, scheduler: str | None) -> None:
        self.engine = engine
        self.workers = workers
        self._pool: ProcessPoolExecutor | None = None
        self._client: Any = None
        self._cluster: Any = None
        if engine == "dask":
            try:
                from dask.distributed import Client, LocalCluster
            except ImportError:  # pragma: no cover - dask is a dependency
                raise BadInput("Dask is not installed", "pip install 'dask[distributed]'") from None
            if scheduler:
                try:
                    self._client = Client(scheduler, timeout="10s")  # type: ignore[no-untyped-call]
                except (OSError, TimeoutError) as exc:
                    raise BadInput(
                        f"cannot reach the Dask scheduler ({type(exc).__name__})",
                        "check the address (tcp://host:8786) and that the scheduler runs",
                        where="--scheduler",
                    ) from None
            else:
                self._cluster = LocalCluster(  # type: ignore[no-untyped-call]
                    n_workers=workers,
                    threads_per_worker=1,
                    processes=True,
                    host="127.0.0.1",
                    dashboard_address=None,
                )
                self._client = Client(self._cluster)  # type: ignore[no-untyped-call]
        elif workers > 1:
            self._pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"))

    def map(
        self, fn: Callable[..., T], args: Sequence[tuple[Any, ...]], on_done: Callable[[int], None]
    ) -> list[T]:
        if self._client is not None:
            futures = [self._client.submit(fn, *a, pure=False) for a in args]
            from dask.distributed import as_completed

            for done, _ in enumerate(as_completed(futures), start=1):  # type: ignore[no-untyped-call]
                on_done(done)
            return list(self._client.gather(futures))
        if self._pool is not None:
            pending: list[Future[T]] = [self._pool.submit(fn, *a) for a in args]
            for n, fut in enumerate(pending, start=1):
                fut.result()
                on_done(n)
            return [f.result() for f in pending]
        results: list[T] = []
        for n, a in enumerate(args, start=1):
            results.append(fn(*a))
            on_done(n)
        return results

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
        if self._client is not None:
            self._client.close()
        if self._cluster is not None:
            self._cluster.close()


def screen(
    inputs: Sequence[Path],
    question: Question,
    out: Path,
    *,
    workers: int | None = None,
    engine: Engine = "local",
    scheduler: str | None = None,
    progress: Progress | None = None,
) -> ScreenResult:
    """Screen every Patient of the inputs; write one Parquet row per patient to ``out``."""
    started = time.monotonic()
    question = validate_question(question)
    files, warnings = input_files(inputs)
    workers = max(1, workers or os.cpu_count() or 1)
    total = sum(f.stat().st_size for f in files)
    partitions = max(2 * workers, math.ceil(total / PARTITION_BYTES))
    out = Path(out)
    if out.exists() and out.is_dir():
        raise BadInput("the output is a folder", "give a file name ending in .parquet", str(out), "--out")
    if engine == "local":
        warm(question)  # worker processes fork from here with the knowledge already parsed
    spill = private_dir(out.resolve().parent)
    runner = _Runner(engine, workers, scheduler)
    report = progress or (lambda phase, done, of: None)
    try:
        chunks = plan_chunks(files)
        phase1: list[ChunkResult] = runner.map(
            partition_chunk,
            [(c, i, partitions, str(spill)) for i, c in enumerate(chunks)],
            lambda n: report("partition", n, len(chunks)),
        )
        resources, unread = sum(r.lines for r in phase1), sum(r.unread for r in phase1)
        jobs = _jobs(phase1, partitions, warnings)
        results: list[PartitionResult] = runner.map(
            check_partition,
            [(p, files_, bundles, question, str(spill)) for p, files_, bundles in jobs],
            lambda n: report("check", n, len(jobs)),
        )
        parts = [r.output for r in sorted(results, key=lambda r: r.index) if r.output]
        for r in results:
            warnings.extend(r.warnings)
        if not parts and not any(r.patients for r in results):
            raise BadInput(
                "the inputs hold no Patient resources",
                "a bulk export needs its Patient.ndjson file beside the other resource files",
                ", ".join(str(p) for p in inputs),
            )
        summary = combine(parts, out, question.as_of)
    finally:
        runner.close()
        shutil.rmtree(spill, ignore_errors=True)
    seconds = time.monotonic() - started
    return ScreenResult(summary, out, seconds, engine, workers, partitions, warnings, resources, unread)


def _jobs(
    phase1: Iterable[ChunkResult], partitions: int, warnings: list[str]
) -> list[tuple[int, list[str], list[str]]]:
    """Each partition's files (the shared resources first), and its whole Bundles."""
    shared: list[str] = []
    spills: dict[int, list[str]] = {}
    bundles: dict[int, list[str]] = {}
    for r in phase1:
        warnings.extend(r.warnings)
        if r.shared:
            shared.append(r.shared)
        for p, f in r.spills.items():
            spills.setdefault(p, []).append(f)
        for p, bs in r.bundles.items():
            bundles.setdefault(p, []).extend(bs)
    return [
        (p, [*shared, *spills.get(p, [])], bundles.get(p, []))
        for p in range(partitions)
        if p in spills or p in bundles
    ]
