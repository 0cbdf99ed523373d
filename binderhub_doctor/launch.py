"""The console script's entry point. Importing the CLI takes a moment (click, yaml, the rules);
a Ctrl-C in that moment ends the way a Ctrl-C later does (cli.run): one line and exit 130, not a
traceback from the import machinery."""

from __future__ import annotations

import sys

EXIT_INTERRUPTED = 128 + 2  # what a shell reports for a command ended by SIGINT


def main() -> None:
    try:
        from .cli import main as run
    except KeyboardInterrupt:
        from .invocation import program_name

        sys.stderr.write(f"{program_name()}: interrupted\n")
        sys.exit(EXIT_INTERRUPTED)
    run()
