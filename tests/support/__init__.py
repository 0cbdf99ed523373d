"""Helpers shared by the test suite (paths, real helm binaries, running the CLI)."""
