"""Errors every command shares."""

from __future__ import annotations

from contextlib import contextmanager

import click

from .invocation import as_invoked, program_name

__all__ = ["EXIT_FINDINGS", "EXIT_OK", "EXIT_USAGE", "UsageProblem", "program_name"]

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


class UsageProblem(click.ClickException):
    """Unusable input or invocation: one clear line on stderr, exit 2."""

    exit_code = EXIT_USAGE

    def show(self, file=None) -> None:
        from .printable import printable  # one line, whatever the message quotes

        click.echo(f"{program_name()}: error: {printable(as_invoked(self.format_message()))}", err=True)


@contextmanager
def usage_errors(*kinds: type[Exception]):
    """Inside: an exception of ``kinds`` (a lower layer's own "this input is unusable", such as
    probes.ProbeInputError) leaves as a UsageProblem with the same one-line message."""
    try:
        yield
    except kinds as exc:
        raise UsageProblem(str(exc)) from None

