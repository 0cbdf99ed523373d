"""GitLab: can BinderHub's `config.GitLabRepoProvider` token do what BinderHub asks of it?

BinderHub builds its API calls as `https://{hostname}/api/v4/...` and resolves a launch's ref
with `GET /projects/<url-encoded path>/repository/commits/<ref>`; repo2docker then clones with
the same token. This probe reads the token's own record
(`GET /api/v4/personal_access_tokens/self`, GitLab 15.5+): scopes, expiry, revoked/active, and
for `--repo` makes BinderHub's call against the project's default branch.

BinderHub passes the token as a query parameter; we send the same token in the `PRIVATE-TOKEN`
(or `Authorization: Bearer` for an OAuth access_token) header, which GitLab treats the same and
which keeps the token out of URLs that error messages and proxies may log.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from datetime import date, datetime, timezone
from urllib.parse import quote

from ..secrets import redacted
from . import ProbeInputError, provider_api
from .provider_api import Reply, Transport, Unreachable, describe_failure
from .report import FAIL, OK, SKIP, WARN, ProbeReport, Step

SECTION = ("config", "GitLabRepoProvider")
DEFAULT_HOSTNAME = "gitlab.com"
GUIDE_SCOPES = ("api", "read_repository")  # what the BinderHub setup guide asks for
API_READ_SCOPES = {"api", "read_api"}  # either lets BinderHub call repository/commits
EXPIRY_WARNING_DAYS = 14
PROJECT_PATTERN = re.compile(r"^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)+$")


@dataclass
class GitLabSettings:
    hostname: str
    private_token: str
    access_token: str
    section_present: bool

    @property
    def token_label(self) -> str | None:
        if self.private_token:
            return "private_token"
        if self.access_token:
            return "access_token"
        return None

    def auth_headers(self) -> dict:
        if self.private_token:
            return {"PRIVATE-TOKEN": self.private_token}
        if self.access_token:
            return {"Authorization": f"Bearer {self.access_token}"}
        return {}


def read_settings(values) -> GitLabSettings:
    section, text = provider_api.provider_section(values, SECTION, "GitLabRepoProvider")

    settings = GitLabSettings(
        hostname=text("hostname", DEFAULT_HOSTNAME).strip() or DEFAULT_HOSTNAME,
        private_token=text("private_token"), access_token=text("access_token"),
        section_present=bool(section),
    )
    values.redactor.add([settings.private_token, settings.access_token])
    return settings


def check_project_names(repos) -> list[str]:
    names = [r.strip().strip("/").removesuffix(".git") for r in repos]
    for name in names:
        if any(part in (".", "..") for part in name.split("/")) or not PROJECT_PATTERN.match(name):
            raise ProbeInputError(f"--repo `{name}`: expected a GitLab project path, e.g. --repo group/project "
                               "or group/subgroup/project")
    return names


def api_root(settings: GitLabSettings, insecure_http: bool) -> str:
    scheme = "http" if insecure_http else "https"
    return f"{scheme}://{settings.hostname.rstrip('/')}/api/v4"


def probe(values, repos=(), transport: Transport = provider_api.DEFAULT_TRANSPORT) -> ProbeReport:
    settings = read_settings(values)
    projects = check_project_names(repos)
    report = ProbeReport(title="gitlab", derived={
        "hostname": settings.hostname,
        "credentials": _describe_credentials(settings),
    })
    hostname_problem = _hostname_problem(settings.hostname)
    if hostname_problem:
        report.steps.append(hostname_problem)
        if hostname_problem.status == FAIL:
            return report
    provider_api.require_insecure_http_is_loopback(settings.hostname, transport.insecure_http,
                                                   "config.GitLabRepoProvider.hostname")
    api = api_root(settings, transport.insecure_http)
    report.derived["api"] = api
    label = settings.token_label
    if label is None:
        report.steps.append(Step("credentials", SKIP, detail=(
            "config.GitLabRepoProvider is not set" if not settings.section_present else
            "config.GitLabRepoProvider has no private_token or access_token") +
            f": BinderHub reaches public projects on {settings.hostname} only; no token to check"))
    else:
        token = settings.private_token or settings.access_token
        if token != token.strip() or "\n" in token:
            report.steps.append(Step(f"token ({label})", FAIL,
                                     detail="the value has leading/trailing whitespace or a line break; "
                                            "GitLab will reject it",
                                     hint="remove the spaces or newline (`key: |` adds a newline)"))
            return report
        steps, answered = _token_steps(api, settings, transport)
        report.steps.extend(steps)
        if not answered:  # every further request would only wait the same way
            report.steps.append(Step("further checks", SKIP, detail="not tried: the GitLab API did not answer"))
            return report
    for name in projects:
        report.steps.append(_project_step(api, settings, name, transport))
    return report


def _describe_credentials(settings: GitLabSettings) -> str:
    parts = []
    if settings.private_token:
        parts.append(f"private_token {redacted(settings.private_token)}")
    if settings.access_token:
        parts.append(f"access_token {redacted(settings.access_token)} (OAuth2)")
    return ", ".join(parts) or "none"


def _hostname_problem(hostname: str) -> Step | None:
    if "://" in hostname:
        return Step("hostname", FAIL, detail=f"`{hostname}` has a scheme; BinderHub builds "
                                             f"https://{hostname}/api/v4, which cannot work",
                    hint="set config.GitLabRepoProvider.hostname to the bare host, e.g. gitlab.example.org")
    if any(c.isspace() for c in hostname) or "@" in hostname or "?" in hostname or "#" in hostname:
        return Step("hostname", FAIL, detail=f"`{hostname}` is not a host name",
                    hint="set config.GitLabRepoProvider.hostname to the bare host, e.g. gitlab.example.org")
    if hostname.endswith("/"):
        return Step("hostname", WARN, detail=f"`{hostname}` ends with `/`, so BinderHub's API URLs get `//`",
                    hint="remove the trailing slash")
    return None


def _get(url: str, settings: GitLabSettings, transport: Transport) -> Reply:
    return provider_api.get(url, transport, headers=settings.auth_headers())


def _token_steps(api, settings, transport) -> tuple[list[Step], bool]:
    """The token's own record as steps, and whether the API answered at all."""
    started = time.monotonic()
    name = f"token ({settings.token_label})"
    try:
        reply = _get(f"{api}/personal_access_tokens/self", settings, transport)
    except Unreachable as exc:
        return [Step(name, FAIL, time.monotonic() - started, exc.detail,
                     exc.hint or "check config.GitLabRepoProvider.hostname")], False
    if reply.status == 404:
        return [Step(name, SKIP, reply.seconds, detail=(
            "cannot inspect: GitLab has no personal-token record for it (a group, project or deploy "
            "token, an OAuth token, or GitLab older than 15.5), so its scopes are unknown; "
            "check access with --repo group/project"))], True
    if reply.status == 403 and _insufficient_scope(reply):
        return [Step(name, WARN, reply.seconds, detail=(
            "cannot inspect: the token's scopes do not allow reading its own record, so it most likely "
            "lacks `api`/`read_api` as well"),
            hint="give the token the `api` and `read_repository` scopes, as the BinderHub guide asks")], True
    if reply.status == 401:
        return [Step(name, FAIL, reply.seconds,
                     f"401 Unauthorized: {settings.hostname} rejects the token (invalid, expired or revoked)",
                     "create a new token with the `api` and `read_repository` scopes and update "
                     f"config.GitLabRepoProvider.{settings.token_label}")], True
    if reply.status != 200:
        detail, hint = describe_failure(reply, "GitLab", f"{api}/personal_access_tokens/self")
        return [Step(name, FAIL, reply.seconds, detail, hint)], True
    record = reply.json()
    if not isinstance(record, dict) or not isinstance(record.get("scopes"), list):
        return [Step(name, FAIL, reply.seconds, "the answer is not GitLab's token JSON",
                     "check config.GitLabRepoProvider.hostname")], True
    title = f"token `{record.get('name')}`" if isinstance(record.get("name"), str) else "token"
    steps = [_state_step(title, record, reply.seconds)]
    steps.append(_scopes_step([s for s in record["scopes"] if isinstance(s, str)]))
    steps.append(_expiry_step(record.get("expires_at")))
    return steps, True


def _insufficient_scope(reply: Reply) -> bool:
    data = reply.json()
    return isinstance(data, dict) and data.get("error") == "insufficient_scope"


def _state_step(title: str, record: dict, seconds: float) -> Step:
    if record.get("revoked") is True:
        return Step(title, FAIL, seconds, "revoked", "create a new token and update the values file")
    if record.get("active") is False:
        return Step(title, FAIL, seconds, "inactive (expired or revoked)",
                    "create a new token and update the values file")
    used = record.get("last_used_at")
    return Step(title, OK, seconds, "active" + (f", last used {used}" if isinstance(used, str) else ""))


def _scopes_step(scopes: list[str]) -> Step:
    listed = ", ".join(scopes) or "none"
    missing = [s for s in GUIDE_SCOPES if s not in scopes]
    if not API_READ_SCOPES & set(scopes):
        return Step("token scopes", FAIL, detail=(
            f"{listed}: missing {', '.join(missing)}; without `api` or `read_api` BinderHub cannot call "
            "repository/commits to resolve a launch's ref"),
            hint="create a token with the `api` and `read_repository` scopes, as the BinderHub guide asks")
    if missing:
        why = {"api": "`read_api` covers the read-only calls BinderHub makes, but the guide asks for `api`",
               "read_repository": "repo2docker clones private projects over git with this token"}
        return Step("token scopes", WARN, detail=(
            f"{listed}: missing {', '.join(missing)} ({'; '.join(why[m] for m in missing)})"),
            hint="add " + " and ".join(f"`{m}`" for m in missing) + " to the token's scopes")
    return Step("token scopes", OK, detail=listed)


def _expiry_step(expires_at) -> Step:
    if expires_at is None:
        return Step("token expiry", OK, detail="no expiry date")
    try:
        day = date.fromisoformat(str(expires_at)[:10])
    except ValueError:
        return Step("token expiry", WARN, detail=f"GitLab reports expires_at {expires_at!r}, not a date; "
                                                   "check the token in GitLab")
    days = (day - datetime.now(timezone.utc).date()).days
    if days < 0:
        return Step("token expiry", FAIL, detail=f"expired on {day}", hint="create a new token")
    if days <= EXPIRY_WARNING_DAYS:
        return Step("token expiry", WARN, detail=f"expires on {day}, in {days} days",
                    hint="rotate the token before then, or launches of private projects stop")
    return Step("token expiry", OK, detail=f"expires on {day}, in {days} days")


def _project_step(api, settings, name, transport) -> Step:
    step_name = f"project {name}"
    started = time.monotonic()
    project_url = f"{api}/projects/{quote(name, safe='')}"
    try:
        reply = _get(project_url, settings, transport)
        if reply.status != 200:
            return _project_failure(step_name, reply, name, settings, started)
        data = reply.json()
        if not isinstance(data, dict) or "default_branch" not in data:
            return Step(step_name, FAIL, time.monotonic() - started, "the answer is not GitLab's project JSON",
                        "check config.GitLabRepoProvider.hostname")
        branch = data.get("default_branch")
        if not isinstance(branch, str) or not branch:
            return Step(step_name, FAIL, time.monotonic() - started,
                        "the project is visible but has no default branch (an empty repository)",
                        "push a commit to the project")
        visibility = data.get("visibility") if isinstance(data.get("visibility"), str) else None
        commit = _get(f"{project_url}/repository/commits/{quote(branch, safe='')}", settings, transport)
    except Unreachable as exc:
        return Step(step_name, FAIL, time.monotonic() - started, exc.detail, exc.hint)
    seconds = time.monotonic() - started
    if commit.status != 200:
        if commit.status == 404:
            return Step(step_name, FAIL, seconds,
                        f"the project is visible but its default branch `{branch}` does not resolve "
                        "(404 on repository/commits); the token may not read the repository",
                        "check the token's role on the project (Reporter or higher) and its scopes")
        return _project_failure(step_name, commit, f"{name}@{branch}", settings, started)
    body = commit.json()
    sha = body.get("id") if isinstance(body, dict) else None
    short = sha[:8] if isinstance(sha, str) else "a commit"
    if visibility in ("private", "internal"):
        detail = (f"{visibility} project readable; default branch `{branch}` resolves to {short}. Every "
                  "user of this BinderHub can now build and launch it, and so see its contents")
    else:
        detail = f"{visibility or 'visible'} project; default branch `{branch}` resolves to {short}"
    return Step(step_name, OK, seconds, detail)


def _project_failure(step_name, reply, name, settings, started) -> Step:
    seconds = time.monotonic() - started
    if reply.status == 404:
        hint = ("BinderHub has no GitLab token, so it sees public projects only; set "
                "config.GitLabRepoProvider.private_token" if settings.token_label is None else
                "give the token's user (or the group/project token) at least Reporter access to the project")
        return Step(step_name, FAIL, seconds,
                    f"404: {name} does not exist, or it is private and the token cannot see it "
                    "(GitLab answers 404 for projects you may not read)", hint)
    if reply.status == 403 and _insufficient_scope(reply):
        return Step(step_name, FAIL, seconds,
                    "403 insufficient_scope: the token may not call the API BinderHub uses",
                    "give the token the `api` (or at least `read_api`) and `read_repository` scopes")
    detail, hint = describe_failure(reply, "GitLab", name)
    return Step(step_name, FAIL, seconds, detail, hint)
