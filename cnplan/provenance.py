"""Provenance of a batch's tables: the cnplan version, the catalog and matching options, date and command."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from importlib.resources import files

from cnplan import __version__
from cnplan.match.matcher import Matcher


def catalog_hash(catalog: str | None) -> str:
    """The first 16 hex digits of the SHA-256 of the catalog file (the bundled one when None)."""
    if catalog is None:
        data = files("cnplan.lexicon").joinpath("indicators.csv").read_bytes()
    else:
        with open(catalog, "rb") as f:
            data = f.read()
    return hashlib.sha256(data).hexdigest()[:16]


def provenance(matcher: Matcher, command: list[str] | None = None, now: dt.datetime | None = None) -> dict:
    """What made a batch's tables: cnplan's version, the catalog, --min-score, when, and the command line."""
    when = (now or dt.datetime.now(dt.timezone.utc)).replace(microsecond=0)
    return {
        "cnplan_version": __version__,
        "catalog": matcher.catalog or "bundled",
        "catalog_sha256": catalog_hash(matcher.catalog),
        "min_score": matcher.min_score,
        "date": when.isoformat(),
        "command": command,
    }


def provenance_json(record: dict) -> str:
    """The provenance as the text of cnplan.json."""
    return json.dumps(record, ensure_ascii=False, indent=2) + "\n"
