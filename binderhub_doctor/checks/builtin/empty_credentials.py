"""Credentials written down but left empty: `password: ""` or a bare `password:` under a registry
username, an empty GitHub or GitLab token. Each looks configured, so nothing says it is missing."""

from __future__ import annotations

from ..base import Hit, unchecked
from ..kinds import builtin

USERNAME = ("registry", "username")
PASSWORD = ("registry", "password")
# (provider class, token trait): an empty string replaces the token BinderHub would otherwise
# read from the environment (binderhub/repoproviders.py@b9fad995, `_access_token_default`,
# `_private_token_default`), and `if self.access_token:` then sends no token at all.
TOKENS = (("GitHubRepoProvider", "access_token", "GitHub allows 60 API requests an hour without one"),
          ("GistRepoProvider", "access_token", "GitHub allows 60 API requests an hour without one"),
          ("GitLabRepoProvider", "private_token", "private GitLab projects cannot be resolved or cloned"),
          ("GitLabRepoProvider", "access_token", "private GitLab projects cannot be resolved or cloned"))
# The prefix each provider has in BinderHub.repo_providers (binderhub/app.py@b9fad995, its default).
PREFIXES = {"GitHubRepoProvider": "gh", "GistRepoProvider": "gist", "GitLabRepoProvider": "gl"}


def _empty(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _other_auth(provider, cls: str, token: str) -> bool:
    """Whether the provider authenticates another way: GitLab with its other token, GitHub with an
    OAuth app's client_id and client_secret."""
    if not isinstance(provider, dict):
        return False

    def given(key):
        return isinstance(provider.get(key), str) and bool(provider[key].strip())

    if cls == "GitLabRepoProvider":
        return given("access_token" if token == "private_token" else "private_token")
    return given("client_id") and given("client_secret")


@builtin
def empty_credential(values, spec, context):
    username = values.get(USERNAME)
    pushes = values.get(("config", "BinderHub", "use_registry")) is not False
    if pushes and values.has(PASSWORD) and _empty(values.get(PASSWORD)) and isinstance(username, str) and \
            username.strip():
        what = "empty" if values.get(PASSWORD) is not None else "written without a value (null)"
        sent = '""' if values.get(PASSWORD) is not None else '"%!s(<nil>)" (Go\'s text for a missing value)'
        yield unchecked(values, "whether registry.password is empty", PASSWORD, (PASSWORD,)) or Hit(
            PASSWORD, f"registry.password is {what} while registry.username is set: the chart renders the docker "
                      f"config with the password {sent}, so a registry that checks passwords refuses every push "
                      "(helm-chart/binderhub/templates/_helpers.tpl, `buildDockerConfig`)",
            fix="Put the password (or token) under `registry.password` in secret.yaml, and lint that file too.")
    providers = values.get(("config", "BinderHub", "repo_providers"))
    for cls, name, without in TOKENS:
        if isinstance(providers, dict) and providers and PREFIXES[cls] not in providers:
            continue  # not among the providers this BinderHub offers: the token is never used
        path = ("config", cls, name)
        if values.has(path) and isinstance(values.get(path), str) and not values.get(path).strip() and \
                not _other_auth(values.get(("config", cls)), cls, name):
            yield unchecked(values, f"whether {cls}.{name} is empty", path, (path,)) or Hit(
                path, f"config.{cls}.{name} is an empty string: BinderHub sends no token ({without}), and the "
                      "empty value also replaces a token given in the environment",
                fix=f"Set the token in secret.yaml, or delete the `{name}:` line.")
