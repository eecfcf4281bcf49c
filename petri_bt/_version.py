"""petri_bt's version (one home: the package root and the exporter's metadata read it)."""

__version__ = "0.1.0"
