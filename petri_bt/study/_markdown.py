"""Front-matter markdown: kept as an alias of `petri_bt._dimensions` for `study._spec`."""

from petri_bt._dimensions import FrontMatterError, read_front_matter

__all__ = ["FrontMatterError", "read_front_matter"]
