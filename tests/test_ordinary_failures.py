"""Ordinary conditions are one line on stderr and exit 2, never "internal error": a config file
that is not UTF-8, has integer keys, is nested 5,000 deep or has a string where a list belongs;
an organisation's rule with a bad regular expression, a catastrophic one, or a missing field;
a report that cannot be written (no space left, permission denied). And `--output` writes
special files (devices, FIFOs, our own stdout) in place, replacing only regular files."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import threading
import time
from pathlib import Path

import pytest

from support.tools import REPO_ROOT, cli_path, invoke

EXAMPLE = REPO_ROOT / "examples" / "needs-attention"
ORG_RULE = """\
rules:
  - id: ORG001
    name: org-rule
    severity: warning
    summary: An organisation's rule.
    why: Because.
    fix: Fix it.
    check: {check}
"""


@pytest.fixture
def work(tmp_path):
    for name in ("secret.yaml", "config.yaml"):
        shutil.copy(EXAMPLE / name, tmp_path / name)
    return tmp_path


def assert_one_line_exit_2(result, *phrases):
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("binderhub-doctor: error: "), lines[0]
    assert "internal error" not in lines[0] and "Traceback" not in result.stderr
    for phrase in phrases:
        assert phrase in lines[0], lines[0]


# --------------------------------------------------------------------------- .binderhub-doctor.yaml

CONFIG_FILES = {
    "not UTF-8": (b"ignore: [\xff\xfe]\n", "not UTF-8"),
    "integer keys": (b"1: 2\n", "setting names must be strings"),
    "nested 5,000 deep": (b"select: " + b"[" * 5000 + b"]" * 5000 + b"\n", "nested too deeply"),
    "mapping nested 5,000 deep": (b"per-file-ignores: " + b"{a: " * 5000 + b"1" + b"}" * 5000 + b"\n",
                                  "nested too deeply"),
    "mapping where a list belongs": (b"select: {BHD2: x}\n", "select must be a list of strings"),
    "list where a string belongs": (b"values-key: [binderhub]\n", "values-key must be a string"),
    "nested list in per-file-ignores": (b'per-file-ignores: {"config.yaml": [[BHD202]]}\n', "per-file-ignores"),
    "integer severity key with a list": (b"severity: {1: [error]}\n", "severity must map"),
}


@pytest.mark.parametrize("case", sorted(CONFIG_FILES))
def test_a_broken_config_file_is_one_line_and_exit_2(work, case):
    content, phrase = CONFIG_FILES[case]
    (work / ".binderhub-doctor.yaml").write_bytes(content)
    assert_one_line_exit_2(invoke("lint", cwd=work), ".binderhub-doctor.yaml", phrase)


def test_a_string_in_per_file_ignores_is_one_rule_id(work):
    """Iterated letter by letter, `BHD505` became `B`, `H`, `D`... and `B` silenced every rule."""
    (work / ".binderhub-doctor.yaml").write_text('per-file-ignores: {"config.yaml": BHD202}\n')
    result = invoke("lint", "--format", "json", cwd=work)
    assert result.returncode == 0, result.stderr
    rules = {f["rule"] for f in json.loads(result.stdout)["findings"]}
    assert "BHD202" not in rules
    assert {"BHD305", "BHD503"} <= rules, rules


# --------------------------------------------------------------------------- organisation rules

ORG_RULES = {
    "bad regex": ('{kind: pattern, path: config.BinderHub.image_prefix, match: "([a-"}',
                  "ORG001: check.match: not a usable regular expression"),
    "look-around": ('{kind: pattern, path: config.BinderHub.image_prefix, forbid: "(?<=a)b"}',
                    "ORG001: check.forbid: not a usable regular expression"),
    "bad regex in a condition": ("{kind: required, path: config.BinderHub.hub_url}\n"
                                 "    when: [{path: config.BinderHub.image_prefix, matches: '(x'}]",
                                 "ORG001: when[0].matches: not a usable regular expression"),
    "pattern without match or forbid": ("{kind: pattern, path: config.BinderHub.image_prefix}",
                                        "needs `match` or `forbid`"),
    "pattern without a path": ('{kind: pattern, match: "x"}', "check.path: missing; kind pattern needs it"),
    "agree without other": ("{kind: agree, path: config.BinderHub.image_prefix}", "check.other: missing"),
    "type without a type": ("{kind: type, path: config.BinderHub.image_prefix}", "check.type: missing"),
    "schema without a schema": ("{kind: schema, path: config}", "check.schema: missing"),
    "builtin without a function": ("{kind: builtin}", "check.function: missing"),
    "a list where a path belongs": ("{kind: forbidden, path: [[a]]}", "check.path: [['a']] is not of type 'string'"),
}


@pytest.mark.parametrize("case", sorted(ORG_RULES))
def test_a_broken_organisation_rule_is_one_line_and_exit_2(work, case):
    check, phrase = ORG_RULES[case]
    (work / "org").mkdir()
    (work / "org" / "rules.yaml").write_text(ORG_RULE.format(check=check))
    assert_one_line_exit_2(invoke("lint", "--rules", "org", cwd=work), "org/rules.yaml", phrase)


def test_a_catastrophic_organisation_pattern_does_not_hang_lint(work):
    """`^(a|a)*$` against 40 `a`s and a `b`: Python's backtracking engine tries 2**40 ways (days);
    RE2 answers in linear time, on 100,000 characters too."""
    (work / "org").mkdir()
    (work / "org" / "rules.yaml").write_text(ORG_RULE.format(
        check='{kind: pattern, path: [config.BinderHub.hub_url, config.BinderHub.base_url], match: "^(a|a)*$", '
              'message: "{path} is not all a"}'))
    (work / "config.yaml").write_text("config:\n  BinderHub:\n    base_url: " + "a" * 40 + "b\n"
                                      "    hub_url: " + "a" * 100_000 + "b\n")
    started = time.monotonic()
    result = invoke("lint", "--rules", "org", "--format", "json", cwd=work)
    seconds = time.monotonic() - started
    assert result.returncode in (0, 1) and result.stderr == "", result.stderr
    messages = {f["message"] for f in json.loads(result.stdout)["findings"] if f["rule"] == "ORG001"}
    assert messages == {"config.BinderHub.hub_url is not all a", "config.BinderHub.base_url is not all a"}
    assert seconds < 20, f"lint took {seconds:.1f} s"


def test_lint_without_organisation_patterns_does_not_load_re2(work):
    script = ("import sys; from binderhub_doctor.cli import main\n"
              "try:\n    main(['lint', '--format', 'json'])\nexcept SystemExit:\n    pass\n"
              "print('re2' in sys.modules, file=sys.stderr)")
    result = subprocess.run([str(cli_path().parent / "python"), "-c", script], cwd=work, capture_output=True,
                            text=True, timeout=120, check=False)
    assert result.stderr.strip().splitlines()[-1] == "False", result.stderr


# --------------------------------------------------------------------------- --output

def own_device(work: Path, name: str, minor: int) -> Path:
    """A character device node like /dev/null (1, 3) or /dev/full (1, 7) in the test's folder:
    as root, a regression would replace the machine's own device with a regular file."""
    if os.geteuid() != 0:
        return Path("/dev") / name  # and a regression could not replace it
    device = work / name
    os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, minor))
    return device


def test_output_into_a_full_device_is_one_line_and_exit_2(work):
    full = own_device(work, "full", 7)
    if not full.exists():
        pytest.skip("no /dev/full on this system")
    assert_one_line_exit_2(invoke("lint", "--output", str(full), cwd=work), f"{full}: cannot write",
                           "No space left on device")
    assert stat.S_ISCHR(full.stat().st_mode)


def test_output_into_a_folder_nobody_may_write_is_one_line_and_exit_2(work):
    locked = work / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    target = locked / "report.txt"
    if os.geteuid() == 0:  # root may write anywhere, except into sysfs
        target = Path("/sys/binderhub-doctor-report.txt")
        try:
            target.write_text("")
        except PermissionError:
            pass
        else:
            target.unlink()
            pytest.skip("no folder here that root may not write into")
    result = invoke("lint", "--output", str(target), cwd=work)
    assert_one_line_exit_2(result, f"{target}: cannot write: Permission denied")
    assert not target.exists() and list(locked.iterdir()) == []


def test_output_to_a_character_device_writes_into_it_and_keeps_it_a_device(work):
    """As root, `lint --output /dev/null` replaced the device with a regular file."""
    device = own_device(work, "null", 3)
    result = invoke("lint", "--output", str(device), cwd=work)
    assert result.returncode == 0, result.stderr
    assert stat.S_ISCHR(device.stat().st_mode), "the device was replaced by a regular file"


def test_output_to_a_fifo_is_written_in_place(work):
    fifo = work / "report.fifo"
    os.mkfifo(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_text()), daemon=True)
    reader.start()
    result = invoke("lint", "--output", str(fifo), cwd=work)
    reader.join(30)
    assert result.returncode == 0, result.stderr
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert received and "image-prefix-trailing-dash" in received[0]


def test_output_to_dev_stdout_in_a_pipe(work):
    result = subprocess.run(f"{cli_path()} lint -o /dev/stdout | cat", shell=True, cwd=work, capture_output=True,
                            text=True, timeout=120, check=False)
    assert result.returncode == 0 and result.stderr == "", result.stderr
    assert "image-prefix-trailing-dash" in result.stdout


def test_output_to_dev_stdout_keeps_the_shells_other_output(work):
    """`{ echo before; lint -o /dev/stdout; echo after; } > out.txt`: replacing out.txt would
    lose `before`, and `after` would go to the replaced (deleted) file."""
    result = subprocess.run(f"{{ echo before; {cli_path()} lint -o /dev/stdout; echo after; }} > out.txt",
                            shell=True, cwd=work, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    lines = (work / "out.txt").read_text().splitlines()
    assert lines[0] == "before" and lines[-1] == "after", lines
    assert any("image-prefix-trailing-dash" in line for line in lines)


def test_output_to_a_regular_file_still_replaces_it_atomically(work):
    target = work / "report.txt"
    target.write_text("old report\n")
    inode = target.stat().st_ino
    result = invoke("lint", "--output", str(target), cwd=work)
    assert result.returncode == 0, result.stderr
    assert "image-prefix-trailing-dash" in target.read_text()
    assert target.stat().st_ino != inode, "a regular file is replaced by rename, not rewritten in place"
