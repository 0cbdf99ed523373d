"""`init`: a starting secret.yaml and config.yaml for one registry kind, as the install guide
describes them, with new random tokens and `<...>` placeholders only where the user must fill in
something we cannot know (credentials, project ids). The secret file is created with mode 0600
from its first byte; nothing is overwritten without --force.
"""

from __future__ import annotations

import secrets
import sys
from dataclasses import dataclass
from pathlib import Path

import click

from .. import helm
from ..errors import UsageProblem
from ..output_files import create_file, kept_mode

SECRET_FILE = "secret.yaml"
CONFIG_FILE = "config.yaml"
SECRET_MODE = 0o600
PLACEHOLDER_RULE = "placeholder"  # the rule (BHD105) whose findings init lists

_JSON_KEY_HELP = """\
  # The JSON key file of a Google Cloud service account that may push images (IAM & Admin >
  # Service Accounts > Keys > Add key > JSON). Replace the placeholder line with the whole
  # file, every line indented like it, right under `password: |` (the `|` keeps it one string).
  password: |
    <paste the JSON key file of the service account here>
"""


@dataclass(frozen=True)
class RegistryKind:
    title: str
    secret: str  # the `registry:` block of secret.yaml
    config: str  # the `config:` block of config.yaml


KINDS: dict[str, RegistryKind] = {
    "gcr": RegistryKind(
        title="Google Container Registry (gcr.io)",
        secret="""\
registry:
  # gcr.io exactly: the chart then logs in with the user name _json_key by itself.
  url: https://gcr.io
""" + _JSON_KEY_HELP,
        config="""\
config:
  BinderHub:
    use_registry: true
    # Images are named <image_prefix><repository>:<ref>. <google-project-id> is the
    # project_id field of the JSON key in secret.yaml (the project ID, not its display name).
    image_prefix: gcr.io/<google-project-id>/binder-
""",
    ),
    "artifact-registry": RegistryKind(
        title="Google Artifact Registry (*-docker.pkg.dev)",
        secret="""\
registry:
  # The docker host of your repository's region (Artifact Registry > Repositories), e.g.
  # https://us-central1-docker.pkg.dev
  url: https://<region>-docker.pkg.dev
  # A service account key logs in with the user name _json_key.
  username: _json_key
""" + _JSON_KEY_HELP,
        config="""\
config:
  BinderHub:
    use_registry: true
    # <region>, <google-project-id> (the key's project_id) and <repository> (the name of the
    # docker repository you created), e.g. us-central1-docker.pkg.dev/my-project/binder/binder-
    image_prefix: <region>-docker.pkg.dev/<google-project-id>/<repository>/binder-
  DockerRegistry:
    # BinderHub derives these only for gcr.io and Docker Hub: the registry, and its token
    # endpoint with the service name the registry announces (its host).
    url: https://<region>-docker.pkg.dev
    token_url: https://<region>-docker.pkg.dev/v2/token?service=<region>-docker.pkg.dev
""",
    ),
    "dockerhub": RegistryKind(
        title="Docker Hub",
        secret="""\
registry:
  # No url: the chart's default is Docker Hub (https://index.docker.io/v1/).
  # Your Docker ID; to push to an organization, an account that is a member of it.
  username: <docker-id>
  # Its password, or better a personal access token with Read & Write access
  # (Docker Hub > Account settings > Personal access tokens).
  password: <password>
""",
        config="""\
config:
  BinderHub:
    use_registry: true
    # Your Docker ID or organization, then a prefix for the image names (ending in `-`).
    image_prefix: <docker-id-or-organization>/binder-
""",
    ),
    "acr": RegistryKind(
        title="Azure Container Registry",
        secret="""\
registry:
  # The login server of your Azure Container Registry: https://<acr-name>.azurecr.io
  url: https://<acr-name>.azurecr.io
  # A service principal with the AcrPush role on the registry: its application (client) ID
  # and its password (`az ad sp create-for-rbac ... --role AcrPush` prints both).
  username: <service-principal-id>
  password: <service-principal-password>
""",
        config="""\
config:
  BinderHub:
    use_registry: true
    # <acr-name> as in secret.yaml. `binder/` is the extra project level BinderHub expects
    # between host and prefix (jupyterhub/binderhub#800); without it older charts rebuild
    # every image on every launch.
    image_prefix: <acr-name>.azurecr.io/binder/binder-
  DockerRegistry:
    # Where ACR issues tokens; both <acr-name> are your registry's name.
    token_url: https://<acr-name>.azurecr.io/oauth2/token?service=<acr-name>.azurecr.io
""",
    ),
    "custom": RegistryKind(
        title="another registry (Harbor, GitLab, a self-hosted registry, ...)",
        secret="""\
registry:
  # The registry's address, as `docker login` uses it, e.g. https://registry.example.org
  url: https://<registry-host>
  # An account that may push and pull images.
  username: <username>
  password: <password>
""",
        config="""\
config:
  BinderHub:
    use_registry: true
    # <registry-host> as in secret.yaml, then a project (Harbor project, GitLab group/project)
    # and a prefix for the image names.
    image_prefix: <registry-host>/<project>/binder-
  DockerRegistry:
    # Where the registry issues tokens: the realm of the `WWW-Authenticate` header that
    # `curl -si https://<registry-host>/v2/` returns, with ?service=<its service>, e.g.
    # https://registry.example.org/service/token?service=harbor-registry for Harbor.
    # A registry with plain htpasswd logins has no token endpoint: write token_url: ""
    # (an empty string; `None` would be read as the text "None").
    token_url: <token-url>
""",
    ),
}


def secret_text(kind: str, api_token: str, proxy_token: str) -> str:
    return f"""\
# secret.yaml: the credentials of your BinderHub. Keep this file out of git (or encrypt it,
# e.g. with git-crypt or sops). Created by `{helm.program_name()} init --registry {kind}`:
# fill in every <...> placeholder, then check it with `{helm.program_name()} lint`.
jupyterhub:
  hub:
    services:
      binder:
        # The token BinderHub and JupyterHub share: 32 random bytes in hex, new for this file
        # (what `openssl rand -hex 32` makes). Keep it secret; recent charts generate one if
        # this line is removed.
        apiToken: "{api_token}"
  proxy:
    # The token of JupyterHub's proxy, made the same way.
    secretToken: "{proxy_token}"
{KINDS[kind].secret}"""


def config_text(kind: str) -> str:
    prog = helm.program_name()
    return f"""\
# config.yaml: the settings of your BinderHub that are not secret (safe to commit).
# Registry: {KINDS[kind].title}.
# Fill in every <...> placeholder, then run `{prog} lint`.
{KINDS[kind].config}\
    # hub_url, where users reach JupyterHub, is set by `{prog} connect NAME`
    # after the first install, once the proxy-public service has an external IP.
"""


def placeholders_left(paths: list[Path]):
    """The placeholder findings `lint` reports for the new files: the same lines, the same words
    (one fact, one place). The default configuration: a project's config cannot hide them here."""
    from ..config import Config
    from ..engine import lint
    from ..inputs import load
    from ..ruleset import load_rules

    config = Config()
    result = lint(load(paths, config), load_rules(), config)
    return [finding for finding in result.findings if finding.name == PLACEHOLDER_RULE]


@click.command("init")
@click.option("--registry", "kind", type=click.Choice(list(KINDS)),
              help="Where BinderHub pushes images (asked when not given on a terminal).")
@click.option("--dir", "folder", type=click.Path(file_okay=False), default=".", show_default=True,
              help="Folder to create secret.yaml and config.yaml in.")
@click.option("--force", is_flag=True, help="Replace existing files (new tokens included).")
def command(kind, folder, force):
    """Create a starting secret.yaml and config.yaml for your registry.

    The secret file gets two new random tokens (32 bytes, hex) and mode 0600; both files say in
    comments where each value comes from, and hold `<...>` placeholders only where you must fill
    something in. `lint` lists the placeholders left; once they are filled in, it passes.
    """
    if kind is None:
        if not sys.stdin.isatty():
            raise UsageProblem(f"no --registry given and no terminal to ask on; pass --registry "
                               f"{'|'.join(KINDS)}")
        for name, entry in KINDS.items():
            click.echo(f"  {name:<18} {entry.title}", err=True)
        kind = click.prompt("Registry", type=click.Choice(list(KINDS)), err=True)
    target = Path(folder)
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageProblem(f"{target}: cannot create the folder: {exc.strerror or exc}") from None
    secret_path, config_path = target / SECRET_FILE, target / CONFIG_FILE
    existing = [p for p in (secret_path, config_path) if p.exists() or p.is_symlink()]
    if existing and not force:
        names = " and ".join(str(p) for p in existing)
        raise UsageProblem(f"{names} already exist{'s' if len(existing) == 1 else ''}; refusing to overwrite "
                           "(pass --force to replace, which also makes new tokens)")
    api_token, proxy_token = secrets.token_hex(32), secrets.token_hex(32)
    while proxy_token == api_token:  # astronomically unlikely, but the two must differ
        proxy_token = secrets.token_hex(32)
    files = [(secret_path, secret_text(kind, api_token, proxy_token), kept_mode(secret_path, SECRET_MODE)),
             (config_path, config_text(kind), kept_mode(config_path, None))]
    for path, text, mode in files:
        try:
            create_file(path, text, mode, overwrite=force)
        except FileExistsError:
            raise UsageProblem(f"{path} appeared while writing; refusing to overwrite it (pass --force)") from None
        except OSError as exc:
            raise UsageProblem(f"{path}: cannot write: {exc.strerror or exc}") from None
    prog = helm.program_name()
    click.echo(f"created {secret_path} (mode 0600, two new random tokens) and {config_path} "
               f"for {KINDS[kind].title}")
    left = placeholders_left([secret_path, config_path])
    if left:
        from ..printable import printable
        from ..reporters.text_report import where

        click.echo("fill in these placeholders:")
        for finding in left:
            click.echo(f"  {where(finding)}: {printable(finding.message)}")
    click.echo("then:")
    if str(target) != ".":
        click.echo(f"  cd {target}")
    click.echo(f"  {prog} lint")
    click.echo(f"  {prog} install binder -n binder --version <chart version>")
    click.echo(f"  {prog} connect binder -n binder --version <chart version>")
