"""Repository providers: GitHub (and Enterprise), GitLab."""

from __future__ import annotations

import re

from ..base import Hit, unchecked
from ..kinds import builtin

GITHUB = ("config", "GitHubRepoProvider")
GITLAB = ("config", "GitLabRepoProvider")


@builtin
def github_enterprise(values, spec, context):
    hostname = values.get(GITHUB + ("hostname",))
    if not isinstance(hostname, str) or hostname in ("", "github.com"):
        return
    api = values.get(GITHUB + ("api_base_path",))
    if api in (None, ""):
        unknown = unchecked(values, "whether api_base_path is set for GitHub Enterprise", GITHUB + ("hostname",),
                            (GITHUB + ("api_base_path",),))
        yield unknown or Hit(GITHUB + ("hostname",),
                  f"GitHubRepoProvider.hostname is `{hostname}` (GitHub Enterprise) but api_base_path is not set, "
                  f"so API calls go to https://api.{hostname}, which Enterprise servers do not answer",
                  fix=f"Set `config.GitHubRepoProvider.api_base_path: https://{hostname}/api/v3`.")
    elif isinstance(api, str) and "/api/v3" not in api and "api.github.com" not in api:
        yield Hit(GITHUB + ("api_base_path",),
                  f"api_base_path {values.show(GITHUB + ('api_base_path',))} does not end in /api/v3, "
                  "where GitHub Enterprise serves its REST API", severity="warning",
                  fix=f"Use `https://{hostname}/api/v3`.")


@builtin
def gitlab_hostname(values, spec, context):
    path = GITLAB + ("hostname",)
    hostname = values.get(path)
    if isinstance(hostname, str) and re.match(r"^[A-Za-z]+://", hostname):
        bare = re.sub(r"^[A-Za-z]+://", "", hostname).rstrip("/")
        yield Hit(path, f"GitLabRepoProvider.hostname {values.show(path)} has a scheme; BinderHub builds "
                        f"`https://<hostname>/api/v4`, so this becomes `https://{hostname}/api/v4`",
                  fix=f"Write the bare host: `hostname: {bare}`.")


@builtin
def github_token(values, spec, context):
    provider = values.get(GITHUB) or {}
    if not isinstance(provider, dict):
        return
    if provider.get("access_token") or (provider.get("client_id") and provider.get("client_secret")):
        return
    if provider.get("access_token") == "":
        return  # written down but empty: empty-credential says so
    if values.get(("config", "BinderHub", "repo_providers")) not in (None, {}) and \
            "gh" not in (values.get(("config", "BinderHub", "repo_providers")) or {}):
        return  # GitHub is not among the providers
    yield Hit(GITHUB + ("access_token",),
              "no GitHub token is configured: GitHub allows 60 API requests an hour without one, and every "
              "launch of a GitHub repository uses at least one")
