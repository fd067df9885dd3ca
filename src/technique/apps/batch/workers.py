"""The engines a batch runs its jobs on: local worker processes (``--engine local``) or a Dask cluster
(``--engine dask``). Each worker has its own pose estimator; results come back as plain values."""

from __future__ import annotations

import os
import sys
from typing import Callable

from technique.apps.batch.jobs import ClipJob, ClipResult, failed, score_one
from technique.apps.batch.screen import Progress

# Native thread pools a worker limits to one thread each: N workers on N cores, no oversubscription.
THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "TF_NUM_INTRAOP_THREADS",
                    "TF_NUM_INTEROP_THREADS")


_worker_progress = {"queue": None, "parent": None}  # set once per local worker process by _init_worker


def _init_worker(queue, threads: int, parent: int | None = None) -> None:
    """Local worker start-up: dies with the batch, one thread per native pool, a queue for progress."""
    if parent is not None:
        _die_with_parent(parent)
    for name in THREAD_VARIABLES:
        os.environ.setdefault(name, str(threads))
    try:
        import cv2

        cv2.setNumThreads(threads)
    except ImportError:
        pass
    _worker_progress["queue"] = queue
    _worker_progress["parent"] = parent


def _die_with_parent(parent: int) -> None:
    """A worker must not outlive its batch (a ``kill -9`` of the batch would leave it scoring and
    publishing, with 500 MB each): on Linux the kernel kills it when the batch dies (PR_SET_PDEATHSIG);
    everywhere, it exits at once if the batch is already gone (and _exit_if_orphaned checks again)."""
    if sys.platform.startswith("linux"):
        import ctypes
        import signal

        try:
            ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGKILL))  # 1 = PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
    _exit_if_orphaned()


def _exit_if_orphaned() -> None:
    """In a local worker whose batch has died (it has a new parent), stop now, publishing nothing."""
    parent = _worker_progress["parent"]
    if parent is not None and os.getppid() != parent:
        os._exit(1)


def _score_in_worker(job: ClipJob) -> ClipResult:
    """score_one with frame progress sent to the coordinator (local engine)."""
    queue = _worker_progress["queue"]
    if queue is None:
        return score_one(job, before_publish=_exit_if_orphaned)
    pid, last = os.getpid(), [0]

    def progress(done: int, total: int) -> None:
        if done - last[0] >= 10 or done == total:
            _exit_if_orphaned()
            last[0] = done
            try:
                queue.put_nowait((pid, job.path, done, total))
            except Exception:  # progress is a nicety; never fail a clip over it
                pass

    try:
        return score_one(job, progress, _exit_if_orphaned)
    finally:
        try:
            queue.put_nowait((pid, job.path, None, None))
        except Exception:
            pass


def run_local(jobs: list[ClipJob], workers: int, on_result: Callable[[ClipResult], None],
              progress: Progress | None = None, threads: int = 1) -> None:
    """Worker processes (spawned: MediaPipe's threads don't survive fork), each with its own estimator.

    A worker that dies (a native crash on one strange file) breaks the pool: the clips it was
    running are retried once in a fresh pool, then reported as an internal error.
    """
    import multiprocessing
    import threading
    from concurrent.futures import ProcessPoolExecutor, as_completed
    from concurrent.futures.process import BrokenProcessPool

    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    drain = threading.Thread(target=_drain, args=(queue, progress), daemon=True)
    drain.start()
    pending, tries = list(jobs), {job.key: 0 for job in jobs}
    try:
        while pending:
            crashed = []
            pool = ProcessPoolExecutor(max_workers=min(workers, len(pending)), mp_context=context,
                                       initializer=_init_worker, initargs=(queue, threads, os.getpid()))
            try:
                futures = {pool.submit(_score_in_worker, job): job for job in pending}
                for future in as_completed(futures):
                    job = futures[future]
                    try:
                        result = future.result()
                    except BrokenProcessPool:
                        tries[job.key] += 1
                        if tries[job.key] < 2:
                            crashed.append(job)
                            continue
                        result = failed(job, "internal error: the worker process crashed on this clip",
                                         transient=True)
                    except Exception as exc:  # e.g. a result that can't be sent back
                        result = failed(job, f"internal error: {type(exc).__name__}: {exc}", transient=True)
                    on_result(result)
            finally:  # on Ctrl-C, don't start the clips still waiting
                pool.shutdown(wait=True, cancel_futures=True)
            pending = crashed
    finally:
        queue.put(None)
        drain.join(timeout=5)


def _drain(queue, progress: Progress | None) -> None:
    while True:
        try:
            message = queue.get()
        except (EOFError, OSError):
            return
        if message is None:
            return
        if progress is not None:
            progress.frames(*message)


def run_dask(jobs: list[ClipJob], scheduler: str | None, workers: int,
             on_result: Callable[[ClipResult], None]) -> None:
    """The same score_one on a Dask distributed cluster (a local one if no scheduler is given)."""
    from distributed import Client, LocalCluster, as_completed

    cluster = None
    if scheduler:
        client = Client(scheduler, timeout="30s")
    else:
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)
        client = Client(cluster)
    try:
        futures = client.map(score_one, jobs, pure=False, key=[f"technique-{job.key}" for job in jobs])
        by_key = {future.key: job for future, job in zip(futures, jobs)}
        for future in as_completed(futures):
            job = by_key[future.key]
            try:
                result = future.result()
            except Exception as exc:  # a worker lost (KilledWorker), or the result could not travel
                result = failed(job, f"internal error: {type(exc).__name__}: {exc}", transient=True)
            future.release()
            on_result(result)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
