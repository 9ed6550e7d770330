"""Dask clusters: a local one (``--workers N``) or an existing one (``--scheduler ADDRESS``).

A cluster that already runs (on Kubernetes, YARN, Slurm/PBS through Dask's own deployment
projects) is reached by its scheduler address; a local one is a ``LocalCluster`` of N single-thread
worker processes. Every worker must read the index folder at the same path: :func:`check_workers`
asks each worker before any task runs and names the ones that cannot. :func:`joblib_on_dask` runs
joblib's ``Parallel`` (encoders/parallel.py) on the cluster's workers.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..errors import ArtifactError, InvalidInputError

__all__ = ["check_workers", "dashboard_link", "joblib_on_dask", "open_client"]

logger = logging.getLogger(__name__)

# One thread per worker process for the ONNX encoder too (Dask already gives BLAS one): N workers
# on N cores, not N x N threads. Set the same on the workers of an existing cluster.
WORKER_ENV = {"RECOMMENDER_ONNX_THREADS": "1"}


@contextlib.contextmanager
def open_client(workers: int | None = None, scheduler: str | None = None, *, timeout: float = 10.0) -> Iterator[Any]:
    """A ``distributed.Client`` on a new local cluster of ``workers`` processes, or on ``scheduler``."""
    if (workers is None) == (scheduler is None):
        raise InvalidInputError("give either --workers N (a local cluster) or --scheduler ADDRESS, not both")
    from distributed import Client, LocalCluster

    if scheduler is not None:
        try:
            client = Client(scheduler, timeout=f"{timeout}s")
        except (OSError, TimeoutError) as exc:
            raise InvalidInputError(
                f"no Dask scheduler answers at {scheduler} within {timeout:g} s ({exc}); start one with "
                "`dask scheduler` (and `dask worker ADDRESS` on each machine) or check the address"
            ) from None
        with client:
            yield client
        return
    if not isinstance(workers, int) or workers < 1:
        raise InvalidInputError(f"--workers must be a positive number of processes, got {workers!r}")
    dashboard = ":0" if _has_bokeh() else None  # the dashboard needs bokeh; without it Dask runs the same
    with (
        LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=dashboard,
            silence_logs=logging.ERROR, env=WORKER_ENV,
        ) as cluster,  # fmt: skip
        Client(cluster) as client,
    ):
        yield client


def _has_bokeh() -> bool:
    try:
        import bokeh  # noqa: F401
    except ImportError:
        return False
    return True


def dashboard_link(client: Any) -> str | None:
    """The Dask dashboard's address, when the scheduler serves one."""
    try:
        return client.dashboard_link if client.scheduler_info().get("services", {}).get("dashboard") else None
    except Exception:  # the link is a courtesy: never fail a run for it
        return None


def _can_read(version: str, sha256: str) -> str | None:
    """Run on each worker: None when the index at ``version`` is there and is the client's, else why not."""
    import os
    import socket

    from .partition import index_fingerprint

    where = f"{socket.gethostname()} (pid {os.getpid()})"
    try:
        found = index_fingerprint(Path(version))
    except OSError as exc:
        return f"{where} cannot read the index at {version}: {exc.strerror or exc}"
    if found != sha256:
        return f"{where} sees a different index at {version} (manifest sha256 {found[:12]}, client {sha256[:12]})"
    return None


def check_workers(client: Any, version: str, sha256: str, *, timeout: float = 60.0) -> int:
    """Check that every worker reads the index at ``version``; return how many workers there are."""
    try:
        client.wait_for_workers(1, timeout=timeout)
    except TimeoutError:
        raise InvalidInputError(f"the Dask cluster has no worker after {timeout:g} s; start some workers") from None
    answers = client.run(_can_read, version, sha256)
    problems = [f"worker {address}: {why}" for address, why in sorted(answers.items()) if why]
    if problems:
        raise ArtifactError(
            "every Dask worker must read the index folder at the same path as the client (a shared or copied "
            "file system); " + "; ".join(problems)
        )
    return len(answers)


@contextlib.contextmanager
def joblib_on_dask(client: Any) -> Iterator[None]:
    """Inside this block joblib's ``Parallel`` sends its tasks to ``client``'s Dask workers."""
    import joblib

    with joblib.parallel_config(backend="dask", client=client):  # this client, not a second connection
        yield
