"""From command-line arguments to loaded values: which files, in which order, which is secret.

Unusable input raises InputError with one line that names the file and says what to do; the
CLI prints it and exits 2.
"""

from __future__ import annotations

import fnmatch
import os
import stat
from pathlib import Path

from . import chart_pin
from .config import Config, ConfigError, find_config, load_config
from .documents import MAX_BYTES, Document, document_from_bytes, load_document, parse_text
from .invocation import program_name
from .values import Values, build_values, is_secret_filename

DEFAULT_FILES = ("secret.yaml", "config.yaml")
STDIN = "-"  # as in `helm -f -`: the values come from standard input
STDIN_NAME = "<stdin>"  # how findings name it
_VALUES_PATTERNS = ("*secret*.yaml", "*secret*.yml", "config*.yaml", "config*.yml", "values*.yaml", "values*.yml")
# As README names them: files with `secret` anywhere in the name, then config* and values*.
FOLDER_PATTERNS = "*secret*.yaml, config*.yaml, values*.yaml (or .yml)"


class InputError(Exception):
    pass


def value_files(arguments: list[str], cwd: Path | None = None) -> list[Path]:
    """Files in Helm's `-f` order. No arguments: secret.yaml and config.yaml here. A folder: its
    values files, secret files first (as `-f secret.yaml -f config.yaml`)."""
    cwd = cwd or Path.cwd()
    if not arguments:
        found = [Path(name) for name in DEFAULT_FILES if _exists(cwd / name)]
        if not found:
            raise InputError(
                f"no values files given and no secret.yaml or config.yaml in {cwd}; "
                f"pass the files to lint, e.g. `{program_name()} lint secret.yaml config.yaml`")
        return found
    files: list[Path] = []
    if arguments.count(STDIN) > 1:
        raise InputError("`-` (standard input) can be given only once")
    for argument in arguments:
        path = Path(argument)
        if argument != STDIN and _is_dir(path):
            files.extend(_folder_files(path))
        else:
            files.append(path)
    return files


def deployment_folders(arguments: list[str]) -> list[str] | None:
    """The folders when several are given: each is a deployment of its own (`lint staging/ prod/`),
    never merged into one. None for files, or one folder (with override files after it)."""
    folders = [argument for argument in arguments if argument != STDIN and _is_dir(Path(argument))]
    if len(folders) < 2:
        return None
    if len(folders) != len(arguments):
        raise InputError("give either folders (each linted as a deployment of its own) or files (merged as "
                         "one, like helm -f A -f B), not both")
    return folders


def _exists(path: Path) -> bool:
    try:
        path.stat()
    except FileNotFoundError:
        return False
    except OSError:
        return True  # there, but not usable: check_readable says why
    return True


def _is_dir(path: Path) -> bool:
    try:
        return stat.S_ISDIR(path.stat().st_mode)
    except OSError:
        return False  # missing or unreachable: check_readable says which, naming the file


def _folder_files(folder: Path) -> list[Path]:
    try:
        names = sorted(p.name for p in folder.iterdir() if _is_regular(p))
    except PermissionError:
        raise InputError(f"{folder}: permission denied listing this folder; check its permissions") from None
    except OSError as exc:
        raise InputError(f"{folder}: cannot list this folder: {exc.strerror or exc}") from None
    secret = [n for n in names if is_secret_filename(n) and n.endswith((".yaml", ".yml"))]
    rest = [n for n in names if n not in secret and any(fnmatch.fnmatch(n, p) for p in _VALUES_PATTERNS)]
    if not secret and not rest:
        raise InputError(
            f"{folder}: no values files in this folder (looked for {FOLDER_PATTERNS}); "
            "name the files to lint instead")
    return [folder / n for n in secret + rest]


def _is_regular(path: Path) -> bool:
    try:
        return stat.S_ISREG(path.stat().st_mode)
    except OSError:
        return False


def check_readable(path: Path) -> None:
    try:
        info = path.stat()
    except FileNotFoundError:
        raise InputError(f"{path}: file not found") from None
    except PermissionError:
        raise InputError(f"{path}: permission denied; check the file's permissions") from None
    except OSError as exc:
        if exc.errno == 40:  # ELOOP
            raise InputError(f"{path}: symbolic link loop; point the link at a real file") from None
        raise InputError(f"{path}: cannot read: {exc.strerror}") from None
    if stat.S_ISDIR(info.st_mode):
        raise InputError(f"{path}: is a folder with no values files")
    if stat.S_ISFIFO(info.st_mode) and str(path).startswith(("/dev/fd/", "/proc/self/fd/")):
        return  # process substitution, as in `lint <(sops -d secret.enc.yaml) config.yaml`; Helm reads it too
    if not stat.S_ISREG(info.st_mode):
        raise InputError(f"{path}: not a regular file (a pipe or device?); pass a values file")
    if not os.access(path, os.R_OK):
        raise InputError(f"{path}: permission denied; check the file's permissions")


def load_config_for(explicit: str | None, cwd: Path | None = None) -> Config:
    try:
        if explicit:
            path = Path(explicit)
            if not path.is_file():
                raise InputError(f"{path}: config file not found")
            return load_config(path)
        return load_config(find_config(cwd or Path.cwd()))
    except ConfigError as exc:
        raise InputError(str(exc)) from None


_FIND = object()


def load(files: list[Path], config: Config, secret_files: list[str] = (),
         values_key: str | None = None, pin=_FIND, texts: dict | None = None) -> Values:
    """``pin``: the chart next to the files (chart_pin.find_pin), when the caller has found it.
    ``texts``: {path: text} read instead of those files (`lint --diff`'s fixed, unwritten text)."""
    documents = []
    for path in files:
        if texts and path in texts:  # before standard input: `lint --diff -` reads it once, then lints its text
            documents.append(parse_text(texts[path], Document(file=STDIN_NAME if str(path) == STDIN else display_name(path))))
            continue
        if str(path) == STDIN:
            documents.append(_stdin_document())
            continue
        check_readable(path)
        try:
            documents.append(load_document(path, display_name=display_name(path)))
        except PermissionError:
            raise InputError(f"{path}: permission denied; check the file's permissions") from None
        except IsADirectoryError:
            raise InputError(f"{path}: is a folder") from None
        except OSError as exc:
            raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None
    explicit_secret = [STDIN_NAME if s == STDIN else s for s in [*secret_files, *map(str, config.secret_files)]]
    for secret in explicit_secret:
        if not any(os.path.realpath(secret) == os.path.realpath(d.file) for d in documents):
            raise InputError(f"{secret}: --secret-file names a file that is not among the values files")
    key = values_key if values_key is not None else config.values_key
    automatic = values_key is None and config.values_key is None
    pin = chart_pin.find_pin(files) if pin is _FIND else pin
    parent_keys: frozenset = frozenset()
    if pin is not None and pin.values_key and automatic:
        # the deployment's own chart says where BinderHub's values are, and which keys are its own
        key, automatic = pin.values_key, False
    if pin is not None and pin.values_key and key == pin.values_key:
        parent_keys = _own_keys(pin.chart_values, documents) - {pin.values_key}
    return build_values(
        documents,
        secret_files=explicit_secret or None,
        values_key=key or None,
        auto_values_key=automatic,
        parent_keys=parent_keys,
    )


def _stdin_document():
    import sys

    stream = getattr(sys.stdin, "buffer", None)
    if stream is None:
        raise InputError("`-`: standard input is not available; pass a file instead")
    return document_from_bytes(stream.read(MAX_BYTES + 1), STDIN_NAME)


def _own_keys(chart_values: Path, documents) -> frozenset:
    """The top-level keys of a parent chart's own values.yaml (its defaults): those keys are the
    parent chart's, whatever their names, and its templates read them."""
    wanted = os.path.realpath(chart_values)
    for doc in documents:
        if os.path.realpath(doc.file) == wanted:
            return frozenset(map(str, doc.data))
    try:
        return frozenset(map(str, load_document(chart_values).data))
    except OSError:
        return frozenset()


def display_name(path: Path) -> str:
    """How findings name the file: as given, without a leading `./`."""
    text = str(path)
    return text[2:] if text.startswith("./") else text
