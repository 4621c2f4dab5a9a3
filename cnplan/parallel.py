"""Map a function over items on a pool of processes, or in-process for one job."""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


def default_jobs() -> int:
    """All the cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _quiet_worker() -> None:
    """Workers leave Ctrl-C to the parent, which stops them."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def pool_map(
    func: Callable[[T], R],
    items: Sequence[T],
    jobs: int,
    ordered: bool = True,
    warm: Callable[[], object] | None = None,
) -> Iterator[R]:
    """func over items: in this process for one job or item, else on a pool (results in order if ordered).

    ``warm`` runs once in the parent before the workers start (a dictionary cache built once, then
    inherited by forked workers). Ctrl-C or an error stops the workers at once.
    """
    jobs = min(jobs, len(items))
    if jobs <= 1:
        yield from map(func, items)
        return
    if warm is not None:
        warm()
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    pool = context.Pool(jobs, initializer=_quiet_worker)
    try:
        mapper = pool.imap if ordered else pool.imap_unordered
        yield from mapper(func, items, chunksize=1)
        pool.close()
    except BaseException:
        pool.terminate()
        raise
    finally:
        pool.join()
