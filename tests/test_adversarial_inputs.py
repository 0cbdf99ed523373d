"""Hostile and broken values files through the real `binderhub-doctor lint`, each in its own test.

Every file gets one clear finding (exit 1) or one clear error line (exit 2), never a traceback
and never a hang. Inputs built to eat memory or time (bombs, deep nesting, huge files, FIFOs,
devices) go to the real CLI process with a 1 GiB address-space limit (RLIMIT_AS) and a timeout,
so such a file would fail the test instead of the machine; the others run the same `main` in
the test process (support.tools.invoke), with the same exit codes and output. Where Helm's
own behaviour decides what is right (encodings, several documents, tags, keys that are not
strings), the real helm 3 and helm 4 binaries are asked too.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
from pathlib import Path

import pytest

from support.tools import FIXTURES, cli_path, helm_binary, invoke, isolated_helm_env

MEMORY_LIMIT = 1 << 30  # bytes of address space the CLI may use
TIME_LIMIT = 60  # seconds; a hang fails the test (it is a bound, not a benchmark)
NOBODY = 65534


def _limit_memory():
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def lint(*args, cwd=None, as_nobody=False, command="lint", bounded=False):
    """``binderhub-doctor COMMAND *args``: in this process, or with ``bounded`` (or ``as_nobody``)
    as a real process under the memory and time limits."""
    if not (bounded or as_nobody):
        return invoke(command, *args, cwd=cwd)
    argv = [str(cli_path()), command, *map(str, args)]
    if as_nobody:
        argv = [shutil.which("setpriv"), f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", *argv]
    return subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=TIME_LIMIT,
                          preexec_fn=_limit_memory, stdin=subprocess.DEVNULL, check=False)


def findings(run) -> list[dict]:
    assert run.returncode in (0, 1), f"exit {run.returncode}: {run.stderr}"
    assert run.stderr == "", run.stderr
    return json.loads(run.stdout)["findings"]


def only_finding(run, rule: str) -> dict:
    """The one finding of ``rule``; the run exited 1 and printed nothing on stderr."""
    assert run.returncode == 1, f"exit {run.returncode}: {run.stdout}{run.stderr}"
    hits = [f for f in findings(run) if f["rule"] == rule]
    assert len(hits) == 1, findings(run)
    return hits[0]


def one_error_line(run) -> str:
    """A usage error: exit 2, exactly one line on stderr, nothing on stdout, no traceback."""
    assert run.returncode == 2, f"exit {run.returncode}: {run.stdout}{run.stderr}"
    assert run.stdout == ""
    assert "Traceback" not in run.stderr
    lines = run.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("binderhub-doctor: error: "), run.stderr
    return lines[0]


def helm_values(major: int, path: Path, tmp_path: Path):
    """What `helm template -f path` makes of a file: (True, values) or (False, helm's error)."""
    run = subprocess.run(
        [str(helm_binary(major)), "template", "rel", str(FIXTURES / "oracle-chart"), "-f", str(path)],
        env=isolated_helm_env(tmp_path), cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False)
    if run.returncode != 0:
        return False, run.stderr.strip()
    body = [line for line in run.stdout.splitlines()[2:] if line.strip()]
    return True, json.loads(body[0])


def loaded(path: Path) -> dict:
    from binderhub_doctor.values import load_values

    return load_values([str(path)], values_key="", auto_values_key=False).root


# --------------------------------------------------------------------------- size and shape

BILLION_LAUGHS = "".join(
    f"l{level}: &l{level} [{', '.join([f'*l{level - 1}'] * 9) if level else ', '.join(['lol'] * 9)}]\n"
    for level in range(10))


def test_alias_bomb_is_one_finding_in_bounded_time_and_memory(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text(BILLION_LAUGHS)
    finding = only_finding(lint("--format", "json", path, bounded=True), "BHD001")
    assert "anchors and aliases multiply this file out to" in finding["message"]
    assert "alias bomb" in finding["fix"]
    # it points at the first level that alone goes over the limit, not at the top of the file
    assert 1 < finding["line"] <= 10 and finding["file"] == str(path)


@pytest.mark.helm
def test_alias_bomb_is_refused_by_helm_too(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text(BILLION_LAUGHS)
    for major in (3, 4):
        ok, error = helm_values(major, path, tmp_path)
        assert not ok and "excessive aliasing" in error


@pytest.mark.parametrize("shape, text", [
    ("flow lists", "a: " + "[" * 100_000 + "]" * 100_000 + "\n"),
    ("flow mappings", "a: " + "{b: " * 50_000 + "1" + "}" * 50_000 + "\n"),
    ("block mappings", "".join(" " * i + f"k{i}:\n" for i in range(3000)) + " " * 3000 + "v\n"),
    ("block lists", "".join(" " * i + "-\n" for i in range(1500)) + " " * 1500 + "x\n"),
    ("merge keys", "a: " + "{<<: " * 450 + "{x: 1}" + "}" * 450 + "\n"),
    ("just over the limit", "a: " + "[" * 401 + "]" * 401 + "\n"),
])
def test_deep_nesting_is_one_clear_finding(tmp_path, shape, text):
    path = tmp_path / "config.yaml"
    path.write_text(text)
    finding = only_finding(lint("--format", "json", path, bounded=True), "BHD001")
    assert "nested more than 400 levels deep" in finding["message"], shape
    assert finding["line"] >= 1 and finding["column"] >= 1


def test_nesting_just_under_the_limit_is_read(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text("extraConfig:\n  deep: " + "[" * 390 + "]" * 390 + "\n")
    assert not [f for f in findings(lint("--format", "json", path, bounded=True)) if f["rule"] == "BHD001"]


def test_50_mb_file_is_refused_without_reading_it_all(tmp_path):
    path = tmp_path / "config.yaml"
    line = b"  key: a value that repeats to make the file big\n"
    with path.open("wb") as handle:
        handle.write(b"config:\n")
        handle.write(line * (50 * 1024 * 1024 // len(line)))
    finding = only_finding(lint("--format", "json", path, bounded=True), "BHD007")
    assert "larger than 8 MiB" in finding["message"] and finding["line"] == 1


def test_many_values_under_the_size_limit_stop_at_the_value_limit(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text("extraConfig:\n" + "".join(f"  k{i}: {i}\n" for i in range(300_000)))
    assert path.stat().st_size < 8 * 1024 * 1024
    finding = only_finding(lint("--format", "json", path, bounded=True), "BHD001")
    assert "more than 250,000 values" in finding["message"]


@pytest.mark.slow
def test_very_long_lines_are_read_and_never_echoed(tmp_path):
    def write(value: str) -> Path:
        path = tmp_path / f"{len(value)}" / "config.yaml"
        path.parent.mkdir()
        path.write_text(f"config:\n  BinderHub:\n    image_prefix: {value}\n    hub_url: {value}\n")
        return path

    short, long = write("x" * 20), write("x" * (1024 * 1024))
    for fmt in ("text", "json", "sarif", "github"):
        run = lint("--format", fmt, long, bounded=True)
        assert run.returncode == 1 and run.stderr == "" and "image_prefix" in run.stdout
        # the same findings as for short values: no message quotes the 1 MB line
        assert len(run.stdout) - len(lint("--format", fmt, short, bounded=True).stdout) < 2000, fmt


# --------------------------------------------------------------------------- bytes and encodings

def test_nul_byte_is_a_finding_at_its_position(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_bytes(b"config:\n  BinderHub:\n    hub_url: http://a\x00b\n")
    finding = only_finding(lint("--format", "json", path), "BHD001")
    assert (finding["line"], finding["column"]) == (3, 22)
    assert "control characters" in finding["message"] and "NUL" in finding["fix"]


def test_invalid_utf8_is_a_finding_at_the_bad_byte(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_bytes("config:\n  BinderHub:\n    hub_url: ©".encode() + b"\xff\xfe\n")
    finding = only_finding(lint("--format", "json", path), "BHD003")
    assert (finding["line"], finding["column"]) == (3, 15)
    assert "0xff is not valid UTF-8" in finding["message"]


def test_latin1_file_is_a_finding_not_a_crash(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_bytes("config:\n  BinderHub:\n    banner: Café\n".encode("latin-1"))
    assert only_finding(lint("--format", "json", path), "BHD003")["line"] == 3


@pytest.mark.helm
def test_utf16_little_endian_helm3_reads_it_helm4_refuses_it_and_we_say_so(tmp_path):
    text = "config:\n  BinderHub:\n    hub_url: http://192.0.2.1\n"
    path = tmp_path / "config.yaml"
    path.write_bytes(text.encode("utf-16"))  # BOM + little-endian, as Windows PowerShell writes it
    assert path.read_bytes()[:2] == b"\xff\xfe"
    ok3, values3 = helm_values(3, path, tmp_path)
    ok4, error4 = helm_values(4, path, tmp_path)
    assert ok3 and values3 == {"config": {"BinderHub": {"hub_url": "http://192.0.2.1"}}}
    assert not ok4 and "incomplete UTF-16 character" in error4
    finding = only_finding(lint("--format", "json", path), "BHD003")
    assert "UTF-16" in finding["message"] and "Helm 4 refuses it" in finding["message"]
    assert "UTF-8" in finding["fix"]
    assert loaded(path) == values3  # read the way Helm 3 reads it, so the other rules still run


@pytest.mark.helm
def test_utf16_big_endian_with_bom_is_read_like_helm(tmp_path):
    text = "config:\n  BinderHub:\n    hub_url: http://192.0.2.1\n    use_registry: false\n"
    path = tmp_path / "config.yaml"
    path.write_bytes(b"\xfe\xff" + text.encode("utf-16-be"))
    for major in (3, 4):
        ok, values = helm_values(major, path, tmp_path)
        assert ok and values == loaded(path)
    assert not [f for f in findings(lint("--format", "json", path)) if f["rule"] in ("BHD001", "BHD003")]


@pytest.mark.helm
@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-32"])
def test_wide_text_without_a_usable_bom_is_an_encoding_finding(tmp_path, encoding):
    path = tmp_path / "config.yaml"
    path.write_bytes("config:\n  BinderHub:\n    hub_url: http://192.0.2.1\n".encode(encoding))
    for major in (3, 4):
        ok, error = helm_values(major, path, tmp_path)
        assert not ok and "control characters are not allowed" in error
    finding = only_finding(lint("--format", "json", path), "BHD003")
    assert "UTF-16" in finding["message"] or "UTF-32" in finding["message"]


def test_truncated_utf16_is_a_finding(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_bytes("config: {}\n".encode("utf-16")[:-1])
    assert "not valid UTF-16" in only_finding(lint("--format", "json", path), "BHD003")["message"]


@pytest.mark.helm
def test_utf8_bom_is_accepted_like_helm(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_bytes(b"\xef\xbb\xbfconfig:\n  BinderHub:\n    use_registry: false\n")
    ok, values = helm_values(4, path, tmp_path)
    assert ok and values == loaded(path)
    assert not [f for f in findings(lint("--format", "json", path)) if f["rule"] in ("BHD001", "BHD003")]


# --------------------------------------------------------------------------- not a file

def test_directory_without_values_files_is_one_error_line(tmp_path):
    folder = tmp_path / "values"
    folder.mkdir()
    (folder / "notes.txt").write_text("x")
    assert "no values files in this folder" in one_error_line(lint(folder))


def test_fifo_is_refused_without_blocking_on_it(tmp_path):
    fifo = tmp_path / "config.yaml"
    os.mkfifo(fifo)  # opening it for reading would block forever: nothing ever writes to it
    assert "not a regular file" in one_error_line(lint(fifo, bounded=True))


def test_device_is_refused(tmp_path):
    assert "not a regular file" in one_error_line(lint("/dev/zero", bounded=True))


def test_symlink_loop_is_one_error_line(tmp_path):
    (tmp_path / "a.yaml").symlink_to(tmp_path / "b.yaml")
    (tmp_path / "b.yaml").symlink_to(tmp_path / "a.yaml")
    assert "symbolic link loop" in one_error_line(lint(tmp_path / "a.yaml"))


def test_dangling_symlink_is_one_error_line(tmp_path):
    (tmp_path / "config.yaml").symlink_to(tmp_path / "gone.yaml")
    assert "file not found" in one_error_line(lint(tmp_path / "config.yaml"))


@pytest.fixture
def public_dir():
    """A folder nobody can reach (pytest's tmp_path sits under root's 0700 folder)."""
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="bhd-nobody-", dir="/tmp"))
    folder.chmod(0o755)
    yield folder
    for path in [folder, *folder.rglob("*")]:
        if path.is_dir() and not path.is_symlink():
            path.chmod(0o755)
    shutil.rmtree(folder)


# The tests run as root, whom file permissions do not stop; `setpriv` runs the CLI as nobody.
NETWORK_COMMANDS = ["lint", "check-registry", "check-github", "check-gitlab", "doctor"]


@pytest.mark.parametrize("command", NETWORK_COMMANDS)
def test_unreadable_file_is_one_error_line_for_every_command(public_dir, command):
    path = public_dir / "secret.yaml"
    path.write_text("registry:\n  password: hunter2-canary\n")
    path.chmod(0o000)
    run = lint(path, command=command, as_nobody=True, cwd=public_dir)
    line = one_error_line(run)
    assert str(path) in line and "permission denied" in line
    assert "hunter2-canary" not in run.stdout + run.stderr


@pytest.mark.parametrize("command", ["install", "upgrade"])
def test_unreadable_values_file_for_install_and_upgrade_is_one_error_line(public_dir, command):
    path = public_dir / "secret.yaml"
    path.write_text("registry:\n  password: hunter2-canary\n")
    path.chmod(0o000)
    run = lint("binder", "--dry-run", "--devel", "-n", "binder", "-f", path, command=command, as_nobody=True,
               cwd=public_dir)
    line = one_error_line(run)
    assert str(path) in line and "permission denied" in line
    assert "hunter2-canary" not in run.stdout + run.stderr


def test_file_in_an_unreadable_folder_is_one_error_line(public_dir):
    folder = public_dir / "locked"
    folder.mkdir()
    (folder / "secret.yaml").write_text("config: {}\n")
    folder.chmod(0o700)
    line = one_error_line(lint(folder / "secret.yaml", as_nobody=True, cwd=public_dir))
    assert "secret.yaml" in line and "permission denied" in line


def test_unlistable_folder_is_one_error_line(public_dir):
    folder = public_dir / "values"
    folder.mkdir()
    (folder / "secret.yaml").write_text("config: {}\n")
    folder.chmod(0o711)  # enterable, not listable
    line = one_error_line(lint(folder, as_nobody=True, cwd=public_dir))
    assert "permission denied" in line and "values" in line


def test_the_nobody_trick_really_drops_root(public_dir):
    """Without this, the permission tests above could pass for the wrong reason."""
    path = public_dir / "secret.yaml"
    path.write_text("config: {}\n")
    path.chmod(0o000)
    run = subprocess.run([shutil.which("setpriv"), f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups",
                          "cat", str(path)], capture_output=True, text=True, check=False)
    assert run.returncode != 0 and "Permission denied" in run.stderr


# --------------------------------------------------------------------------- content Helm reads its own way

@pytest.mark.helm
def test_empty_file_is_empty_values_as_for_helm(tmp_path):
    """Helm reads an empty file as no values; so do we. The rules then say what is missing,
    all pointing at the empty file. (Exit 0: the missing settings are warnings, and Helm accepts
    the file; --strict makes them fail.)"""
    path = tmp_path / "config.yaml"
    path.write_bytes(b"")
    for major in (3, 4):
        assert helm_values(major, path, tmp_path) == (True, {})
    run = lint("--format", "json", path)
    assert run.returncode == 0 and run.stderr == ""
    found = json.loads(run.stdout)["findings"]
    assert found and all((f["file"], f["line"], f["column"]) == (str(path), 1, 1) for f in found)
    assert lint("--strict", path).returncode == 1


@pytest.mark.helm
def test_several_documents_helm3_reads_the_first_helm4_merges_them_we_warn(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text("config:\n  BinderHub:\n    use_registry: false\n---\nconfig:\n  BinderHub:\n"
                    "    hub_url: http://192.0.2.1\n---\nextraConfig: {}\n")
    ok3, values3 = helm_values(3, path, tmp_path)
    ok4, values4 = helm_values(4, path, tmp_path)
    assert ok3 and values3 == {"config": {"BinderHub": {"use_registry": False}}}
    assert ok4 and values4 == {"config": {"BinderHub": {"use_registry": False, "hub_url": "http://192.0.2.1"}},
                               "extraConfig": {}}
    assert loaded(path) == values3
    run = lint("--format", "json", path)
    warning = [f for f in findings(run) if f["rule"] == "BHD005"]
    assert len(warning) == 1 and warning[0]["severity"] == "warning" and warning[0]["line"] == 4
    assert "Helm 3 reads only the first, Helm 4 merges" in warning[0]["message"]


@pytest.mark.helm
def test_empty_first_document_is_what_helm3_reads(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text("---\n---\nconfig:\n  BinderHub:\n    use_registry: false\n")
    assert helm_values(3, path, tmp_path) == (True, {})
    assert loaded(path) == {}
    assert [f["rule"] for f in findings(lint("--format", "json", path))].count("BHD005") == 1


@pytest.mark.parametrize("command", ["lint", "check-github", "check-gitlab"])
def test_python_tags_are_never_constructed(tmp_path, command):
    marker = tmp_path / "constructed"
    path = tmp_path / "secret.yaml"
    path.write_text(
        f'config:\n  GitHubRepoProvider:\n    access_token: !!python/object/apply:os.system ["touch {marker}"]\n'
        f'  GitLabRepoProvider:\n    private_token: !!python/object/apply:os.system ["touch {marker}"]\n'
        f'  BinderHub:\n    hub_url: !!python/object/new:os.system ["touch {marker}"]\n'
        f'    image_prefix: !!python/name:os.system\n'
        f'extraConfig: !!python/object/apply:subprocess.check_call [["touch", "{marker}"]]\n')
    run = lint(path, command=command, cwd=tmp_path, bounded=True)
    assert not marker.exists(), "a YAML tag ran code"
    assert run.returncode in (1, 2) and "Traceback" not in run.stderr
    if command == "lint":
        assert run.stdout.count("BHD006") == 5


@pytest.mark.helm
def test_tags_are_read_the_way_helm_reads_them(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text('a: !!python/object/apply:os.system ["touch /nonexistent/x"]\nb: !custom 12\nc: !!str 12\n'
                    'd: !!int "12"\ne: !foo {x: 1}\nf: !!binary aGVsbG8=\ng: !!binary |\n  4pyT\n  aGk=\n'
                    '? !!binary a2V5\n: v\n')
    for major in (3, 4):
        ok, values = helm_values(major, path, tmp_path)
        assert ok and values == loaded(path)
    messages = [f["message"] for f in findings(lint("--format", "json", path)) if f["rule"] == "BHD006"]
    assert any("read as an ordinary list" in m for m in messages)
    assert any("read as an ordinary mapping" in m for m in messages)
    assert any("!custom is ignored by Helm; the value is read as plain text" in m for m in messages)


@pytest.mark.helm
def test_invalid_binary_is_a_finding_like_helms_error(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text("extraConfig:\n  a: !!binary aGVsbG8\n")
    for major in (3, 4):
        ok, error = helm_values(major, path, tmp_path)
        assert not ok and "invalid base64" in error
    finding = only_finding(lint("--format", "json", path), "BHD001")
    assert finding["line"] == 2 and "not valid base64" in finding["message"]


@pytest.mark.helm
def test_keys_that_are_not_strings_become_helms_strings(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text("extraConfig:\n  1: int\n  1.5: float\n  0x10: hex\n  0o17: octal\n  -0: negzero\n"
                    "  1e3: exp\n  on: bool\n  2026-01-01: date\n  null_like:\n    Null: x\n")
    # `Null:` is a null key: Helm refuses the file, so split it off for the comparison
    good = tmp_path / "good.yaml"
    good.write_text(path.read_text().replace("  null_like:\n    Null: x\n", ""))
    for major in (3, 4):
        ok, values = helm_values(major, good, tmp_path)
        assert ok and values == loaded(good)
        assert set(values["extraConfig"]) == {"1", "1.5", "16", "15", "0", "1000", "true", "2026-01-01"}
        ok, error = helm_values(major, path, tmp_path)
        assert not ok and "unsupported map key" in error
    finding = only_finding(lint("--format", "json", path), "BHD001")
    assert finding["line"] == 11 and "key is empty or null" in finding["message"]


@pytest.mark.helm
def test_colliding_non_string_keys_are_a_duplicate_key_finding(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text("extraConfig:\n  yes: first\n  true: second\n")
    for major in (3, 4):
        assert helm_values(major, path, tmp_path) == (True, {"extraConfig": {"true": "second"}})
    finding = only_finding(lint("--format", "json", "--strict", path), "BHD002")
    assert finding["line"] == 3 and "first at line 2" in finding["message"]
    assert finding["severity"] == "warning", "Helm installs it (keeping the last key): not an error"


@pytest.mark.helm
def test_list_as_a_key_is_a_finding_like_helms_error(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text("extraConfig:\n  [1, 2]: g\n")
    for major in (3, 4):
        ok, error = helm_values(major, path, tmp_path)
        assert not ok and "invalid map key" in error
    finding = only_finding(lint("--format", "json", path), "BHD001")
    assert finding["line"] == 2 and "mapping key must be a plain value" in finding["message"]


def test_recursive_alias_is_a_finding(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text("extraConfig: &a\n  self: *a\n")
    finding = only_finding(lint("--format", "json", path), "BHD001")
    assert "alias" in finding["message"]
