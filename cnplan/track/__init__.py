"""Track: link each target to the figure that later reports on it, and say whether it was met."""

from cnplan.track.link import TRACK_COLUMNS, track_frame, track_table

__all__ = ["TRACK_COLUMNS", "track_frame", "track_table"]
