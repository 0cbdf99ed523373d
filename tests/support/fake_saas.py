"""GitHub and GitLab played by a real HTTP server on 127.0.0.1, for the provider probes' tests.

The answers copy the real APIs: the JSON bodies, status codes and headers GitHub's REST API
(`/rate_limit`, `/repos/{o}/{r}`, `/repos/{o}/{r}/commits/{ref}`) and GitLab's v4 API
(`/personal_access_tokens/self`, `/projects/:id`, `/projects/:id/repository/commits/:ref`) send,
including their failures: GitHub's 401 "Bad credentials", 403 with `x-ratelimit-remaining: 0`,
secondary limits with `retry-after`, 404 for private repositories a token cannot read, GitLab's
`insufficient_scope` 403, 404 for group tokens on `/personal_access_tokens/self` and 429 with
`Retry-After`. (Sources: docs.github.com "Rate limits for the REST API", "Scopes for OAuth apps";
docs.gitlab.com "Personal access tokens API", "Rate limits"; shared/reference §D3.)

GitHub is served under ``/api/v3`` (the GitHub Enterprise layout, so `api_base_path` points at
it), GitLab under ``/api/v4`` (so `hostname` is ``127.0.0.1:<port>``).

Which behaviour a request gets is decided by the token it carries: the constants below are the
tokens of the fake world. They double as canaries: tests assert none of them is ever printed.
"""

from __future__ import annotations

import base64
import json
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote, urlsplit

# --- GitHub tokens --------------------------------------------------------------------------
GH_CLASSIC = "ghp_CanaryClassicRepoScope0123456789abcd"  # scopes repo, read:org
GH_CLASSIC_PUBLIC_ONLY = "ghp_CanaryClassicNoRepoScope012345678ab"  # scope read:user only
GH_FINE_GRAINED = ("github_pat_11CANARYFINE0123456789_" + "Fg" * 29)  # no X-OAuth-Scopes
GH_FINE_GRAINED_EXPIRING = ("github_pat_11CANARYEXPIRING012345_" + "Ex" * 29)  # expires in 3 days
GH_EXHAUSTED = "ghp_CanaryExhaustedBudget0123456789abcd"  # 0 of 5000 left
GH_LOW = "ghp_CanaryLowBudget0123456789abcdefghij"  # 312 of 5000 left
GH_SECONDARY = "ghp_CanarySecondaryLimit0123456789abcde"  # 429 + retry-after on /repos
GH_FLAKY = "ghp_CanaryFlakyServer0123456789abcdefgh"  # first request 502, then fine
GH_DOWN = "ghp_CanaryServerDown0123456789abcdefghi"  # always 503
GH_SLOW = "ghp_CanarySlowServer0123456789abcdefghi"  # answers after SLOW_SECONDS
GH_ECHO = "ghp_CanaryEchoServer0123456789abcdefghi"  # 500 whose message repeats the Authorization header
GH_BAD = "ghp_CanaryUnknownToken0123456789abcdefgh"  # not known to the fake: 401 Bad credentials
GH_APP_CLIENT_ID = "Iv1.c0ffee0123456789"
GH_APP_CLIENT_SECRET = "CanaryAppSecret0123456789abcdef0123456789"

# --- GitLab tokens --------------------------------------------------------------------------
GL_FULL = "glpat-CanaryFullScope0123"  # api + read_repository, expires in 200 days
GL_READ_API = "glpat-CanaryReadApi012345"  # read_api + read_repository (no `api`)
GL_USER_ONLY = "glpat-CanaryReadUser01234"  # read_user only: API calls get insufficient_scope
GL_EXPIRING = "glpat-CanaryExpiring01234"  # api + read_repository, expires in 5 days
GL_GROUP = "glpat-CanaryGroupToken012"  # a group access token: 404 on /personal_access_tokens/self
GL_REVOKED = "glpat-CanaryRevoked012345"  # GitLab answers 401 for revoked tokens
GL_RATE_LIMITED = "glpat-CanaryRateLimit0123"  # 429 + Retry-After
GL_BAD = "glpat-CanaryUnknown012345"  # not known: 401

SLOW_SECONDS = 4.0

# --- the repositories -----------------------------------------------------------------------
GH_PRIVATE_REPO = "octo-org/private-notebooks"
GH_PUBLIC_REPO = "binder-examples/requirements"
GH_EMPTY_REPO = "octo-org/empty"
GH_MOVED_AWAY_REPO = "octo-org/moved-away"  # 301 to another host
GH_SSO_REPO = "sso-org/protected"  # the organisation enforces SAML SSO: 403 with X-GitHub-SSO
GL_PRIVATE_PROJECT = "research/lab/private-analysis"
GL_PUBLIC_PROJECT = "research/public-demo"
GL_MEMBERS_ONLY_REPO = "research/members-only-code"  # public project, repository for members only: 403

_GITHUB_DOCS = "https://docs.github.com/rest"


@dataclass
class GitHubToken:
    scopes: list[str] | None  # None: fine-grained (no X-OAuth-Scopes header)
    limit: int = 5000
    remaining: int = 4990
    expires_in_days: float | None = None
    private_repos: set[str] = field(default_factory=set)


@dataclass
class GitLabToken:
    scopes: list[str]
    expires_in_days: int | None = 200
    group_token: bool = False
    can_read_private: bool = True


def _github_tokens() -> dict[str, GitHubToken]:
    return {
        GH_CLASSIC: GitHubToken(["repo", "read:org"], expires_in_days=60, private_repos={GH_PRIVATE_REPO, GH_EMPTY_REPO}),
        GH_CLASSIC_PUBLIC_ONLY: GitHubToken(["read:user"]),
        GH_FINE_GRAINED: GitHubToken(None, expires_in_days=90, private_repos={GH_PRIVATE_REPO}),
        GH_FINE_GRAINED_EXPIRING: GitHubToken(None, expires_in_days=3, private_repos={GH_PRIVATE_REPO}),
        GH_EXHAUSTED: GitHubToken(["repo"], remaining=0, private_repos={GH_PRIVATE_REPO}),
        GH_LOW: GitHubToken(["repo"], remaining=312),
        GH_SECONDARY: GitHubToken(["repo"], private_repos={GH_PRIVATE_REPO}),
        GH_FLAKY: GitHubToken(["repo"]),
        GH_DOWN: GitHubToken(["repo"]),
        GH_SLOW: GitHubToken(["repo"]),
        GH_ECHO: GitHubToken(["repo"]),
    }


def _gitlab_tokens() -> dict[str, GitLabToken]:
    return {
        GL_FULL: GitLabToken(["api", "read_repository"]),
        GL_READ_API: GitLabToken(["read_api", "read_repository"]),
        GL_USER_ONLY: GitLabToken(["read_user"], can_read_private=False),
        GL_EXPIRING: GitLabToken(["api", "read_repository"], expires_in_days=5),
        GL_GROUP: GitLabToken(["read_api", "read_repository"], group_token=True),
        GL_RATE_LIMITED: GitLabToken(["api", "read_repository"]),
    }


@dataclass
class Seen:
    method: str
    path: str
    query: str
    headers: dict  # lower-case names
    host: str  # the Host header: 127.0.0.1:<port> or localhost:<port>


class FakeSaaS:
    """Start with ``with FakeSaaS() as fake:``; ``fake.github_api`` and ``fake.gitlab_host`` are
    what the values files point at. ``fake.seen`` lists every request received."""

    def __init__(self, anonymous_remaining: int = 57):
        self.github_tokens = _github_tokens()
        self.gitlab_tokens = _gitlab_tokens()
        self.anonymous_remaining = anonymous_remaining
        self.seen: list[Seen] = []
        self._flaky_failures = {GH_FLAKY: 1}
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _make_handler(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.reset_epoch = int(time.time()) + 23 * 60 + 30

    # -- lifecycle --
    def __enter__(self) -> "FakeSaaS":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    @property
    def github_api(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v3"

    @property
    def gitlab_host(self) -> str:
        return f"127.0.0.1:{self.port}"

    def requests_to(self, prefix: str) -> list[Seen]:
        return [s for s in self.seen if s.path.startswith(prefix)]

    def record(self, seen: Seen) -> None:
        with self._lock:
            self.seen.append(seen)

    def take_flaky_failure(self, token: str) -> bool:
        with self._lock:
            left = self._flaky_failures.get(token, 0)
            if left:
                self._flaky_failures[token] = left - 1
            return bool(left)


# --- the HTTP side ---------------------------------------------------------------------------

def _make_handler(fake: FakeSaaS):
    class Handler(BaseHTTPRequestHandler):
        server_version = "fake-saas"
        protocol_version = "HTTP/1.1"

        def log_message(self, format, *args):  # noqa: A002 - keep test output clean
            pass

        def do_GET(self):  # noqa: N802 - http.server's naming
            headers = {k.lower(): v for k, v in self.headers.items()}
            parts = urlsplit(self.path)
            path = parts.path
            fake.record(Seen("GET", path, parts.query, headers, headers.get("host", "")))
            if path.startswith("/api/v3/"):
                status, reply_headers, body = _github(fake, path[len("/api/v3"):], headers)
            elif path.startswith("/api/v4/"):
                status, reply_headers, body = _gitlab(fake, path[len("/api/v4"):], headers)
            else:
                status, reply_headers, body = 404, {"Content-Type": "text/html"}, b"<h1>Not Found</h1>"
            self._answer(status, reply_headers, body)

        def _answer(self, status, headers, body):
            if isinstance(body, (dict, list)):
                body = json.dumps(body).encode()
            elif isinstance(body, str):
                body = body.encode()
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, str(value))
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    return Handler


# --- GitHub ----------------------------------------------------------------------------------

def _github_identity(headers: dict):
    """(token value or None, is_app, known) as GitHub would authenticate the request."""
    authorization = headers.get("authorization", "")
    if authorization.lower().startswith("basic "):
        try:
            user, _, password = base64.b64decode(authorization[6:]).decode().partition(":")
        except (ValueError, UnicodeDecodeError):
            return None, True, False
        return None, True, (user, password) == (GH_APP_CLIENT_ID, GH_APP_CLIENT_SECRET)
    for prefix in ("token ", "bearer "):
        if authorization.lower().startswith(prefix):
            return authorization[len(prefix):], False, None
    return None, False, True


def _github_headers(fake, limit, remaining, token: GitHubToken | None, resource="core") -> dict:
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "Server": "github.com",
        "X-GitHub-Media-Type": "github.v3; format=json",
        "X-GitHub-Api-Version-Selected": "2022-11-28",
        "x-ratelimit-limit": limit,
        "x-ratelimit-remaining": remaining,
        "x-ratelimit-reset": fake.reset_epoch,
        "x-ratelimit-used": limit - remaining,
        "x-ratelimit-resource": resource,
        "X-GitHub-Request-Id": "C0DE:1234:5678:9ABC:65F0A1B2",
    }
    if token is not None:
        if token.scopes is not None:
            headers["X-OAuth-Scopes"] = ", ".join(token.scopes)
            headers["X-Accepted-OAuth-Scopes"] = "repo" if resource == "repo" else ""
        if token.expires_in_days is not None:
            moment = datetime.now(timezone.utc) + timedelta(days=token.expires_in_days)
            headers["GitHub-Authentication-Token-Expiration"] = moment.strftime("%Y-%m-%d %H:%M:%S UTC")
    return headers


def _rate_limit_body(fake, limit, remaining) -> dict:
    core = {"limit": limit, "used": limit - remaining, "remaining": remaining, "reset": fake.reset_epoch}
    authenticated = limit > 60
    reset = fake.reset_epoch
    return {
        "resources": {
            "core": core,
            "graphql": {"limit": 5000 if authenticated else 0, "used": 0,
                        "remaining": 5000 if authenticated else 0, "reset": reset},
            "integration_manifest": {"limit": 5000, "used": 0, "remaining": 5000, "reset": reset},
            "search": {"limit": 30 if authenticated else 10, "used": 0,
                       "remaining": 30 if authenticated else 10, "reset": reset},
            "code_search": {"limit": 10, "used": 0, "remaining": 10, "reset": reset},
            "source_import": {"limit": 100, "used": 0, "remaining": 100, "reset": reset},
            "code_scanning_upload": {"limit": 500, "used": 0, "remaining": 500, "reset": reset},
            "actions_runner_registration": {"limit": 10000, "used": 0, "remaining": 10000, "reset": reset},
            "scim": {"limit": 15000, "used": 0, "remaining": 15000, "reset": reset},
            "dependency_snapshots": {"limit": 100, "used": 0, "remaining": 100, "reset": reset},
        },
        "rate": dict(core),
    }


def _github(fake: FakeSaaS, path: str, headers: dict):
    token_value, is_app, known = _github_identity(headers)
    token = fake.github_tokens.get(token_value) if token_value else None
    if (token_value and token is None) or (is_app and not known):
        return 401, {**_github_headers(fake, 60, fake.anonymous_remaining, None)}, {
            "message": "Bad credentials", "documentation_url": _GITHUB_DOCS, "status": "401"}
    trouble = _github_trouble(fake, token_value, headers)
    if trouble is not None:
        return trouble
    limit, remaining = _github_budget(fake, token, is_app)
    base = _github_headers(fake, limit, remaining, token)

    if path == "/rate_limit":  # free of charge, answers even when the budget is used up
        return 200, base, _rate_limit_body(fake, limit, remaining)
    if remaining == 0:
        return _github_rate_limited(base, token_value)
    if token_value == GH_SECONDARY:
        return 429, {**base, "retry-after": "60"}, {
            "message": "You have exceeded a secondary rate limit. Please wait a few minutes before you try "
                       "again. If you reach out to GitHub Support for help, please include the request ID "
                       "C0DE:1234:5678:9ABC:65F0A1B2.",
            "documentation_url": "https://docs.github.com/free-pro-team@latest/rest/overview/"
                                 "rate-limits-for-the-rest-api#about-secondary-rate-limits",
            "status": "429"}

    parts = path.strip("/").split("/")
    if len(parts) >= 3 and parts[0] == "repos":
        answer = _github_repos(fake, parts, token, base)
        if answer is not None:
            return answer
    return 404, base, {"message": "Not Found", "documentation_url": _GITHUB_DOCS, "status": "404"}


def _github_trouble(fake: FakeSaaS, token_value: str | None, headers: dict):
    """The answer of a server in trouble, for the tokens that ask for one; None otherwise."""
    # Server errors ask for an immediate retry (Retry-After: 0): these tests are about what the
    # probes make of the answers; waiting between retries is tested in test_probe_http.py.
    if token_value == GH_DOWN:
        return 503, {"Content-Type": "application/json", "Retry-After": "0"}, {"message": "Service Unavailable"}
    if token_value == GH_FLAKY and fake.take_flaky_failure(GH_FLAKY):
        return 502, {"Content-Type": "text/html", "Retry-After": "0"}, "<html><body><h1>502 Bad Gateway</h1></body></html>"
    if token_value == GH_SLOW:
        time.sleep(SLOW_SECONDS)  # then answers as usual
    if token_value == GH_ECHO:
        return 500, {"Content-Type": "application/json", "Retry-After": "0"}, {
            "message": f"internal error while handling Authorization: {headers.get('authorization')}"}
    return None


def _github_budget(fake: FakeSaaS, token: GitHubToken | None, is_app: bool) -> tuple[int, int]:
    """(limit, remaining) of the core rate limit for this caller."""
    if token is not None:
        return token.limit, token.remaining
    if is_app:
        return 5000, 4321
    return 60, fake.anonymous_remaining


def _github_rate_limited(base: dict, token_value: str | None):
    who = "user ID 583231" if token_value else "127.0.0.1"
    extra = ("" if token_value else " (But here's the good news: Authenticated requests get a higher "
             "rate limit. Check out the documentation for more details.)")
    return 403, base, {
        "message": f"API rate limit exceeded for {who}.{extra}",
        "documentation_url": "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api"}


def _github_repos(fake: FakeSaaS, parts: list[str], token: GitHubToken | None, base: dict):
    """/repos/{owner}/{name}[/commits/{ref}]; None for any other path below a repository."""
    full_name = f"{unquote(parts[1])}/{unquote(parts[2])}"
    visible = full_name in (GH_PUBLIC_REPO,) or (token is not None and full_name in token.private_repos)
    if full_name == GH_MOVED_AWAY_REPO:
        return 301, {**base, "Location": f"http://localhost:{fake.port}/api/v3/repositories/4242"}, {
            "message": "Moved Permanently", "url": f"http://localhost:{fake.port}/api/v3/repositories/4242",
            "documentation_url": _GITHUB_DOCS}
    if full_name == GH_SSO_REPO and token is not None:
        return 403, {**base, "X-GitHub-SSO": "required; url=https://github.com/orgs/sso-org/sso?authorization_request=AZ"}, {
            "message": "Resource protected by organization SAML enforcement. You must grant your Personal "
                       "Access token access to this organization.",
            "documentation_url": "https://docs.github.com/articles/authenticating-to-a-github-organization-with-saml-single-sign-on/",
            "status": "403"}
    if not visible:
        return 404, base, {"message": "Not Found",
                           "documentation_url": "https://docs.github.com/rest/repos/repos#get-a-repository",
                           "status": "404"}
    if len(parts) == 3:
        return 200, base, _github_repo(full_name)
    if len(parts) >= 5 and parts[3] == "commits":
        return _github_commit(full_name, unquote("/".join(parts[4:])), base)
    return None


def _github_commit(full_name: str, ref: str, base: dict):
    if full_name == GH_EMPTY_REPO:
        return 409, base, {"message": "Git Repository is empty.",
                           "documentation_url": "https://docs.github.com/rest/commits/commits#get-a-commit",
                           "status": "409"}
    if ref != "main":
        return 422, base, {"message": f"No commit found for SHA: {ref}",
                           "documentation_url": "https://docs.github.com/rest/commits/commits#get-a-commit",
                           "status": "422"}
    sha = "9f2c1e4b7a0d3c6e5f8a1b2c3d4e5f60718293a4"
    return 200, base, {"sha": sha, "node_id": "C_kwDOAbCdEfGh", "commit": {"message": "Add notebooks"},
                       "url": f"https://api.github.com/repos/{full_name}/commits/{sha}"}


def _github_repo(full_name: str) -> dict:
    owner, name = full_name.split("/")
    private = full_name != GH_PUBLIC_REPO
    return {
        "id": 4242, "node_id": "R_kgDOAbCdEf", "name": name, "full_name": full_name,
        "private": private, "visibility": "private" if private else "public",
        "owner": {"login": owner, "id": 9919, "type": "Organization"},
        "html_url": f"https://github.com/{full_name}", "fork": False,
        "default_branch": "main", "archived": False, "disabled": False,
        "permissions": {"admin": False, "maintain": False, "push": False, "triage": False, "pull": True},
    }


# --- GitLab ----------------------------------------------------------------------------------

def _gitlab_headers(extra: dict | None = None) -> dict:
    return {"Content-Type": "application/json", "Cache-Control": "max-age=0, private, must-revalidate",
            "X-Gitlab-Meta": '{"correlation_id":"01HV5K3Q3J5N6Z","version":"1"}',
            "X-Request-Id": "01HV5K3Q3J5N6Z", "X-Runtime": "0.031", **(extra or {})}


def _gitlab(fake: FakeSaaS, path: str, headers: dict):
    token_value = headers.get("private-token")
    authorization = headers.get("authorization", "")
    if token_value is None and authorization.lower().startswith("bearer "):
        token_value = authorization[7:]
    token = fake.gitlab_tokens.get(token_value) if token_value else None
    if token_value and token is None:
        return 401, _gitlab_headers(), {"message": "401 Unauthorized"}
    if token_value == GL_RATE_LIMITED:
        reset = int(time.time()) + 60
        return 429, {"Content-Type": "text/plain", "RateLimit-Name": "throttle_authenticated_api",
                     "RateLimit-Limit": "2000", "RateLimit-Observed": "2001", "RateLimit-Remaining": "0",
                     "RateLimit-Reset": str(reset),
                     "RateLimit-ResetTime": time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(reset)),
                     "Retry-After": "60"}, "Retry later\n"

    if path == "/personal_access_tokens/self":
        if token is None:
            return 401, _gitlab_headers(), {"message": "401 Unauthorized"}
        if token.group_token:
            return 404, _gitlab_headers(), {"message": "404 Not Found"}
        expires = None
        if token.expires_in_days is not None:
            expires = (datetime.now(timezone.utc).date() + timedelta(days=token.expires_in_days)).isoformat()
        return 200, _gitlab_headers(), {
            "id": 4711, "name": "binderhub", "revoked": False, "created_at": "2026-01-12T09:14:03.201Z",
            "description": "BinderHub repo provider", "scopes": token.scopes, "user_id": 31,
            "last_used_at": "2026-03-02T17:58:37.550Z", "active": True, "expires_at": expires}

    if path.startswith("/projects/"):
        if token is not None and not ({"api", "read_api"} & set(token.scopes)):
            return 403, _gitlab_headers({
                "WWW-Authenticate": 'Bearer realm="Protected by OAuth 2", error="insufficient_scope", '
                                    'error_description="The request requires higher privileges than provided '
                                    'by the access token.", scope="api read_api"'}), {
                "error": "insufficient_scope",
                "error_description": "The request requires higher privileges than provided by the access token.",
                "scope": "api read_api"}
        rest = path[len("/projects/"):]
        encoded, _, tail = rest.partition("/")
        project = unquote(encoded)
        visible = project in (GL_PUBLIC_PROJECT, GL_MEMBERS_ONLY_REPO) or (
            project == GL_PRIVATE_PROJECT and token is not None and token.can_read_private)
        if not visible:
            return 404, _gitlab_headers(), {"message": "404 Project Not Found"}
        if not tail:
            private = project == GL_PRIVATE_PROJECT
            return 200, _gitlab_headers(), {
                "id": 278964, "name": project.rsplit("/", 1)[-1], "path_with_namespace": project,
                "default_branch": "main", "visibility": "private" if private else "public",
                "web_url": f"https://gitlab.example.org/{project}", "archived": False}
        if tail.startswith("repository/") and project == GL_MEMBERS_ONLY_REPO:
            return 403, _gitlab_headers(), {"message": "403 Forbidden"}
        if tail.startswith("repository/commits/"):
            ref = unquote(tail[len("repository/commits/"):])
            if ref not in ("main", "HEAD"):
                return 404, _gitlab_headers(), {"message": "404 Commit Not Found"}
            return 200, _gitlab_headers(), {
                "id": "6104942438c14ec7bd21c6cd5bd995272b3faff6", "short_id": "6104942438c",
                "title": "Update analysis notebooks", "author_name": "Ada", "created_at": "2026-02-01T10:00:00.000Z"}
    return 404, _gitlab_headers(), {"error": "404 Not Found"}
