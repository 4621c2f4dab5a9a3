"""Batch: turn a folder tree into tables on every core, resumable, never losing a document."""

from cnplan.batch.plan import Task, plan
from cnplan.batch.runner import MANIFEST_COLUMNS, Record, Summary, batch, output_names, process

__all__ = ["MANIFEST_COLUMNS", "Record", "Summary", "Task", "batch", "output_names", "plan", "process"]
