"""A scoring run into a folder: plan, resume, run the partitions (here or on Dask), keep the manifest.

:func:`score_to_folder` plans the partitions (or, with ``resume``, reads the plan back and keeps
the partitions whose files verify), runs the rest in this process or as Dask tasks (each with
``retries``: a task whose worker dies runs again elsewhere), records each finished partition in the
manifest at once, and reports. A failed partition (its input vanished, its rows unreadable) is
recorded with its error; the others still run, and the run then raises naming it, so nothing is
lost silently and ``resume`` redoes only what is missing.
"""

from __future__ import annotations

import logging
import shutil
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from ..errors import InvalidInputError, RecommenderError
from ..matching.filters import Filters
from ..store.artifacts import resolve_version
from .manifest import MANIFEST_FILE, RunTotals, new_manifest, read_manifest, totals, verified_done, write_manifest
from .output import FORMATS
from .partition import PartitionTask, index_fingerprint, run_partition
from .plan import describe_inputs, plan_partitions, resolve_inputs

__all__ = ["RunOptions", "score_to_folder"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RunOptions:
    """How to score: what each posting gets, and how the inputs are read and cut."""

    k: int = 10
    filters: Filters = field(default_factory=Filters)
    explain: bool = False
    file_format: str = "parquet"
    partition_size: int = 1000
    mapping: Mapping[str, Sequence[str]] | None = None
    delimiter: str | None = None
    encoding: str = "utf-8"
    retries: int = 3

    def settings(self) -> dict[str, Any]:
        """What must not change between a run and its resumption (recorded in the manifest)."""
        return {
            "k": self.k, "filters": asdict(self.filters), "explain": self.explain, "format": self.file_format,
            "partition_size": self.partition_size, "mapping": {k: list(v) for k, v in (self.mapping or {}).items()},
            "delimiter": self.delimiter, "encoding": self.encoding,
        }  # fmt: skip


Progress = Callable[[str, int, int], None]  # (event, partitions, rows): "plan" totals, "done" one partition


def _prepare_folder(out: Path, resume: bool, overwrite: bool) -> None:
    if resume and overwrite:
        raise InvalidInputError("--resume continues a run and --overwrite replaces it: give one of them")
    if out.exists() and not out.is_dir():
        raise InvalidInputError(f"{out} is a file; give a folder for the partition files (or a .jsonl path)")
    has_content = out.is_dir() and any(out.iterdir())
    if resume:
        if not (out / MANIFEST_FILE).exists():
            raise InvalidInputError(f"--resume: {out} holds no {MANIFEST_FILE}, so there is no run to resume")
        return
    if has_content and not overwrite:
        raise InvalidInputError(
            f"the output folder {out} already exists; pass --resume to finish that run, or --overwrite to replace it"
        )
    if has_content:
        if not (out / MANIFEST_FILE).exists():
            msg = f"--overwrite: {out} is not a scoring run's folder (no {MANIFEST_FILE}); not deleting it"
            raise InvalidInputError(msg)
        shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)


def _check_same_run(
    manifest: dict[str, Any], inputs: list[Any], index: dict[str, str], settings: dict[str, Any]
) -> None:
    recorded = [(i["path"], i["bytes"], i["sha256"]) for i in manifest["inputs"]]
    if recorded != [(i.path, i.bytes, i.sha256) for i in inputs]:
        raise InvalidInputError(
            "--resume: the inputs differ from the run's (files, sizes or contents changed); start a new run "
            "with --overwrite"
        )
    if manifest["index"]["sha256"] != index["sha256"]:
        raise InvalidInputError("--resume: the index changed since the run started; start a new run with --overwrite")
    if manifest["settings"] != settings:
        changed = sorted(k for k in settings if manifest["settings"].get(k) != settings[k])
        raise InvalidInputError(
            f"--resume: settings differ from the run's ({', '.join(changed)}); use the same options or --overwrite"
        )


def score_to_folder(
    inputs: Sequence[str | Path],
    out: str | Path,
    *,
    model_dir: str | Path,
    options: RunOptions | None = None,
    resume: bool = False,
    overwrite: bool = False,
    client: Any = None,
    on_progress: Progress | None = None,
) -> RunTotals:
    """Score every posting of ``inputs`` into partition files in ``out``; return the run's totals.

    ``client`` (a ``distributed.Client``) runs the partitions on its Dask workers; without one they
    run in this process. The index at ``model_dir`` is resolved to its live version once, and every
    worker loads that version (checked by the SHA-256 of its manifest).
    """
    options = options or RunOptions()
    if options.file_format not in FORMATS:
        raise InvalidInputError(f"unknown output format {options.file_format!r}; use one of: {', '.join(FORMATS)}")
    out = Path(out)
    paths = resolve_inputs(list(inputs))
    version = resolve_version(model_dir).resolve()
    index = {"path": str(version), "sha256": index_fingerprint(version)}
    _prepare_folder(out, resume, overwrite)
    described = describe_inputs(paths, delimiter=options.delimiter, encoding=options.encoding)
    settings = options.settings()
    if resume:
        manifest = read_manifest(out)
        _check_same_run(manifest, described, index, settings)
        for entry in manifest["partitions"]:
            if entry["status"] == "done" and not verified_done(out, entry):
                logger.warning("partition %s: its file is missing or changed; scoring it again", entry["file"])
                entry["status"] = "pending"
            elif entry["status"] != "done":
                entry["status"] = "pending"
    else:
        partitions = plan_partitions(described, options.partition_size)
        manifest = new_manifest(described, partitions, index=index, settings=settings)
    for stray in out.glob(".part-*.tmp"):  # left by a process killed mid-write; never listed as done
        stray.unlink(missing_ok=True)
    write_manifest(out, manifest)
    entries = manifest["partitions"]
    pending = [e for e in entries if e["status"] != "done"]
    done_rows = sum(e["stop"] - e["start"] for e in entries if e["status"] == "done")
    if on_progress is not None:
        on_progress("plan", len(entries), sum(e["stop"] - e["start"] for e in entries))
        on_progress("done", len(entries) - len(pending), done_rows)
    every = PartitionTask(
        number=0, input_number=0, path="", start=0, stop=0, out_path="", file_format=options.file_format,
        index_version=str(version), index_sha256=index["sha256"], k=options.k, filters=options.filters,
        explain=options.explain, mapping=options.mapping, delimiter=options.delimiter, encoding=options.encoding,
    )  # fmt: skip
    tasks = [
        replace(
            every,
            number=e["number"],
            input_number=e["input"],
            path=described[e["input"]].path,
            start=e["start"],
            stop=e["stop"],
            out_path=str((out / e["file"]).resolve()),
        )
        for e in pending
    ]

    def record(task: PartitionTask, result: dict[str, Any] | None, error: BaseException | None) -> None:
        entry = entries[task.number]
        entry.pop("error", None)
        if error is not None:
            entry["status"] = "failed"
            entry["error"] = str(error) or type(error).__name__
            logger.error("partition %s failed: %s", entry["file"], entry["error"])
        else:
            entry.update(result or {})
        write_manifest(out, manifest)
        if on_progress is not None and error is None:
            on_progress("done", 1, task.stop - task.start)

    if client is None:
        for task in tasks:
            try:
                record(task, run_partition(task), None)
            except RecommenderError as exc:
                record(task, None, exc)
    else:
        _run_on_dask(client, tasks, options.retries, record)
    summary = totals(manifest)
    if summary.partitions_failed:
        failed = [e for e in entries if e["status"] == "failed"]
        raise InvalidInputError(
            f"{len(failed)} of {len(entries)} partitions failed ({summary.rows_out} of {summary.rows_planned} "
            f"rows written); first: {failed[0]['file']}: {failed[0]['error']}; {out / MANIFEST_FILE} lists each; "
            "fix the cause and rerun with --resume"
        )
    return summary


def _run_on_dask(client: Any, tasks: list[PartitionTask], retries: int, record: Callable[..., None]) -> None:
    from distributed import as_completed

    from .cluster import check_workers

    if not tasks:
        return
    check_workers(client, tasks[0].index_version, tasks[0].index_sha256)
    run = uuid.uuid4().hex[:8]  # task keys unique per run: a resumed run on the same cluster never reuses one
    futures = {
        client.submit(run_partition, task, retries=retries, pure=False, key=f"score-{run}-{task.number}"): task
        for task in tasks
    }
    for future in as_completed(futures):
        task = futures[future]
        if future.status == "finished":
            record(task, future.result(), None)
        else:
            record(task, None, future.exception())
        future.release()
