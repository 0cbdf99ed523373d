"""`init`: starting secret.yaml and config.yaml for each registry kind; the real lint lists exactly
the placeholders left, and passes once they are filled in (and hub_url is set, as `connect` does)."""

from __future__ import annotations

import json
import os
import pty
import re
import select
import stat
import subprocess
import time

import pytest

from binderhub_doctor.values_edit import set_scalar
from support.helm_setup import CHART_VERSION, helm_env
from support.tools import EXAMPLES, cli_path, invoke, values_of

KINDS = ["gcr", "artifact-registry", "dockerhub", "acr", "custom"]
HEX64 = re.compile(r'^\s+(apiToken|secretToken): "([0-9a-f]{64})"$', re.MULTILINE)
JSON_KEY_PLACEHOLDER = "    <paste the JSON key file of the service account here>\n"


def json_key(project: str) -> str:
    key = {
        "type": "service_account", "project_id": project,
        "private_key_id": "0a1b2c3d4e5f60718293a4b5c6d7e8f901234567",
        "private_key": "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n",
        "client_email": f"binder-push@{project}.iam.gserviceaccount.com", "client_id": "112233445566778899001",
        "auth_uri": "https://accounts.google.com/o/oauth2/auth", "token_uri": "https://oauth2.googleapis.com/token",
        "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
        "client_x509_cert_url": f"https://www.googleapis.com/robot/v1/metadata/x509/binder-push%40{project}"
                                ".iam.gserviceaccount.com",
    }
    return "".join(f"    {line}\n" for line in json.dumps(key, indent=2).splitlines())


# What a user would type for each placeholder (consistent with each other, as lint demands).
FILLED = {
    "gcr": {"<google-project-id>": "binder-demo-123", JSON_KEY_PLACEHOLDER: json_key("binder-demo-123")},
    "artifact-registry": {"<region>": "us-central1", "<google-project-id>": "binder-demo-123",
                          "<repository>": "binder", JSON_KEY_PLACEHOLDER: json_key("binder-demo-123")},
    "dockerhub": {"<docker-id>": "binderbot", "<password>": "s3cr3t-Hub-Passw0rd",
                  "<docker-id-or-organization>": "binderbot"},
    "acr": {"<acr-name>": "binderacr", "<service-principal-id>": "6f1c2a3b-1111-2222-3333-444455556666",
            "<service-principal-password>": "Sp-Pass.word~123"},
    "custom": {"<registry-host>": "registry.example.org", "<project>": "binder", "<username>": "binder",
               "<password>": "hunter2-long-pass",
               "<token-url>": "https://registry.example.org/v2/token?service=registry.example.org"},
}

# The values paths that hold a placeholder right after init.
PLACEHOLDER_PATHS = {
    "gcr": {"registry.password", "config.BinderHub.image_prefix"},
    "artifact-registry": {"registry.url", "registry.password", "config.BinderHub.image_prefix",
                          "config.DockerRegistry.url", "config.DockerRegistry.token_url"},
    "dockerhub": {"registry.username", "registry.password", "config.BinderHub.image_prefix"},
    "acr": {"registry.url", "registry.username", "registry.password", "config.BinderHub.image_prefix",
            "config.DockerRegistry.token_url"},
    "custom": {"registry.url", "registry.username", "registry.password", "config.BinderHub.image_prefix",
               "config.DockerRegistry.token_url"},
}
HUB_URL = "config.BinderHub.hub_url"


def init(tmp_path, kind, *args):
    return invoke("init", "--registry", kind, *args, cwd=tmp_path, env=dict(os.environ))


def lint_json(folder):
    result = invoke("lint", "--format", "json", "secret.yaml", "config.yaml", cwd=folder, env=dict(os.environ))
    assert result.returncode in (0, 1), result.stderr
    return result.returncode, json.loads(result.stdout)["findings"]


def fill(folder, kind):
    for name in ("secret.yaml", "config.yaml"):
        path = folder / name
        text = path.read_text()
        for placeholder, value in FILLED[kind].items():
            text = text.replace(placeholder, value)
        path.write_text(text)


def umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


@pytest.mark.parametrize("kind", KINDS)
def test_creates_both_files_with_new_tokens_and_safe_modes(tmp_path, kind):
    result = init(tmp_path, kind)
    assert result.returncode == 0, result.stderr
    secret, config = tmp_path / "secret.yaml", tmp_path / "config.yaml"
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600
    assert stat.S_IMODE(config.stat().st_mode) == 0o666 & ~umask()
    tokens = dict((m.group(1), m.group(2)) for m in HEX64.finditer(secret.read_text()))
    assert set(tokens) == {"apiToken", "secretToken"}
    assert tokens["apiToken"] != tokens["secretToken"]
    for token in tokens.values():
        assert token not in result.stdout + result.stderr
    assert "apiToken" not in config.read_text() and "password" not in config.read_text()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config.yaml", "secret.yaml"]  # no temp files left


def test_every_run_makes_new_tokens(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    assert invoke("init", "--registry", "gcr", "--dir", first, env=dict(os.environ)).returncode == 0
    assert invoke("init", "--registry", "gcr", "--dir", second, env=dict(os.environ)).returncode == 0
    tokens = {m.group(2) for folder in (first, second) for m in HEX64.finditer((folder / "secret.yaml").read_text())}
    assert len(tokens) == 4


@pytest.mark.parametrize("kind", KINDS)
def test_lint_lists_exactly_the_placeholders_left(tmp_path, kind):
    assert init(tmp_path, kind).returncode == 0
    code, findings = lint_json(tmp_path)
    assert code == 1
    placeholder_findings = {f["path"] for f in findings if f["name"] == "placeholder"}
    assert placeholder_findings == PLACEHOLDER_PATHS[kind]
    assert all(f["severity"] == "error" for f in findings if f["name"] == "placeholder")
    # Nothing else is wrong: the only other warning is hub_url, which `connect` sets later.
    others = {f["path"] for f in findings if f["severity"] != "info" and f["path"] not in PLACEHOLDER_PATHS[kind]}
    assert others <= {HUB_URL}


@pytest.mark.parametrize("kind", KINDS)
def test_init_lists_the_same_placeholders_with_their_lines(tmp_path, kind):
    result = init(tmp_path, kind)
    listed = re.findall(r"^  (\S+:\d+:\d+: .*)$", result.stdout, re.MULTILINE)
    _, findings = lint_json(tmp_path)
    reported = [f"{f['file']}:{f['line']}:{f['column']}: {f['message']}" for f in findings if f["name"] == "placeholder"]
    assert listed == reported  # the very lines `lint` reports, in its order
    assert {f["path"] for f in findings if f["name"] == "placeholder"} == PLACEHOLDER_PATHS[kind]


@pytest.mark.parametrize("kind", KINDS)
def test_filled_in_files_lint_clean(tmp_path, kind):
    assert init(tmp_path, kind).returncode == 0
    fill(tmp_path, kind)
    code, findings = lint_json(tmp_path)
    assert code == 0, findings
    assert [f for f in findings if f["severity"] != "info" and f["path"] != HUB_URL] == []
    # With hub_url set the way `connect` writes it, not even a warning is left.
    config = tmp_path / "config.yaml"
    config.write_text(set_scalar(config.read_text(), ("config", "BinderHub", "hub_url"), "http://34.120.10.20"))
    code, findings = lint_json(tmp_path)
    assert code == 0
    assert [f for f in findings if f["severity"] != "info"] == []


@pytest.mark.parametrize("kind", KINDS)
def test_every_placeholder_is_explained_by_a_comment(tmp_path, kind):
    assert init(tmp_path, kind).returncode == 0
    for name in ("secret.yaml", "config.yaml"):
        lines = (tmp_path / name).read_text().splitlines()
        for number, line in enumerate(lines):
            if re.search(r"<[^>]+>", line) and not line.lstrip().startswith("#"):
                above = lines[max(0, number - 3):number]
                assert any(item.lstrip().startswith("#") for item in above), f"{name}:{number + 1}: {line}"


@pytest.mark.helm
def test_filled_in_files_are_accepted_by_install(tmp_path):
    assert init(tmp_path, "dockerhub").returncode == 0
    fill(tmp_path, "dockerhub")
    env = helm_env(tmp_path / "helm", 4)
    result = invoke("install", "binder", "-n", "binder", "--version", CHART_VERSION, "--dry-run",
                     env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "-f secret.yaml -f config.yaml" in result.stdout


def test_refuses_to_overwrite_and_names_the_file(tmp_path):
    config = tmp_path / "config.yaml"
    config.write_text("config: {}\n")
    result = init(tmp_path, "gcr")
    assert result.returncode == 2
    assert "config.yaml already exists" in result.stderr and "--force" in result.stderr
    assert not (tmp_path / "secret.yaml").exists()
    assert config.read_text() == "config: {}\n"


def test_force_replaces_both_and_makes_an_old_secret_file_private(tmp_path):
    assert init(tmp_path, "gcr").returncode == 0
    secret = tmp_path / "secret.yaml"
    old = secret.read_text()
    secret.chmod(0o644)
    refused = init(tmp_path, "acr")
    assert refused.returncode == 2
    assert "secret.yaml and" in refused.stderr and "config.yaml already exist" in refused.stderr
    assert secret.read_text() == old
    forced = init(tmp_path, "acr", "--force")
    assert forced.returncode == 0, forced.stderr
    assert "azurecr.io" in secret.read_text() and secret.read_text() != old
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600


def test_no_terminal_and_no_registry_is_a_usage_error(tmp_path):
    result = invoke("init", cwd=tmp_path, env=dict(os.environ))
    assert result.returncode == 2
    assert "no --registry given and no terminal" in result.stderr
    assert "gcr|artifact-registry|dockerhub|acr|custom" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_asks_for_the_registry_on_a_terminal(tmp_path):
    """A real pseudo-terminal: the prompt appears and the answer picks the registry."""
    controller, terminal = pty.openpty()
    process = subprocess.Popen([str(cli_path()), "init"], cwd=tmp_path, stdin=terminal, stdout=terminal,
                               stderr=terminal, env=dict(os.environ), close_fds=True)
    os.close(terminal)
    seen = b""
    deadline = time.monotonic() + 60
    answered = False
    try:
        while process.poll() is None and time.monotonic() < deadline:
            ready, _, _ = select.select([controller], [], [], 0.2)
            if ready:
                try:
                    seen += os.read(controller, 4096)
                except OSError:
                    break
            if not answered and b"Registry" in seen:
                os.write(controller, b"dockerhub\n")
                answered = True
        process.wait(timeout=30)
    finally:
        os.close(controller)
    assert answered, seen.decode(errors="replace")
    assert process.returncode == 0, seen.decode(errors="replace")
    assert "username: <docker-id>" in (tmp_path / "secret.yaml").read_text()
    assert b"Docker Hub" in seen


def test_unknown_registry_kind_is_refused(tmp_path):
    result = invoke("init", "--registry", "quay", cwd=tmp_path, env=dict(os.environ))
    assert result.returncode == 2
    assert list(tmp_path.iterdir()) == []


def leaves(values, trail=()):
    if isinstance(values, dict):
        for key, item in values.items():
            yield from leaves(item, (*trail, key))
    else:
        yield trail, values


def fills(template: str, value: str, bindings: dict[str, str]) -> bool:
    """``value`` is ``template`` with each `<placeholder>` replaced, consistently with ``bindings``
    (which learns the new ones)."""
    pattern, groups = "", {}
    for part in re.split(r"(<[^<>]+>)", template):
        if not re.fullmatch(r"<[^<>]+>", part):
            pattern += re.escape(part)
        elif part in bindings:
            pattern += re.escape(bindings[part])
        elif part in groups:
            pattern += f"(?P={groups[part]})"
        else:
            groups[part] = f"p{len(groups)}"
            pattern += f"(?P<{groups[part]}>[^<>]+?)"
    match = re.fullmatch(pattern, value, re.DOTALL)
    if match:
        bindings.update({part: match.group(group) for part, group in groups.items()})
    return match is not None


@pytest.mark.parametrize("kind", sorted(set(KINDS) & {p.name for p in EXAMPLES.iterdir()}))
def test_each_example_is_what_init_writes_filled_in(tmp_path, kind):
    """examples/KIND (what README, docs and tests show) is init's output with every placeholder
    filled in: the same settings, nothing init would write differently; only hub_url (`connect`
    sets it) and a GitHub token (optional) are added."""
    assert init(tmp_path, kind).returncode == 0
    written = dict(leaves(values_of(tmp_path, (tmp_path / "config.yaml").read_text(),
                                    (tmp_path / "secret.yaml").read_text()).data))
    example = EXAMPLES / kind
    shown = dict(leaves(values_of(tmp_path, (example / "config.yaml").read_text(),
                                  (example / "secret.yaml").read_text()).data))
    added = {("config", "BinderHub", "hub_url"), ("config", "GitHubRepoProvider", "access_token")}
    bindings: dict[str, str] = {}  # each placeholder stands for one text throughout both files
    assert set(shown) - set(written) <= added
    for path, value in written.items():
        if path[-1] in ("apiToken", "secretToken"):
            assert re.fullmatch(r"[0-9a-f]{64}", shown[path]), path  # the same form, fresh tokens
        elif isinstance(value, str) and "<" in value:
            assert fills(value, shown[path], bindings), (path, value, shown[path])
        else:
            assert shown.get(path) == value, path
