"""`values`: the merged values exactly as Helm passes them to the BinderHub chart.

The files are read and merged as `lint` reads and merges them (`-f` order, the values key of a
meta-chart, secret files), then printed as YAML, or with `--format json` as Helm's `toJson`
prints them. Every secret is redacted. A file Helm would refuse is one error line (exit 2): there
are no values to show then.

Exit codes: 0 printed, 2 unusable input (including a values file Helm refuses).
"""

from __future__ import annotations

import sys

import click

from ..errors import EXIT_OK, UsageProblem
from ..inputs import InputError, load, load_config_for, value_files
from ..secrets import is_secret_path, redacted
from ..values import Values
from . import SECRET_FILE_HELP


@click.command("values")
@click.argument("files", nargs=-1, type=click.Path(readable=False))
@click.option("--format", "fmt", type=click.Choice(["yaml", "json"]), default="yaml", show_default=True,
              help="yaml, or json as Helm's toJson prints the values (numbers as float64).")
@click.option("--show-origin", is_flag=True,
              help="Say where each value was written: `# file:line` in YAML; in JSON an object "
                   "{\"origins\": {path: \"file:line\"}, \"values\": …}.")
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write to this file instead.")
@click.option("--secret-file", "secret_files", multiple=True, type=click.Path(readable=False),
              help=SECRET_FILE_HELP)
@click.option("--values-key", help="Show the BinderHub values found under this key of a meta-chart (e.g. binderhub).")
@click.option("--no-values-key", is_flag=True, help="Do not detect a meta-chart key automatically.")
@click.option("--config", "config_file", type=click.Path(readable=False),
              help="Config file (default: .binderhub-doctor.yaml found upwards).")
def command(files, fmt, show_origin, output, secret_files, values_key, no_values_key, config_file):
    """Print the merged values as Helm passes them to the chart (secrets redacted).

    FILES are merged in order, as `helm -f A -f B` merges them; a folder stands for its
    *secret*.yaml, config*.yaml and values*.yaml files, secret files first.
    """
    from ..values_output import to_go_json, to_yaml

    try:
        values = load(value_files(list(files)), load_config_for(config_file), list(secret_files),
                      "" if no_values_key else values_key)
    except InputError as exc:
        raise UsageProblem(str(exc)) from None
    refuse_unreadable(values)
    shown = redact(values.data, values.prefix)
    origin = (lambda path: where(values, path)) if show_origin else None
    if fmt == "json":
        text = to_go_json(shown) if origin is None else (
            '{"origins":' + to_go_json(origins(shown, origin)) + ',"values":' + to_go_json(shown) + "}")
        text += "\n"
    else:
        text = to_yaml(shown, origin)
    if output:
        from pathlib import Path

        from ..output import redact as redact_text
        from ..output_files import OutputError, write_output

        try:
            write_output(Path(output), redact_text(text))
        except OutputError as exc:
            raise UsageProblem(str(exc)) from None
    else:
        sys.stdout.write(text)
    sys.exit(EXIT_OK)


def refuse_unreadable(values: Values) -> None:
    """Helm refuses a file with a fatal problem (not, say, a duplicate key), and reads nothing
    from a skipped one."""
    from ..documents import FATAL_PROBLEMS

    for doc in values.documents:
        if doc.skipped:
            raise UsageProblem(f"{doc.file}: {doc.skipped}; Helm cannot read it either: pass the decrypted file")
        if doc.encrypted:
            raise UsageProblem(f"{doc.file}: encrypted ({doc.encrypted}); Helm would get the ciphertext: "
                               "pass the decrypted file")
        for problem in doc.problems:
            if problem.rule in FATAL_PROBLEMS and problem.severity == "error":
                where = doc.file if problem.position is None else \
                    f"{doc.file}:{problem.position.line}:{problem.position.column}"
                raise UsageProblem(f"{where}: Helm refuses this file: {problem.message}")


def redact(value, path: tuple):
    """A copy of the values with every secret replaced by its redacted stand-in."""
    if isinstance(value, dict):
        return {key: redact(item, path + (key,)) for key, item in value.items()}
    if isinstance(value, list):
        return [redact(item, path + (index,)) for index, item in enumerate(value)]
    if is_secret_path(path) and value is not None:
        return redacted(value)
    return value


def where(values: Values, path: tuple) -> str | None:
    position = values.value_origin(path)
    return None if position is None else f"{position.file}:{position.line}"


def origins(value, origin, path: tuple = ()) -> dict:
    """{display path: file:line} for every leaf (and empty collection)."""
    from ..values import format_path

    found: dict = {}
    if isinstance(value, (dict, list)) and value:
        items = value.items() if isinstance(value, dict) else enumerate(value)
        for key, item in items:
            found.update(origins(item, origin, path + (key,)))
    elif path:
        place = origin(path)
        if place is not None:
            found[format_path(path)] = place
    return found
