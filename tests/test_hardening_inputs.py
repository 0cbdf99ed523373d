"""Property-based hardening of the lint pipeline: whatever text or bytes a values file holds,
loading, merging, the rules and every reporter finish without an exception, every finding
points at one of the linted files at a position inside it (or at no position), and no value of
a secret key is ever printed.

Most examples run in-process (load_values + engine.lint + reporters) for speed; a few go
through the real `binderhub-doctor lint` to check exit codes and stderr.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from binderhub_doctor import reporters
from binderhub_doctor.engine import lint
from binderhub_doctor.findings import SEVERITIES
from binderhub_doctor.output import SECRETS, redact
from binderhub_doctor.ruleset import load_rules
from binderhub_doctor.values import load_values
from support.tools import run_cli

RULES = load_rules([])
SECRET_MARK = "SEKRETqz"  # every value under a secret key starts with it; it must never be printed

# --------------------------------------------------------------------------- vocabulary

BINDERHUB_KEYS = [
    "config", "BinderHub", "registry", "url", "username", "password", "image_prefix", "hub_url",
    "use_registry", "jupyterhub", "hub", "services", "binder", "apiToken", "proxy", "secretToken",
    "GitHubRepoProvider", "access_token", "client_id", "client_secret", "GitLabRepoProvider",
    "private_token", "hostname", "DockerRegistry", "token_url", "auth_config_url", "build_token_secret",
    "binderhub", "imageBuilderType", "dind", "pink", "extraConfig", "cors", "ingress", "enabled",
    "api_base_path", "auth_enabled", "image", "tag", "replicas", "imageCleaner", "service", "type",
]
SECRET_KEYS = ["password", "apiToken", "secretToken", "access_token", "client_secret", "private_token",
               "build_token_secret", "auth_token"]
TRICKY_KEYS = ["y", "n", "yes", "off", "true", "1", "0x10", "1.5", "-0", "1e3", "~", "null", "", "<<",
               "a.b", "a b", "é", "😀", "2026-01-01", "0o17", ".inf", "-.Inf", "x" * 300]
TRICKY_SCALARS = [
    "y", "n", "yes", "No", "on", "OFF", "true", "False", "~", "null", "NULL", "", "0o17", "0x1F",
    "0b101", "017", "08", "1_000", "40e9", "1e1000", "-1e1000", ".inf", "-.Inf", ".NaN", ".5", "0.",
    "2026-01-01", "2001-12-14t21:59:43.10-05:00", "12:30:45", "+1", "-0", "18446744073709551616",
    "9223372036854775808", "9007199254740993", "<paste the key here>", "ghp_" + "a" * 36,
    "https://gcr.io", "gcr.io/project/binder-", "http://192.0.2.1", "a: b", "- x", "#c", "x #c",
    "&a", "*a", "!!str", "%TAG", "@x", "`x", "{", "}", "[", "]", ",", "|", ">", "?", "? x", "\t",
    "é", "😀", "\\", "\\n", "'", '"', "x" * 5000, "\u2028", "\x85", "-----BEGIN PRIVATE KEY-----",
]

scalars = st.one_of(
    st.sampled_from(TRICKY_SCALARS),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.text(max_size=20),
)
keys = st.one_of(st.sampled_from(BINDERHUB_KEYS), st.sampled_from(TRICKY_KEYS), st.text(max_size=12))
trees = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(keys, children, max_size=5),
    ),
    max_leaves=25,
)
# Paths the rules read, so that generated documents reach the checks and not only the loader.
RULE_PATHS = [
    "config.BinderHub.image_prefix", "config.BinderHub.hub_url", "config.BinderHub.use_registry",
    "config.BinderHub.auth_enabled", "config.BinderHub.build_token_secret", "config.BinderHub.hub_api_token",
    "config.BinderHub.cors_allow_origin", "config.BinderHub.ban_networks", "config.BinderHub.enable_api_only_mode",
    "config.BinderHub.extra_footer_scripts", "config.BinderHub.buildDockerConfig",
    "config.DockerRegistry.url", "config.DockerRegistry.token_url", "config.DockerRegistry.auth_config_url",
    "config.DockerRegistry.password", "config.DockerRegistry.username", "config.ExternalRegistryHelper.auth_token",
    "config.GitHubRepoProvider.access_token", "config.GitHubRepoProvider.api_base_path",
    "config.GitHubRepoProvider.client_id", "config.GitHubRepoProvider.client_secret",
    "config.GitLabRepoProvider.private_token", "config.GitLabRepoProvider.access_token",
    "config.GitLabRepoProvider.hostname", "config.GistRepoProvider.access_token",
    "config.KubernetesBuildExecutor.docker_host", "config.KubernetesBuildExecutor.push_secret",
    "registry.url", "registry.username", "registry.password",
    "jupyterhub.hub.services.binder.apiToken", "jupyterhub.hub.cookieSecret", "jupyterhub.proxy.secretToken",
    "jupyterhub.hub.config.BinderSpawner.auth_enabled", "jupyterhub.hub.config.BinderSpawner.cors_allow_origin",
    "jupyterhub.custom.cors.allowOrigin", "jupyterhub.cull.users", "jupyterhub.rbac.create",
    "jupyterhub.proxy.chp.pdb", "jupyterhub.hub.config.GenericOAuthenticator.client_secret",
    "imageBuilderType", "dind.enabled", "pink.hostSocketDir", "imageCleaner.enabled",
    "imageCleaner.host.dockerSocket", "imageCleaner.host.enabled", "ingress.pathType", "image.pullPolicy",
    "cors.allowOrigin", "extraConfig", "service.type",
]
PLAUSIBLE = [
    "gcr.io/my-project/binder-", "my-registry.example.org/binder/prod-", "docker.io/someone/binder-",
    "http://192.0.2.1", "https://binder.example.org/", "https://gcr.io", "https://registry.example.org",
    "_json_key", "binder-push", '{"type": "service_account", "private_key": "x"}', "local", "dind", "pink",
    "unix:///var/run/docker.sock", "/var/run/dind", "https://github.example.com/api/v3/", "gitlab.example.org",
    "0123456789abcdef" * 4, "<paste the token here>", "*", True, False, None, 0, 1, -1, 2.5, [], {},
]
leaves = st.one_of(st.sampled_from(PLAUSIBLE), scalars, trees)


@st.composite
def binderhub_trees(draw) -> dict:
    """A values tree with BinderHub's layout, some paths set to plausible or wrong values."""
    tree: dict = {}
    for dotted in draw(st.lists(st.sampled_from(RULE_PATHS), max_size=12)):
        *parents, last = dotted.split(".")
        node = tree
        for part in parents:
            child = node.get(part)
            if not isinstance(child, dict):
                child = node[part] = {}
            node = child
        node[last] = draw(leaves)
    if draw(st.integers(min_value=0, max_value=6)) == 0:
        tree = {"binderhub": tree}  # a meta-chart such as mybinder.org-deploy
    return tree


top_level = st.one_of(st.dictionaries(keys, trees, min_size=0, max_size=6), binderhub_trees(), binderhub_trees())


# --------------------------------------------------------------------------- an emitter with random style

class Emitter:
    """Writes a values tree as YAML text, drawing every style decision from hypothesis:
    block or flow, indentation width, quoting, anchors, aliases and merge keys, comments."""

    def __init__(self, draw):
        self.draw = draw
        self.indent = draw(st.integers(min_value=1, max_value=4))
        self.anchors: list[str] = []

    def choose(self, *options):
        return self.draw(st.sampled_from(options))

    def scalar(self, text: str, secret: bool) -> str:
        if secret:
            text = SECRET_MARK + text
        style = self.choose("plain", "plain", "single", "double", "literal")
        if style == "plain":
            return text
        if style == "single":
            return "'" + text.replace("'", "''") + "'"
        if style == "double":
            return json.dumps(text)
        return "|\n" + "\n".join(" " * self.indent + line for line in (text.splitlines() or [""]))

    def key(self, key: str) -> str:
        if self.choose(True, False, False):
            return json.dumps(key)
        return key

    def value(self, node, depth: int, secret: bool) -> str:
        """A value written after `key:` or `- ` at ``depth``: ' text' or '\\n' + block lines."""
        if self.anchors and self.choose(*([False] * 9 + [True])):
            return " *" + self.choose(*self.anchors)
        anchor = ""
        if self.choose(*([False] * 7 + [True])):
            name = f"a{len(self.anchors)}"
            self.anchors.append(name)
            anchor = f" &{name}"
        if not isinstance(node, (str, dict, list)):
            node = {True: "true", False: "false", None: "null"}.get(node, str(node)) if not isinstance(
                node, (int, float)) or isinstance(node, bool) else str(node)
        if isinstance(node, str):
            text = self.scalar(node, secret)
            if text.startswith("|"):
                lines = text.split("\n")
                pad = " " * (self.indent * (depth + 1))
                return anchor + " " + lines[0] + "".join("\n" + pad + line.lstrip(" ") for line in lines[1:])
            return anchor + " " + text
        if not node or self.choose(False, False, True):
            return anchor + " " + self.flow(node, secret)
        return anchor + "\n" + self.block(node, depth + 1, secret)

    def flow(self, node, secret: bool) -> str:
        if isinstance(node, dict):
            return "{" + ", ".join(f"{json.dumps(k)}: {self.flow(v, secret or k in SECRET_KEYS)}"
                                   for k, v in node.items()) + "}"
        if isinstance(node, list):
            return "[" + ", ".join(self.flow(v, secret) for v in node) + "]"
        if not isinstance(node, str):
            return json.dumps(node)
        return json.dumps((SECRET_MARK + node) if secret else node)

    def block(self, node, depth: int, secret: bool) -> str:
        pad = " " * (self.indent * depth)
        lines = []
        if isinstance(node, dict):
            items = list(node.items())
            if self.anchors and self.choose(*([False] * 5 + [True])):
                lines.append(f"{pad}<<: *{self.choose(*self.anchors)}")
            for key, item in items:
                comment = self.choose("", "", "", "  # note")
                lines.append(f"{pad}{self.key(key)}:{self.value(item, depth, secret or key in SECRET_KEYS)}{comment}")
        else:
            for item in node:
                lines.append(f"{pad}-{self.value(item, depth, secret)}")
        return "\n".join(lines)


@st.composite
def yaml_documents(draw) -> str:
    tree = draw(top_level)
    secrets = draw(st.dictionaries(st.sampled_from(SECRET_KEYS), scalars, max_size=2))
    if secrets:
        tree = {**tree, "config": {"Anything": dict(secrets)}}
    emitter = Emitter(draw)
    text = emitter.block(tree, 0, False) if tree else draw(st.sampled_from(["", "# only a comment", "---", "{}"]))
    if draw(st.booleans()):
        text = draw(st.sampled_from(["---\n", "%YAML 1.1\n---\n", "\ufeff", "# head\n"])) + text
    if draw(st.integers(min_value=0, max_value=5)) == 0:
        text += draw(st.sampled_from(["\n---\nextra: 1\n", "\n...\n", "\n---\n- a\n"]))
    if draw(st.booleans()):
        text = text.replace("\n", "\r\n")
    return text + draw(st.sampled_from(["\n", "", "\n\n"]))


@st.composite
def mutated_documents(draw) -> str:
    """A generated document with a few edits that usually break it: lines dropped, duplicated,
    re-indented (with tabs too), characters inserted."""
    text = draw(yaml_documents())
    lines = text.split("\n")
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        if not lines:
            break
        where = draw(st.integers(min_value=0, max_value=len(lines) - 1))
        action = draw(st.sampled_from(["drop", "copy", "indent", "dedent", "tab", "insert", "swap"]))
        line = lines[where]
        if action == "drop":
            del lines[where]
        elif action == "copy":
            lines.insert(where, line)
        elif action == "indent":
            lines[where] = " " * draw(st.integers(1, 5)) + line
        elif action == "dedent":
            lines[where] = line.lstrip(" ")
        elif action == "tab":
            lines[where] = "\t" + line.lstrip(" ")
        elif action == "insert":
            at = draw(st.integers(min_value=0, max_value=len(line)))
            piece = draw(st.sampled_from(list("{}[]:-&*!|>'\"#%@`?,\t\x00\x07\x1b") + ["\ufeff", "\u2028", "\r"]))
            lines[where] = line[:at] + piece + line[at:]
        elif action == "swap" and where + 1 < len(lines):
            lines[where], lines[where + 1] = lines[where + 1], line
    return "\n".join(lines)


raw_garbage = st.one_of(
    st.binary(max_size=300),
    st.tuples(st.sampled_from([b"", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\x00GITCRYPT\x00"]),
              st.binary(max_size=200)).map(lambda pair: pair[0] + pair[1]),
    st.text(max_size=200).map(lambda text: text.encode("utf-16")),
    st.text(alphabet=st.characters(max_codepoint=0x7F), max_size=300).map(str.encode),
)


@st.composite
def corrupted_bytes(draw) -> bytes:
    """Valid YAML text with bytes flipped, cut or spliced in."""
    data = bytearray(draw(yaml_documents()).encode("utf-8"))
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        if not data:
            break
        where = draw(st.integers(min_value=0, max_value=len(data) - 1))
        action = draw(st.sampled_from(["flip", "cut", "splice"]))
        if action == "flip":
            data[where] = draw(st.integers(min_value=0, max_value=255))
        elif action == "cut":
            del data[where:]
        else:
            data[where:where] = draw(st.binary(min_size=1, max_size=8))
    return bytes(data)


any_bytes = st.one_of(mutated_documents().map(str.encode), raw_garbage, corrupted_bytes())


# --------------------------------------------------------------------------- the properties

_BREAKS = re.compile(r"\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")


def file_lines(raw: bytes) -> list[str]:
    """The file's lines under the broadest notion any part of the pipeline may use (YAML's line
    breaks, Python's splitlines, plain \\n): a position must fall inside them."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = raw.decode("utf-16", "replace")
    else:
        text = raw.decode("utf-8", "replace")
    return _BREAKS.split(text)


def check_findings(result, files: dict[str, bytes]) -> None:
    for finding in result.findings:
        assert finding.severity in SEVERITIES
        assert finding.message.strip(), finding
        if finding.file is None:
            assert finding.line is None and finding.column is None, finding
            continue
        assert finding.file in files, f"finding points at a file that was not linted: {finding}"
        if finding.line is None:
            assert finding.column is None, finding
            continue
        lines = file_lines(files[finding.file])
        assert 1 <= finding.line <= len(lines) + 1, f"line outside the file ({len(lines)} lines): {finding}"
        assert finding.column is not None and finding.column >= 1, finding
        longest = max((len(line) for line in lines), default=0)
        assert finding.column <= longest + 2, f"column beyond the longest line ({longest}): {finding}"


def lint_in_process(folder: Path, files: dict[str, bytes], secrets_known: bool = True) -> None:
    # One example, one run, as main() starts each: the sink knows only this example's secrets
    # (and its pattern does not grow with every example before it).
    SECRETS.forget()
    paths = []
    for name, data in files.items():
        (folder / name).write_bytes(data)
        paths.append(str(folder / name))
    values = load_values(paths)
    result = lint(values, RULES, raise_errors=True)  # a crashing rule fails the test, not a finding
    named = {str(folder / name): data for name, data in files.items()}
    check_findings(result, named)
    for fmt in reporters.FORMATS:
        report = redact(reporters.render(fmt, result, RULES, {}))
        assert isinstance(report, str)
        if secrets_known:
            assert SECRET_MARK not in report, f"a secret value reached the {fmt} report:\n{report[:2000]}"
        if fmt in ("json", "sarif"):
            json.loads(report)
    exit_code = 1 if any(f.severity == "error" for f in result.findings) else 0
    assert exit_code in (0, 1)


@pytest.fixture(scope="module")
def folder():
    path = Path(tempfile.mkdtemp(prefix="bhd-hypothesis-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


# BHD_FUZZ_SCALE=20 for a long exploratory run; the default keeps the file well under a minute.
SCALE = float(os.environ.get("BHD_FUZZ_SCALE", "1"))


def examples(count: int) -> int:
    return max(1, int(count * SCALE))


# No shrinking: one lint is ~30 ms and shrinking a failure took minutes; the failing example is
# printed as found (and kept in .hypothesis/ to replay).
NO_SHRINK = [Phase.explicit, Phase.reuse, Phase.generate]
FAST = settings(max_examples=examples(100), deadline=None, phases=NO_SHRINK, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                         HealthCheck.too_slow])


@FAST
@given(text=yaml_documents())
def test_generated_yaml_never_breaks_the_pipeline_nor_shows_a_secret(folder, text):
    lint_in_process(folder, {"config.yaml": text.encode("utf-8")})


@FAST
@given(text=mutated_documents())
def test_broken_yaml_never_breaks_the_pipeline(folder, text):
    # An edit can move a secret's text under another key, where it is no longer a secret.
    lint_in_process(folder, {"config.yaml": text.encode("utf-8")}, secrets_known=False)


@FAST
@given(data=any_bytes)
def test_byte_garbage_never_breaks_the_pipeline(folder, data):
    lint_in_process(folder, {"config.yaml": data}, secrets_known=False)


@settings(max_examples=examples(50), deadline=None, phases=NO_SHRINK, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                            HealthCheck.too_slow])
@given(secret=yaml_documents(), config=yaml_documents())
def test_two_files_merged_never_break_the_pipeline_nor_show_a_secret(folder, secret, config):
    lint_in_process(folder, {"secret.yaml": secret.encode(), "config.yaml": config.encode()})


@settings(max_examples=examples(30), deadline=None, phases=NO_SHRINK, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(tree=st.recursive(st.sampled_from(["1", "x", "[]", "{}"]),
                         lambda inner: st.one_of(st.tuples(st.just("map"), inner), st.tuples(st.just("list"), inner)),
                         max_leaves=1),
       depth=st.integers(min_value=1, max_value=1200), style=st.sampled_from(["flow", "block", "merge"]))
def test_deep_nesting_of_any_shape_is_a_finding_not_a_crash(folder, tree, depth, style):
    if style == "flow":
        text = "a: " + "[{b: " * (depth // 2) + "1" + "}]" * (depth // 2) + "\n"
    elif style == "merge":
        text = "a: " + "{<<: " * depth + "{x: 1}" + "}" * depth + "\n"
    else:
        text = "".join(" " * i + f"k{i}:\n" for i in range(depth)) + " " * depth + "v\n"
    lint_in_process(folder, {"config.yaml": text.encode()})


WRONG_TYPES = {"list": [], "mapping": {}, "number": 1, "boolean": True, "null": None, "text": "x",
               "nested": [{"a": [1]}],
               # `.inf` / `.nan`: floats that int() refuses (once 15 "internal error" findings)
               "infinity": float("inf"), "minus-infinity": float("-inf"), "not-a-number": float("nan")}


@pytest.mark.slow
@pytest.mark.parametrize("kind", sorted(WRONG_TYPES))
def test_every_rule_survives_a_wrong_type_at_every_path_it_reads(folder, kind):
    """Deterministic companion of the generated tests: each path a rule reads, set to a value of
    the wrong type, alone and inside a meta-chart; every crash is listed at once."""
    crashes = []
    for dotted in RULE_PATHS:
        tree: dict = {}
        node = tree
        *parents, last = dotted.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[last] = WRONG_TYPES[kind]
        for layout in (tree, {"binderhub": tree}):
            try:
                lint_in_process(folder, {"config.yaml": yaml.safe_dump(layout).encode()})
            except Exception as exc:  # noqa: BLE001 - collected and reported below
                cause = exc.__cause__ or exc
                crashes.append(f"{dotted} = {WRONG_TYPES[kind]!r}: {exc} ({type(cause).__name__}: {cause})")
    assert not crashes, "\n".join(sorted(set(crashes)))


# --------------------------------------------------------------------------- the real CLI

CLI = settings(max_examples=examples(10), deadline=None, phases=NO_SHRINK, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                       HealthCheck.too_slow])


@CLI
@given(data=any_bytes, fmt=st.sampled_from(reporters.FORMATS))
def test_the_cli_exits_0_1_or_2_with_no_traceback(folder, data, fmt):
    path = folder / "secret.yaml"
    path.write_bytes(data)
    run = run_cli("lint", "--format", fmt, path)
    assert run.returncode in (0, 1, 2), run.stderr
    assert "Traceback" not in run.stderr and "internal error" not in run.stderr, run.stderr
    if run.returncode == 2:
        assert run.stderr.startswith("binderhub-doctor: error: ") and run.stderr.count("\n") == 1, run.stderr
    else:
        assert run.stderr == ""
        if fmt in ("json", "sarif"):
            json.loads(run.stdout)


def test_the_generators_really_produce_valid_and_broken_documents(folder):
    """The strategies above are only worth something if they reach the rules: some generated
    documents must load cleanly and some must be refused as YAML errors."""
    from hypothesis import find

    def loads(text, expect_problem):
        (folder / "probe.yaml").write_text(text, encoding="utf-8", errors="surrogatepass")
        values = load_values([str(folder / "probe.yaml")])
        problems = [p for d in values.documents for p in d.problems if p.rule == "yaml-syntax"]
        return bool(problems) == expect_problem and (expect_problem or bool(values.data))

    find(yaml_documents(), lambda text: loads(text, False), settings=settings(max_examples=200, database=None, phases=NO_SHRINK))
    find(mutated_documents(), lambda text: loads(text, True), settings=settings(max_examples=200, database=None, phases=NO_SHRINK))
