"""cnplan on a Dask cluster: batches run on a scheduler, and lazy bags and frames for notebooks.

Needs the `dask` extra (`pip install "cnplan[dask]"`); imported only when used. Workers must see the
input and output folders at the same paths as the client (one machine, or a shared file system).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from cnplan.errors import CnplanError
from cnplan.extract.table import COLUMNS, FileRows, _extract_file, values_frame, warm_up
from cnplan.match.matcher import Matcher
from cnplan.read import MAX_SIZE, walk

NEEDS = 'Dask needs: pip install "cnplan[dask]"'
FILES_PER_TASK = 8  # documents sent to a worker at a time: few round trips, yet an even spread
WARM_ATTRIBUTE = "cnplan_warm_ups"  # on each worker: how many times it was warmed (once, tested)


def _need(module: str, where: str = "--dask"):
    """A module of the dask extra, or one line saying what to install."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError:
        raise CnplanError(where, NEEDS) from None


def _distributed():
    """The distributed module, or one line saying what to install."""
    return _need("distributed")


def _warm_plugin(matcher: Matcher | None):
    """A worker plugin that loads tokenizer, lexicons and catalog once per worker, when it starts."""
    distributed = _distributed()

    class WarmUp(distributed.WorkerPlugin):
        """Warm a worker once: later tasks find everything loaded."""

        name = "cnplan-warm-up"

        def __init__(self, matcher: Matcher | None) -> None:
            self.matcher = matcher

        def setup(self, worker) -> None:
            """Load what extraction uses and count the warm-up on the worker."""
            warm_up(self.matcher)
            setattr(worker, WARM_ATTRIBUTE, getattr(worker, WARM_ATTRIBUTE, 0) + 1)

    return WarmUp(matcher)


def client_for(address: str, workers: int | None = None):
    """A Client of the scheduler at address (tcp://host:8786), or of a new LocalCluster for "local"."""
    distributed = _distributed()
    if address == "local":
        from cnplan.parallel import default_jobs

        cluster = distributed.LocalCluster(
            n_workers=workers or default_jobs(), threads_per_worker=1, processes=True, dashboard_address=None
        )
        return distributed.Client(cluster)
    try:
        return distributed.Client(address, timeout="20s")
    except (OSError, TimeoutError) as exc:
        raise CnplanError(address, f"no Dask scheduler answers there: {exc}") from None


def _process_chunk(items: list) -> list:
    """Process some batch tasks on a worker: (index, record) of each."""
    from cnplan.batch.runner import process

    return [(i, process(task)) for i, task in items]


def chunks(items: Sequence, size: int) -> list[list]:
    """The items in consecutive lists of at most size."""
    return [list(items[i : i + size]) for i in range(0, len(items), size)]


def run_tasks(tasks: list, address, matcher: Matcher | None = Matcher()) -> Iterator[tuple[int, object]]:
    """(index, record) of batch tasks as they finish on a Dask cluster (address, "local" or a Client).

    Each worker is warmed once; tasks travel in chunks of FILES_PER_TASK; a lost worker's chunks are
    redone by the scheduler, and results already saved as state are reused by a rerun."""
    distributed = _distributed()
    client = address if isinstance(address, distributed.Client) else client_for(address)
    own = client is not address
    try:
        client.register_plugin(_warm_plugin(matcher))
        futures = client.map(_process_chunk, chunks(list(enumerate(tasks)), FILES_PER_TASK), pure=False)
        for _, result in distributed.as_completed(futures, with_results=True):
            yield from result
    finally:
        if own:
            cluster = client.cluster
            client.close()
            if cluster is not None:
                cluster.close()


def _files(paths) -> list[tuple[Path, str]]:
    """(file, doc id) of the paths (files or folders), in the order extraction uses."""
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    return list(walk(paths))


def _frame_of(
    items: Iterable[tuple[Path, str]], matcher: Matcher | None = Matcher(), max_size: int = MAX_SIZE
):
    """The indicator rows of some files as one typed DataFrame (a bad file gives no rows)."""
    values = []
    for item in items:
        got = _extract_file(item, matcher, max_size)
        if isinstance(got, FileRows):
            values.extend(list(r.values()) for r in got.rows)
    return values_frame(values)


def extract_bag(paths, matcher: Matcher | None = Matcher(), files_per_partition: int = FILES_PER_TASK):
    """A dask.bag of indicator rows (dicts with the spec's columns) of files or folders; nothing runs
    until computed. A bad file gives no rows."""
    db = _need("dask.bag", "cnplan.dask")
    files = _files(paths)
    bag = db.from_sequence(files, partition_size=files_per_partition)
    return bag.map_partitions(lambda part: _frame_of(part, matcher).to_dict("records"))


def extract_frame(paths, matcher: Matcher | None = Matcher(), files_per_partition: int = FILES_PER_TASK):
    """A dask.dataframe of the indicator table of files or folders, one partition per batch of files,
    with the spec's columns and dtypes (meta given: building it computes nothing)."""
    dd = _need("dask.dataframe", "cnplan.dask")
    parts = chunks(_files(paths), files_per_partition) or [[]]
    return dd.from_map(_frame_of, parts, matcher=matcher, meta=table_meta(), enforce_metadata=False)


def table_meta():
    """An empty indicator table with the dtypes of a real one (the meta of extract_frame)."""
    from cnplan.extract.table import extract_text

    rows = extract_text("到2025年，高新技术企业达到5家。", "", None)
    return values_frame([list(r.values()) for r in rows])[COLUMNS].iloc[:0]
