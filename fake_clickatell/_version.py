"""The package version (one place: the CLI, the banner and the public API read it)."""

__version__ = "0.1.0"
