"""Every regular expression binderhub-doctor applies to input runs in linear time.

A backtracking engine takes quadratic (or worse) time when a pattern can split one run of
characters in many ways (`\\s*(.*?)\\s*$`, `\\s*,?\\s*`, `(\\d+)[.\\w-]*`): a suppression comment
followed by 40,000 spaces took 38 s to lint, a `password:` line with 60,000 spaces 10 s, and a
WWW-Authenticate header of 65,000 spaces kept `check-registry --timeout 1` busy for 113 s.

support/regex_inventory.py finds the patterns (module constants, literals passed to `re.*`,
patterns in the data files); each one here meets 100,000-character adversarial lines and every
run must take under a second. The parsers built on them (suppressions, secrets read from raw
text, WWW-Authenticate challenges, chart versions) and `lint` / `check-registry` end to end get
the same lines. A SIGALRM ends a run that hangs (Python's regex engine checks for signals), so
a regression fails instead of stalling the suite.
"""

from __future__ import annotations

import contextlib
import json
import signal
import time

import pytest

from support.regex_inventory import all_patterns, slowest_run
from support.registry_server import HttpServer
from support.tools import invoke

LENGTH = 100_000
BOUND = 1.0  # seconds for one run on one line
HANG = 30  # seconds after which a pattern is taken to hang

PATTERNS = all_patterns()


@contextlib.contextmanager
def ends_within(seconds: int, what: str):
    def hang(*_):
        raise TimeoutError(f"{what} still running after {seconds} s: superlinear")

    previous = signal.signal(signal.SIGALRM, hang)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def timed(function, *arguments) -> float:
    started = time.perf_counter()
    with ends_within(HANG, function.__qualname__):
        function(*arguments)
    return time.perf_counter() - started


def test_the_inventory_finds_the_patterns_that_read_input():
    names = set(PATTERNS)
    for expected in ("binderhub_doctor.suppressions._DIRECTIVE", "binderhub_doctor.values._KEY_LINE",
                     "binderhub_doctor.probes.registry._CHALLENGE_ITEM", "binderhub_doctor.chart_versions._VERSION",
                     "binderhub_doctor.checks.placeholder.PLACEHOLDER", "binderhub_doctor.secrets._SECRET_KEY",
                     "binderhub_doctor.checks.builtin.traits._CLASS_STATEMENT"):
        assert expected in names, sorted(names)
    assert any(name.startswith("checks/builtin/hub_url.py:") for name in names), "inline re.* literals"
    assert any(name.startswith("data/traits.yaml:regex:") for name in names), "data-file patterns"


@pytest.mark.slow  # a sweep: every pattern against every adversarial line (about 30 s in all)
@pytest.mark.parametrize("name", sorted(PATTERNS))
def test_every_pattern_is_linear_on_adversarial_lines(name):
    with ends_within(HANG * 4, name):
        seconds, example = slowest_run(PATTERNS[name], LENGTH)
    assert seconds < BOUND, f"{name}: {example} took {seconds:.2f} s"


# --------------------------------------------------------------------------- the parsers

def test_the_suppression_parser():
    from binderhub_doctor.documents import Document
    from binderhub_doctor.suppressions import Suppressions

    for line in ("# binderhub-doctor: disable=BHD101" + " " * LENGTH + "x",
                 "# binderhub-doctor: disable=" + " " * LENGTH,
                 "x: 1  # binderhub-doctor: disable=" + "BHD101," * (LENGTH // 7) + " !"):
        document = Document(file="config.yaml", lines=[line])
        assert timed(Suppressions.scan, [document]) < BOUND
    kept = Suppressions.scan([Document(file="c.yaml", lines=["a: 1  # binderhub-doctor: disable=BHD101, BHD2  # why"])])
    assert [(s.rule, s.scope) for s in kept.items] == [("BHD101", "line"), ("BHD2", "line")]


def test_the_secret_reader_of_raw_text():
    from binderhub_doctor.values import _secrets_in_text

    for line in ("password: a" + " " * LENGTH + "b", "  - password:" + " " * LENGTH, "password" + " " * LENGTH + ":"):
        assert timed(_secrets_in_text, [line]) < BOUND
    assert _secrets_in_text(['  password: "s3cret-value"   ']) == ["s3cret-value"]


def test_the_challenge_parser():
    from binderhub_doctor.probes.registry import parse_challenges

    for header in (" " * LENGTH, "Bearer " + " " * LENGTH + ",", 'Bearer realm="' + "a" * LENGTH,
                   "Bearer realm" + " " * LENGTH + "x", "Bearer " + ", " * (LENGTH // 2)):
        assert timed(parse_challenges, header) < BOUND
    [challenge] = parse_challenges('Bearer realm="https://auth.example.org/token" , service="reg",scope="a"')
    assert challenge.params == {"realm": "https://auth.example.org/token", "service": "reg", "scope": "a"}


def test_the_chart_version_parser():
    from binderhub_doctor.chart_versions import ChartVersionError, parse

    for text in ("1.0.0-0.dev.git." + "1" * LENGTH + "!", "1.0.0-n" + "1" * LENGTH + "!", "1" * LENGTH):
        started = time.perf_counter()
        with pytest.raises(ChartVersionError):
            parse(text)
        assert time.perf_counter() - started < BOUND
    assert parse("1.0.0-0.dev.git.3959.hb9fad995") == (1, 0, 0, 3959)
    assert parse("0.2.0-n219.h13e3c4b") == (0, 2, 0, 219)


# --------------------------------------------------------------------------- end to end

def test_lint_of_adversarial_values_ends_quickly(tmp_path):
    """The lines of the issue, and one for each pattern the values reach, in one values set."""
    (tmp_path / "secret.yaml").write_text(
        "registry:\n  password: a" + " " * LENGTH + "b\n"
        "# binderhub-doctor: disable=BHD101" + " " * LENGTH + "\n")
    (tmp_path / "config.yaml").write_text(
        "config:\n  BinderHub:\n"
        "    registry_class: a" + ".A" * (LENGTH // 2) + "!\n"
        "    log_format: '%(a)" + "0" * LENGTH + "!'\n"
        "    image_prefix: " + "a" * LENGTH + "!\n"
        "extraConfig:\n  snippet: \"" + "\\n" * LENGTH + "x\"\n")
    started = time.monotonic()
    result = invoke("lint", "--format", "json", cwd=tmp_path)
    seconds = time.monotonic() - started
    assert result.returncode in (0, 1), result.stderr
    json.loads(result.stdout)
    assert seconds < 20, f"lint took {seconds:.1f} s"  # start-up on a busy machine included


def test_check_registry_with_a_huge_challenge_header_keeps_its_deadline(tmp_path):
    header = "Bearer " + " " * 65_000 + ","
    with HttpServer(lambda request: (401, {"WWW-Authenticate": header}, b"")) as server:
        (tmp_path / "secret.yaml").write_text(f"registry:\n  url: {server.url()}\n  username: u\n  password: p4ssw0rd-x\n")
        (tmp_path / "config.yaml").write_text(
            f"config:\n  BinderHub:\n    use_registry: true\n    image_prefix: 127.0.0.1:{server.port}/b/p-\n")
        started = time.monotonic()
        result = invoke("check-registry", "--timeout", "1", "--format", "json", cwd=tmp_path)
        seconds = time.monotonic() - started
    assert result.returncode == 1, result.stderr
    steps = {s["name"]: s for s in json.loads(result.stdout)["steps"]}
    assert steps["challenge"]["status"] == "fail"
    assert seconds < 5 + 12, f"check-registry took {seconds:.1f} s"  # its 5 × timeout, plus start-up
