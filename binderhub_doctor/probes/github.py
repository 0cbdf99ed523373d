"""GitHub: does `config.GitHubRepoProvider` give BinderHub the API budget and the access it needs?

BinderHub resolves every launch's ref through the GitHub API. Without credentials GitHub allows
60 requests an hour per IP address, and a token that cannot read a private repository makes
launches fail with "Could not resolve ref". This probe asks GitHub what BinderHub would get:
`GET {api_base_path}/rate_limit` (free of charge) with and without the credentials, the token's
scopes and expiry from the response headers, and, for `--repo`, the repository and the commit of
its default branch, which is the call BinderHub makes (`/repos/{owner}/{repo}/commits/{ref}`).
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from urllib.parse import quote

from ..secrets import redacted
from . import ProbeInputError, provider_api
from .provider_api import Reply, Transport, Unreachable, describe_failure, reset_phrase
from .report import FAIL, OK, SKIP, WARN, ProbeReport, Step

SECTION = ("config", "GitHubRepoProvider")
DEFAULT_HOSTNAME = "github.com"
DEFAULT_API_BASE_PATH = "https://api.{hostname}"
ANONYMOUS_LIMIT = 60
LOW_FRACTION = 0.2  # BinderHub's own log turns to warnings below this share of the limit
EXPIRY_WARNING_DAYS = 14
REPO_PATTERN = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")
ACCEPT = {"Accept": "application/vnd.github+json"}


@dataclass
class GitHubSettings:
    hostname: str
    api_base_path: str  # with {hostname} filled in, no trailing slash
    api_base_path_set: bool
    access_token: str
    client_id: str
    client_secret: str
    section_present: bool

    @property
    def has_app_credentials(self) -> bool:
        return bool(self.client_id and self.client_secret)

    @property
    def has_credentials(self) -> bool:
        return bool(self.access_token or self.has_app_credentials)


@dataclass
class Credential:
    label: str  # "access_token", "client_id + client_secret", "no credentials"
    headers: dict
    basic: tuple[str, str] | None = None


ANONYMOUS = Credential("no credentials", {})


def read_settings(values) -> GitHubSettings:
    """The GitHubRepoProvider traits as BinderHub would see them. Unusable values raise
    ProbeInputError naming the file and line."""
    section, text = provider_api.provider_section(values, SECTION, "GitHubRepoProvider")

    hostname = text("hostname", DEFAULT_HOSTNAME).strip() or DEFAULT_HOSTNAME
    template = text("api_base_path").strip()
    try:
        api = (template or DEFAULT_API_BASE_PATH).format(hostname=hostname).rstrip("/")
    except (KeyError, IndexError, ValueError):
        raise ProbeInputError(f"{provider_api.where(values, SECTION + ('api_base_path',))}config.GitHubRepoProvider."
                           "api_base_path: only `{hostname}` may appear in braces") from None
    settings = GitHubSettings(
        hostname=hostname, api_base_path=api, api_base_path_set=bool(template),
        access_token=text("access_token"), client_id=text("client_id"),
        client_secret=text("client_secret"), section_present=bool(section),
    )
    values.redactor.add([settings.access_token, settings.client_secret])
    values.redactor.add_pair(settings.client_id, settings.client_secret)
    return settings


def check_repo_names(repos) -> list[str]:
    names = [r.strip().removesuffix(".git") for r in repos]
    for name in names:
        if any(part in (".", "..") for part in name.split("/")) or not REPO_PATTERN.match(name):
            raise ProbeInputError(f"--repo `{name}`: expected owner/name, e.g. --repo jupyterhub/binderhub")
    return names


def probe(values, repos=(), transport: Transport = provider_api.DEFAULT_TRANSPORT, probe_anonymous: bool = True) -> ProbeReport:
    """The whole GitHub check. ``probe_anonymous=False`` (doctor) reports missing credentials
    from the values alone instead of spending this machine's anonymous budget."""
    settings = read_settings(values)
    repos = check_repo_names(repos)
    provider_api.require_allowed_url(settings.api_base_path, "config.GitHubRepoProvider.api_base_path")
    report = ProbeReport(title="github", derived={
        "hostname": settings.hostname,
        "api": settings.api_base_path + ("" if settings.api_base_path_set else " (default)"),
        "credentials": _describe_credentials(settings),
    })
    report.steps.extend(_configuration_steps(settings))
    credentials = _credentials(settings)
    usable = [c for c in credentials if not _broken(c)]
    main_reply = None
    for credential in usable:
        reply = _rate_limit_step(report, settings, credential, transport, primary=True)
        if reply is None:
            return _unanswered(report)
        if credential.label == "access_token" and reply.status == 200:
            main_reply = reply
    if main_reply is not None:
        report.steps.append(_scopes_step(main_reply))
        report.steps.append(_expiry_step(main_reply))
    if probe_anonymous:
        # With credentials this is the comparison ("what without them"); without, it is the budget.
        reply = _rate_limit_step(report, settings, ANONYMOUS, transport, primary=not credentials)
        if reply is None and not credentials:
            return _unanswered(report)
    elif not credentials:
        report.steps.append(Step("rate limit", SKIP, detail=(
            "not probed: the anonymous limit counts per IP address of the BinderHub pod, not of this "
            "machine (`binderhub-doctor check-github` shows this machine's)")))
    repo_credential = usable[0] if usable else (ANONYMOUS if not credentials else None)
    for name in repos:
        if repo_credential is None:
            report.steps.append(Step(f"repository {name}", SKIP, detail="not checked: no usable credentials"))
        else:
            report.steps.append(_repo_step(settings, name, repo_credential, transport))
    return report


def _unanswered(report: ProbeReport) -> ProbeReport:
    """No answer at all: every further request would only wait the same way."""
    report.steps.append(Step("further checks", SKIP, detail="not tried: the GitHub API did not answer"))
    return report


def _describe_credentials(settings: GitHubSettings) -> str:
    parts = []
    if settings.access_token:
        parts.append(f"access_token {redacted(settings.access_token)}")
    if settings.client_id or settings.client_secret:
        parts.append("client_id + client_secret" if settings.has_app_credentials else
                     ("client_id only" if settings.client_id else "client_secret only"))
    return ", ".join(parts) or "none"


def _credentials(settings: GitHubSettings) -> list[Credential]:
    """What BinderHub would authenticate with, token first (the one that can read private repos)."""
    found: list[Credential] = []
    if settings.access_token:
        found.append(Credential("access_token", {"Authorization": f"token {settings.access_token}"}))
    if settings.has_app_credentials:
        found.append(Credential("client_id + client_secret", {},
                                (settings.client_id, settings.client_secret)))
    return found


def _broken(credential: Credential) -> bool:
    values = [*credential.headers.values(), *(credential.basic or ())]
    return any(v != v.strip() or any(c in v for c in "\r\n") for v in values)


def _configuration_steps(settings: GitHubSettings) -> list[Step]:
    steps = []
    if not settings.section_present:
        steps.append(Step("credentials", WARN,
                          detail="config.GitHubRepoProvider is not set: BinderHub calls the GitHub API "
                                 f"anonymously, {ANONYMOUS_LIMIT} requests/hour for everything behind one IP",
                          hint=_TOKEN_HINT))
    elif not settings.has_credentials:
        half = ""
        if settings.client_id or settings.client_secret:
            half = (" (client_id and client_secret only count together; BinderHub sends basic auth "
                    "only when both are set)")
        steps.append(Step("credentials", WARN,
                          detail=f"no access_token or client_id + client_secret{half}: BinderHub calls the "
                                 f"GitHub API anonymously, {ANONYMOUS_LIMIT} requests/hour per IP",
                          hint=_TOKEN_HINT))
    else:
        for credential in _credentials(settings):
            if _broken(credential):
                steps.append(Step(f"credentials ({credential.label})", FAIL,
                                  detail="the value has leading/trailing whitespace or a line break, so "
                                         "BinderHub would send a broken Authorization header",
                                  hint="remove the spaces or newline (`key: |` adds a newline; use a plain scalar)"))
        if settings.client_id and not settings.client_secret or settings.client_secret and not settings.client_id:
            steps.append(Step("credentials (client_id + client_secret)", WARN,
                              detail="only one of client_id / client_secret is set; BinderHub ignores it alone",
                              hint="set both, or remove the one that is set"))
    if settings.hostname != DEFAULT_HOSTNAME and not settings.api_base_path_set:
        steps.append(Step("api address", WARN,
                          detail=f"hostname is {settings.hostname} but api_base_path is unset, so BinderHub "
                                 f"calls {settings.api_base_path}",
                          hint="GitHub Enterprise serves its API at https://<hostname>/api/v3: set "
                               "config.GitHubRepoProvider.api_base_path: https://{hostname}/api/v3"))
    return steps


_TOKEN_HINT = ("create a token (no scopes are needed for public repositories) and set "
               "config.GitHubRepoProvider.access_token in secret.yaml")


def _get(settings: GitHubSettings, path: str, credential: Credential, transport: Transport) -> Reply:
    return provider_api.get(settings.api_base_path + path, transport, headers={**ACCEPT, **credential.headers},
                            basic=credential.basic)


def _rate_limit_step(report, settings, credential, transport, primary: bool):
    """One `GET /rate_limit`. `primary`: this budget is the one BinderHub runs on, so problems fail
    or warn; otherwise it is shown for comparison only."""
    name = f"rate limit ({credential.label})"
    started = time.monotonic()
    try:
        reply = _get(settings, "/rate_limit", credential, transport)
    except Unreachable as exc:
        report.steps.append(Step(name, FAIL if primary else WARN, time.monotonic() - started,
                                 exc.detail, exc.hint or _api_hint(settings)))
        return None
    seconds = reply.seconds
    if reply.status != 200:
        detail, hint = describe_failure(reply, "GitHub", f"{settings.api_base_path}/rate_limit")
        if reply.status == 404:
            hint = _api_hint(settings) or "check config.GitHubRepoProvider.api_base_path"
        report.steps.append(Step(name, FAIL if primary else WARN, seconds, detail, hint))
        return reply
    core = _core_budget(reply)
    if core is None:
        report.steps.append(Step(name, FAIL if primary else WARN, seconds,
                                 f"{settings.api_base_path}/rate_limit did not answer with GitHub's "
                                 "rate-limit JSON", _api_hint(settings) or "check api_base_path"))
        return reply
    limit, remaining, used, reset = core
    detail = (f"{remaining} of {limit}/hour left, {used} used, resets at {reset_phrase(reset)}; "
              f"that is about {limit} launches of a new ref per hour (BinderHub spends one API call "
              "to resolve each)")
    status, hint = OK, None
    if not primary:
        detail = f"{remaining} of {limit}/hour left (what BinderHub would get without credentials, from this IP)"
    elif remaining == 0:
        status = FAIL
        detail = (f"exhausted: 0 of {limit}/hour left until {reset_phrase(reset)}; launches fail with "
                  "\"GitHub rate limit exceeded\" until then")
        hint = _TOKEN_HINT if credential is ANONYMOUS else (
            "wait for the reset; if other services share this token, give BinderHub its own")
    elif limit <= ANONYMOUS_LIMIT:
        status = WARN
        hint = _TOKEN_HINT if credential is ANONYMOUS else (
            "GitHub counted these credentials as anonymous; check the token")
        detail += f"; {limit}/hour is GitHub's anonymous limit, shared by every launch from one IP"
    elif remaining < limit * LOW_FRACTION:
        status = WARN
        detail = f"only {remaining} of {limit}/hour left until {reset_phrase(reset)} ({used} used)"
        hint = "something else spends this token's budget, or BinderHub is very busy; give BinderHub its own token"
    report.steps.append(Step(name, status, seconds, detail, hint))
    return reply


def _core_budget(reply: Reply):
    data = reply.json()
    if not isinstance(data, dict):
        return None
    resources = data.get("resources")
    core = resources.get("core") if isinstance(resources, dict) else None
    if not isinstance(core, dict):
        core = data.get("rate")  # deprecated duplicate of core, still sent
    if not isinstance(core, dict):
        return None
    try:
        limit, remaining = int(core["limit"]), int(core["remaining"])
        used = int(core.get("used", limit - remaining))
        reset = int(core["reset"])
    except (KeyError, TypeError, ValueError, OverflowError):  # OverflowError: Infinity
        return None
    return limit, remaining, used, reset


def _api_hint(settings: GitHubSettings) -> str | None:
    if settings.hostname != DEFAULT_HOSTNAME and not settings.api_base_path_set:
        return ("GitHub Enterprise serves its API at https://<hostname>/api/v3: set "
                "config.GitHubRepoProvider.api_base_path")
    return None


def _scopes_step(reply: Reply) -> Step:
    scopes = reply.header("x-oauth-scopes")
    if scopes is None:
        return Step("token scopes", OK, detail="n/a (fine-grained or app token: GitHub reports no scopes; "
                                                 "check the token's repository access with --repo)")
    listed = [s.strip() for s in scopes.split(",") if s.strip()]
    if not listed:
        return Step("token scopes", OK, detail="none (classic token without scopes: public repositories only)")
    detail = ", ".join(listed) + " (classic token)"
    if "repo" not in listed:
        detail += "; without `repo` BinderHub can build public repositories only"
    return Step("token scopes", OK, detail=detail)


def _expiry_step(reply: Reply) -> Step:
    raw = reply.header("github-authentication-token-expiration")
    if not raw:
        return Step("token expiry", OK, detail="GitHub sent no expiry date (the token does not expire)")
    moment = _parse_expiry(raw)
    if moment is None:
        return Step("token expiry", WARN, detail=f"GitHub says the token expires at {raw!r}, which is not a "
                                                   "date this tool can read; check it on GitHub")
    days = (moment - datetime.now(timezone.utc)).total_seconds() / 86400
    try:
        when = f"{moment.astimezone():%Y-%m-%d %H:%M %Z}"
    except OverflowError:  # 9999-12-31 23:59:59 -1200 is in the year 10000 here
        when = f"{moment:%Y-%m-%d %H:%M %z}"
    left = f"in {round(days)} days" if days >= 1 else f"in {max(0, round(days * 24))} hours"
    if days < 0:
        return Step("token expiry", FAIL, detail=f"expired on {when}",
                    hint="create a new token and update config.GitHubRepoProvider.access_token")
    if days <= EXPIRY_WARNING_DAYS:
        return Step("token expiry", WARN, detail=f"expires on {when}, {left}",
                    hint="renew the token before then, or launches of private repositories and the "
                         "higher rate limit stop")
    return Step("token expiry", OK, detail=f"expires on {when}, {left}")


def _parse_expiry(raw: str) -> datetime | None:
    text = raw.strip()
    for pattern in ("%Y-%m-%d %H:%M:%S %Z", "%Y-%m-%d %H:%M:%S %z", "%Y-%m-%dT%H:%M:%S%z"):
        try:
            moment = datetime.strptime(text.replace("UTC", "+0000") if "%z" in pattern else text, pattern)
        except ValueError:
            continue
        return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
    return None


def _repo_step(settings, name, credential, transport) -> Step:
    step_name = f"repository {name}"
    started = time.monotonic()
    owner, repo = name.split("/", 1)
    path = f"/repos/{quote(owner, safe='')}/{quote(repo, safe='')}"
    try:
        reply = _get(settings, path, credential, transport)
        if reply.status != 200:
            return _repo_failure(step_name, reply, name, credential, started)
        data = reply.json()
        if not isinstance(data, dict) or not isinstance(data.get("default_branch"), str):
            return Step(step_name, FAIL, time.monotonic() - started,
                        "the answer is not GitHub's repository JSON", "check api_base_path")
        branch = data["default_branch"]
        private = bool(data.get("private")) or data.get("visibility") in ("private", "internal")
        ref_reply = _get(settings, f"{path}/commits/{quote(branch, safe='')}", credential, transport)
    except Unreachable as exc:
        return Step(step_name, FAIL, time.monotonic() - started, exc.detail, exc.hint)
    seconds = time.monotonic() - started
    if ref_reply.status != 200:
        if ref_reply.status in (404, 409, 422):
            return Step(step_name, FAIL, seconds,
                        f"the repository is visible but its default branch `{branch}` does not resolve "
                        f"({ref_reply.status}; an empty repository answers 409)",
                        "push a commit to the default branch")
        detail, hint = describe_failure(ref_reply, "GitHub", f"{name}@{branch}")
        return Step(step_name, FAIL, seconds, detail, hint)
    commit = ref_reply.json()
    sha = commit.get("sha") if isinstance(commit, dict) else None
    short = sha[:7] if isinstance(sha, str) else "a commit"
    if private:
        detail = (f"private repository readable; default branch `{branch}` resolves to {short}. Every user "
                  "of this BinderHub can now build and launch it, and so see its contents")
    else:
        detail = f"public repository; default branch `{branch}` resolves to {short}"
    return Step(step_name, OK, seconds, detail)


def _repo_failure(step_name, reply, name, credential, started) -> Step:
    seconds = time.monotonic() - started
    if reply.status == 404:
        if credential is ANONYMOUS:
            hint = ("BinderHub has no GitHub credentials, so it only sees public repositories; set "
                    "config.GitHubRepoProvider.access_token to a token that can read it")
        elif credential.label == "access_token":
            hint = ("a classic token needs the `repo` scope; a fine-grained token needs this repository in "
                    "its repository access with Contents: read-only (and the owner's approval for organisations)")
        else:
            hint = "OAuth app credentials only raise the rate limit; private repositories need an access_token"
        return Step(step_name, FAIL, seconds,
                    f"404: {name} does not exist, or it is private and these credentials cannot read it "
                    "(GitHub answers 404 rather than 403 for private repositories)", hint)
    if reply.status == 403 and reply.header("x-github-sso"):
        return Step(step_name, FAIL, seconds,
                    f"403: the organisation owning {name} enforces SAML single sign-on and the token is "
                    "not authorised for it", "authorise the token for the organisation's SSO on GitHub")
    detail, hint = describe_failure(reply, "GitHub", name)
    return Step(step_name, FAIL, seconds, detail, hint)
