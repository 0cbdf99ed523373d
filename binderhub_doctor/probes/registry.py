"""The registry probe: the Docker Registry v2 handshake BinderHub depends on, one Step per check.

connect   GET <url>/v2/ without credentials: DNS, TCP, TLS, and the answer.
challenge read WWW-Authenticate: Basic, Bearer realm=…,service=…, or anonymous access.
token url compare the configured token_url with the advertised realm and service.
authenticate Basic against /v2/, or a Bearer token from the realm for repository:<name>:pull,push;
          the token's `access` claim says what was granted.
pull      GET a manifest for a tag that does not exist: must be 404 (401/403 = rebuild every launch).
push      POST a blob upload (202 + Location), then DELETE the Location. Nothing is pushed.
Before them, offline: whether docker in the build pods would find push credentials for
image_prefix's registry in the config.json the chart writes (push_credential_notes).

Credentials go only to the registry's own scheme+host+port and to a realm on the same site
(or one the user allowed); the HTTP layer drops them on redirects elsewhere. Every secret the
probe handles (password, Basic pair, token) is added to the redactor before anything is printed.
"""

from __future__ import annotations

import base64
import functools
import ipaddress
import re
import time
from dataclasses import dataclass, field
from urllib.parse import quote, urlsplit

from ..models.registry import (
    BINDERHUB_TOKEN_SERVICE,
    DOCKER_HUB_HOSTS,
    ERROR,
    WARNING,
    RegistrySettings,
    SettingsNote,
    go_sprint,
    token_url_endpoint,
    token_url_service,
)
from ..urls import url_hostname
from .http import (
    HttpClient,
    HttpError,
    Response,
    basic_authorization,
    decode_json,
    describe_proxy,
    host_port,
    join_url,
    origin,
    safe_url,
    usable_url,
)
from .report import FAIL, OK, SKIP, WARN, ProbeReport, Step

MANIFEST_ACCEPT = ", ".join((
    "application/vnd.oci.image.manifest.v1+json",
    "application/vnd.oci.image.index.v1+json",
    "application/vnd.docker.distribution.manifest.v2+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
))
# Sites shared by many unrelated tenants that the Public Suffix List does not list (yet): a
# realm there must be on the registry's own host.
_SHARED_SITES = frozenset({
    "azurecr.io", "pkg.dev", "jfrog.io", "amazonaws.com", "azurewebsites.net", "cloudapp.net", "appspot.com",
    "herokuapp.com", "github.io", "gitlab.io", "nip.io", "sslip.io", "ngrok.io", "ngrok-free.app",
    "duckdns.org", "cloudfront.net", "web.app", "firebaseapp.com", "run.app", "workers.dev",
})

_HINTS = {
    "refused": "start the registry, or fix the host and port in registry.url / DockerRegistry.url",
    "dns": "check the host name in registry.url / DockerRegistry.url, and that this machine can resolve it",
    "tls": "pass the registry's CA certificate with --ca-bundle FILE, or fix the registry's certificate",
    "timeout": "check that this machine can reach the registry (firewall, proxy, VPN), or raise --timeout",
    "deadline": "the registry is too slow to answer; raise --timeout",
    "insecure": "use https, or pass --insecure-registry HOST if the registry really is plain http",
    "insecure_proxy": "add the registry's host to NO_PROXY (a plain-http registry is usually on the local network), "
                      "or serve it over https",
    "invalid_url": "fix the URL in the values",
}


_REDIRECT_HINT = "point DockerRegistry.url at the host the registry redirects to, or fix the registry's redirect"
_TOKEN = r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+"
_CHALLENGE_ITEM = re.compile(rf'\s*(?:,\s*)?(?:({_TOKEN})\s*=\s*("(?:[^"\\]|\\.)*"|{_TOKEN})|({_TOKEN}))')
_QUOTED_PAIR = re.compile(r"\\(.)")


@dataclass
class RegistryProbeOptions:
    timeout: float = 10.0
    deadline: float | None = None  # default: 5 × timeout
    ca_bundle: str | None = None
    insecure_hosts: tuple[str, ...] = ()
    allowed_realm_hosts: tuple[str, ...] = ()
    skip_push: bool = False


@dataclass
class Challenge:
    scheme: str  # "basic" | "bearer" | "none" (anonymous access)
    params: dict = field(default_factory=dict)

    @property
    def realm(self) -> str:
        return self.params.get("realm", "")

    @property
    def service(self) -> str:
        return self.params.get("service", "")


def parse_challenges(header: str) -> list[Challenge]:
    """WWW-Authenticate: `Scheme k=v, k="v", Scheme2 …` (several challenges may share one header)."""
    # `\s*(?:,\s*)?`, not `\s*,?\s*`: two adjacent `\s*` split a run of spaces n ways (a header of
    # 65,000 spaces kept a 1 s check busy for 113 s).
    pattern = _CHALLENGE_ITEM
    challenges: list[Challenge] = []
    position = 0
    while position < len(header):
        match = pattern.match(header, position)
        if not match or match.end() == position:
            break
        position = match.end()
        if match.group(3):
            challenges.append(Challenge(match.group(3).lower()))
        elif challenges:
            value = match.group(2)
            if value.startswith('"'):
                value = _QUOTED_PAIR.sub(r"\1", value[1:-1])
            challenges[-1].params[match.group(1).lower()] = value
    return challenges


def pick_challenge(header: str) -> Challenge | None:
    challenges = parse_challenges(header or "")
    for wanted in ("bearer", "basic"):
        for challenge in challenges:
            if challenge.scheme == wanted:
                return challenge
    return challenges[0] if challenges else None


def site_of(host: str) -> str:
    """The registrable domain by the Public Suffix List, private section included (`a.fly.dev`,
    `x.blob.core.windows.net` are sites of their own); IPs, single labels and shared sites stay whole."""
    host = host.lower().strip("[]").rstrip(".")
    try:
        ipaddress.ip_address(host)
        return host
    except ValueError:
        pass
    site = _public_suffix_list().privatesuffix(host)
    if site is None or site in _SHARED_SITES:
        return host
    return site


@functools.lru_cache(maxsize=1)
def _public_suffix_list():
    """publicsuffixlist ships the list in the package: nothing is fetched at run time."""
    from publicsuffixlist import PublicSuffixList

    return PublicSuffixList()


def _port(url: str) -> int:
    return origin(url)[2]


def realm_allowed(realm: str, registry_url: str, allowed_hosts=()) -> bool:
    """Credentials may go to the realm when the user allowed its host (or host:port), or when it
    is on the registry's site and port (or its own scheme's default port: `registry:5000` ->
    `https://auth.<site>`)."""
    try:
        realm_host = (urlsplit(realm).hostname or "").lower()
        registry_host = (urlsplit(registry_url).hostname or "").lower()
        _port(realm)
    except ValueError:
        return False
    if not realm_host:
        return False
    allowed = {h.lower() for h in allowed_hosts}
    if realm_host in allowed or host_port(realm).lower() in allowed:
        return True
    return realm_port_allowed(realm, registry_url) and same_site(realm_host, registry_host)


def same_site(host: str, other: str) -> bool:
    return host == other or site_of(host) == site_of(other)


def realm_port_allowed(realm: str, registry_url: str) -> bool:
    """The registry's own port, or the default port of the realm's scheme."""
    default_port = {"https": 443, "http": 80}.get(urlsplit(realm).scheme)
    return _port(realm) in (_port(registry_url), default_port)


def token_grants(token: str, repository: str) -> list[str] | None:
    """The actions a JWT's `access` claim grants on `repository`; None for an opaque token."""
    parts = token.split(".")
    if len(parts) != 3:
        return None
    try:
        padded = parts[1] + "=" * (-len(parts[1]) % 4)
        claims = decode_json(base64.urlsafe_b64decode(padded.encode()))
    except ValueError:  # binascii.Error is one too
        return None
    access = claims.get("access") if isinstance(claims, dict) else None
    if not isinstance(access, list):
        return None
    actions: list[str] = []
    for entry in access:
        if isinstance(entry, dict) and entry.get("type") == "repository" and entry.get("name") == repository:
            actions.extend(a for a in entry.get("actions") or [] if isinstance(a, str))
    return actions


def registry_errors(response: Response) -> str:
    """`CODE: message` pairs from a registry's error body, short; '' when there are none."""
    try:
        errors = decode_json(response.body).get("errors") if not response.truncated else None
    except (ValueError, AttributeError):
        return ""
    if not isinstance(errors, list):
        return ""
    parts = []
    for error in errors[:3]:
        if isinstance(error, dict):
            parts.append(f"{error.get('code', '?')}: {str(error.get('message', ''))[:120]}")
    return "; ".join(parts)


class _Probe:
    def __init__(self, settings: RegistrySettings, options: RegistryProbeOptions, redactor):
        self.settings = settings
        self.options = options
        self.redactor = redactor
        self.push_notes = push_credential_notes(settings)  # what docker makes of the settings
        self.report = ProbeReport("registry", derived={**settings.describe(), "proxy": describe_proxy(settings.url)})
        self.base = settings.url.rstrip("/")
        self.challenge: Challenge | None = None
        self.authorization: str | None = None  # the header value to send to the registry
        self.pull_ok = False
        if settings.password != go_sprint(None):  # the chart's text for a missing password is no secret
            redactor.add([settings.password])
        redactor.add_pair(settings.username, settings.password)
        redactor.add([basic_authorization(settings.username, settings.password).split(" ", 1)[1]])

    # ------------------------------------------------------------ helpers

    def add(self, name, status, started, detail, hint=None) -> Step:
        step = Step(name, status, time.monotonic() - started if started else 0.0, detail, hint)
        self.report.steps.append(step)
        return step

    def skip_rest(self, names, why: str) -> None:
        for name in names:
            self.report.steps.append(Step(name, SKIP, 0.0, f"not run: {why}"))

    def registry_request(self, http: HttpClient, method: str, path_or_url: str, **options) -> Response:
        url = path_or_url if "://" in path_or_url else self.base + path_or_url
        if self.authorization and origin(url) == origin(self.base):
            options["authorization"] = self.authorization
        return http.request(method, url, **options)

    def repo_path(self) -> str:
        return quote(self.settings.repository, safe="/")

    # ------------------------------------------------------------ the steps

    def run(self) -> ProbeReport:
        blocking = self.settings_steps()
        if blocking:
            self.skip_rest(["connect", "challenge", "token url", "authenticate", "pull", "push"], blocking)
            return self.report
        with HttpClient(timeout=self.options.timeout, deadline=self.options.deadline,
                        ca_bundle=self.options.ca_bundle, insecure_hosts=self.options.insecure_hosts) as http:
            response = self.connect(http)
            if response is None:
                self.skip_rest(["challenge", "token url", "authenticate", "pull", "push"], "the registry is unreachable")
                return self.report
            if not self.read_challenge(response):
                self.skip_rest(["token url", "authenticate", "pull", "push"], "the registry's answer is unusable")
                return self.report
            self.compare_token_url()
            if not self.authenticate(http):
                self.skip_rest(["pull", "push"], "authentication failed")
                return self.report
            if not self.settings.repository:
                self.skip_rest(["pull", "push"], "no repository name (see config.BinderHub.image_prefix)")
                return self.report
            self.pull(http)
            self.push(http)
        return self.report

    def settings_steps(self) -> str | None:
        """One step per problem in the derivation; returns why probing is pointless, if it is."""
        # The token url step judges token_url against the registry's real challenge instead.
        notes = [n for n in (*self.settings.notes, *self.push_notes) if n.level in (ERROR, WARNING)
                 and not (n.level == WARNING and n.path[-1:] == ("token_url",))]
        for note in notes:
            self.add("settings", FAIL if note.level == ERROR else WARN, None, note.message, note.fix)
        if not notes:
            self.add("settings", OK, None,
                     f"BinderHub would look images up on {safe_url(self.base)} and push to "
                     f"{self.settings.repository or '(no repository)'}")
        if "://" not in self.settings.url or not url_hostname(self.settings.url):
            return "DockerRegistry.url is not a URL"
        return None

    def connect(self, http: HttpClient) -> Response | None:
        started = time.monotonic()
        url = self.base + "/v2/"
        try:
            response = http.get(url)
        except HttpError as error:
            self.add("connect", FAIL, started, error.message, _HINTS.get(error.kind))
            return None
        scheme = urlsplit(url).scheme
        transport = "TLS verified" if scheme == "https" else "plain http"
        hops = f", redirected to {response.redirects[-1]}" if response.redirects else ""
        self.add("connect", OK, started, f"{host_port(url)} answered HTTP {response.status} ({transport}{hops})")
        return response

    def read_challenge(self, response: Response) -> bool:
        started = time.monotonic()
        if response.status == 200:
            self.challenge = Challenge("none")
            self.add("challenge", OK, started, "/v2/ answers 200 without credentials: anonymous access")
            return True
        if response.status != 401:
            if response.status == 404:
                self.add("challenge", FAIL, started, f"no registry API at {safe_url(self.base)}/v2/ (HTTP 404)",
                         "DockerRegistry.url must be the registry's root (https://<host>); BinderHub adds /v2/")
            else:
                self.add("challenge", FAIL, started, f"/v2/ answered HTTP {response.status}, not 401 or 200",
                         "check that DockerRegistry.url points at a Docker registry (v2 API)")
            return False
        challenge = pick_challenge(response.headers.get("WWW-Authenticate", ""))
        if challenge is None or challenge.scheme not in ("basic", "bearer"):
            shown = challenge.scheme if challenge else "no WWW-Authenticate header"
            self.add("challenge", FAIL, started, f"/v2/ answered 401 with an unsupported challenge ({shown})",
                     "BinderHub supports Basic and Bearer registries only")
            return False
        if challenge.scheme == "bearer" and not challenge.realm:
            self.add("challenge", FAIL, started, "Bearer challenge without a realm", "fix the registry's token auth")
            return False
        if challenge.scheme == "bearer" and not usable_url(challenge.realm):
            self.add("challenge", FAIL, started,
                     f"Bearer challenge with a realm that is not a usable http(s) URL ({safe_url(challenge.realm)})",
                     "fix the realm in the registry's token auth configuration")
            return False
        self.challenge = challenge
        if challenge.scheme == "basic":
            detail = "Basic authentication"
        else:
            detail = f"Bearer realm={safe_url(challenge.realm)} service={challenge.service or '(none)'}"
        self.add("challenge", OK, started, detail)
        return True

    def compare_token_url(self) -> None:
        started = time.monotonic()
        token_url = self.settings.token_url
        source = self.settings.sources.get("token_url", "")
        scheme = self.challenge.scheme
        if self.settings.registry_class.endswith("GoogleArtifactRegistry"):
            self.add("token url", SKIP, None, "GoogleArtifactRegistry gets its token from the GCE metadata server")
            return
        if scheme == "bearer":
            suggested = f"{self.challenge.realm}?service={quote(self.challenge.service, safe='')}"
            if not token_url:
                self.add("token url", OK, started, "not set: BinderHub uses the realm from the registry's challenge")
                return
            endpoint, service = token_url_endpoint(token_url), token_url_service(token_url)
            fix = f"set config.DockerRegistry.token_url to {suggested}"
            if not usable_url(endpoint) or _norm(endpoint) != _norm(self.challenge.realm):
                self.add("token url", FAIL, started,
                         f"token_url ({source}) points at {safe_url(endpoint)} but the registry advertises realm "
                         f"{safe_url(self.challenge.realm)}", fix)
            elif service is None and self.challenge.service != BINDERHUB_TOKEN_SERVICE:
                self.add("token url", FAIL, started,
                         f"token_url has no ?service=, so BinderHub asks for service={BINDERHUB_TOKEN_SERVICE}; the "
                         f"registry's service is {self.challenge.service or '(none)'}", fix)
            elif service is not None and service != self.challenge.service:
                self.add("token url", FAIL, started,
                         f"token_url asks for service={service}; the registry's service is "
                         f"{self.challenge.service or '(none)'}", fix)
            else:
                self.add("token url", OK, started, "token_url matches the registry's realm and service")
            return
        if token_url:
            what = "Basic authentication" if scheme == "basic" else "anonymous access"
            self.add("token url", FAIL if scheme == "basic" else WARN, started,
                     f"the registry uses {what}, but token_url is set ({source}); BinderHub would ask "
                     f"{safe_url(token_url)} for a token instead",
                     "remove config.DockerRegistry.token_url (or fix DockerRegistry.url)")
            return
        self.add("token url", SKIP, None, f"not needed: {'Basic authentication' if scheme == 'basic' else 'anonymous access'}")

    def authenticate(self, http: HttpClient) -> bool:
        started = time.monotonic()
        user = self.settings.username
        who = f"username {user!r}" if user else "an empty username"
        cred_hint = (f"check the credentials (username from {self.settings.sources.get('username')}, password "
                     f"from {self.settings.sources.get('password')})")
        if self.challenge.scheme == "none":
            self.add("authenticate", OK, started, "not needed: the registry allows anonymous access to /v2/")
            return True
        if self.challenge.scheme == "basic":
            self.authorization = basic_authorization(user, self.settings.password)
            try:
                response = self.registry_request(http, "GET", "/v2/")
            except HttpError as error:
                self.add("authenticate", FAIL, started, error.message, _HINTS.get(error.kind))
                return False
            if response.credentials_dropped:
                return self._unchecked(response, started, "Basic")
            if response.status == 200:
                self.add("authenticate", OK, started, f"Basic: {who} accepted")
                return True
            return self._auth_failed(response, started, f"the registry rejected {who} and the password "
                                     f"(HTTP {response.status})", cred_hint)
        return self._bearer(http, started, who, cred_hint)

    def _bearer(self, http: HttpClient, started: float, who: str, cred_hint: str) -> bool:
        realm = self.challenge.realm
        if not realm_allowed(realm, self.base, self.options.allowed_realm_hosts):
            realm_host = urlsplit(realm).hostname or realm
            if same_site(realm_host.lower(), (urlsplit(self.base).hostname or "").lower()):  # only the port
                where, allow = f"on another port than {host_port(self.base)}", host_port(realm)
            else:
                where, allow = f"on a different site than {urlsplit(self.base).hostname}", realm_host
            self.add("authenticate", FAIL, started,
                     f"the registry sends clients to realm {safe_url(realm)}, {where}; credentials were not "
                     f"sent there", f"if {allow} really is this registry's token service, rerun with "
                     f"--allow-realm-host {allow}")
            return False
        params = {"service": self.challenge.service} if self.challenge.service else {}
        if self.settings.repository:
            params["scope"] = f"repository:{self.settings.repository}:pull,push"
        try:
            response = http.get(realm, params=params, basic=(self.settings.username, self.settings.password))
        except HttpError as error:
            self.add("authenticate", FAIL, started, f"token request: {error.message}", _HINTS.get(error.kind))
            return False
        if response.credentials_dropped:
            return self._unchecked(response, started, "token request")
        if response.status in (401, 403):
            return self._auth_failed(response, started, f"the token server rejected {who} and the password "
                                     f"(HTTP {response.status})", cred_hint)
        if response.status != 200:
            self.add("authenticate", FAIL, started, f"the token server at {safe_url(realm)} answered HTTP {response.status}",
                     "check the realm the registry advertises and the token server's health")
            return False
        token = self._token_from(response)
        if token is None:
            self.add("authenticate", FAIL, started, f"the token server at {safe_url(realm)} answered without a token",
                     "the realm is not a Docker token endpoint; check the registry's auth configuration")
            return False
        self.redactor.add([token])
        self.authorization = f"Bearer {token}"
        try:
            check = self.registry_request(http, "GET", "/v2/")
        except HttpError as error:
            self.add("authenticate", FAIL, started, error.message, _HINTS.get(error.kind))
            return False
        if check.credentials_dropped:
            return self._unchecked(check, started, "Bearer token check")
        if check.status != 200:
            error = pick_challenge(check.headers.get("WWW-Authenticate", ""))
            reason = f" ({error.params['error']})" if error and error.params.get("error") else ""
            self.add("authenticate", FAIL, started,
                     f"the registry refused the token its own realm issued (HTTP {check.status}{reason})",
                     "the token server and the registry disagree (issuer, service or signing key): "
                     "a registry-side configuration problem")
            return False
        grants = token_grants(token, self.settings.repository) if self.settings.repository else None
        if grants is None:
            granted = "the token's grants are not readable (opaque token)"
        elif grants:
            granted = f"the token grants {','.join(sorted(set(grants)))} on {self.settings.repository}"
        else:
            granted = f"the token grants nothing on {self.settings.repository}"
        self.add("authenticate", OK, started, f"Bearer: token issued for {who}; {granted}")
        return True

    def _token_from(self, response: Response) -> str | None:
        try:
            body = response.json()
        except HttpError:
            return None
        if not isinstance(body, dict):
            return None
        token = body.get("token") or body.get("access_token")
        return token if isinstance(token, str) and token else None

    def _unchecked(self, response: Response, started: float, what: str) -> bool:
        """A redirect to another origin dropped the credentials: whatever the answer (even 200),
        it says nothing about them, so authentication cannot pass."""
        self.add("authenticate", FAIL, started,
                 f"{what}: the request was redirected to {response.redirects[-1]}, another host, which answered "
                 f"HTTP {response.status}; the credentials were not sent there, so they were not checked",
                 _REDIRECT_HINT)
        return False

    def _auth_failed(self, response: Response, started: float, detail: str, hint: str) -> bool:
        self.add("authenticate", FAIL, started, detail, hint)
        return False

    def pull(self, http: HttpClient) -> None:
        started = time.monotonic()
        repo, tag = self.settings.repository, self.settings.probe_image.rpartition(":")[2]
        try:
            response = self.registry_request(http, "GET", f"/v2/{self.repo_path()}/manifests/{quote(tag)}",
                                             headers={"Accept": MANIFEST_ACCEPT})
        except HttpError as error:
            self.add("pull", FAIL, started, error.message, _HINTS.get(error.kind))
            return
        codes = registry_errors(response)
        codes = f" [{codes}]" if codes else ""
        if response.credentials_dropped:
            self.add("pull", FAIL, started,
                     f"the manifest request was redirected to {response.redirects[-1]}, another host, without the "
                     f"credentials (HTTP {response.status} there), so reading manifests with them was not checked",
                     _REDIRECT_HINT)
        elif response.status == 404:
            self.pull_ok = True
            self.add("pull", OK, started, f"a missing tag of {repo} answers 404: BinderHub can tell built images "
                     "from missing ones")
        elif response.status == 200:
            self.pull_ok = True
            self.add("pull", OK, started, f"{repo}:{tag} exists (unexpected), and reading manifests works")
        elif response.status == 401 and self.challenge.scheme == "bearer" and self.settings.not_found_401:
            self.pull_ok = True
            self.add("pull", WARN, started,
                     f"a missing tag of {repo} answers 401{codes}; BinderHub counts that as 'not built' because "
                     "not_found_401 is true, but it cannot tell it from a real permission problem",
                     "make sure the credentials can pull from this repository")
        elif response.status in (401, 403):
            self.add("pull", FAIL, started,
                     f"a missing tag of {repo} answers {response.status} instead of 404{codes}: BinderHub will "
                     "think every image is missing and rebuild on every launch",
                     f"give {self.settings.username or 'the account'} pull access to {repo}")
        else:
            self.add("pull", FAIL, started, f"manifest request answered HTTP {response.status}{codes}",
                     "BinderHub treats this as 'image missing' and rebuilds; check the registry")

    def push(self, http: HttpClient) -> None:
        started = time.monotonic()
        repo = self.settings.repository
        if self.options.skip_push:
            self.add("push", SKIP, None, "skipped (--skip-push)")
            return
        url = f"{self.base}/v2/{self.repo_path()}/blobs/uploads/"
        try:
            response = self.registry_request(http, "POST", url, data=b"", follow_redirects=False)
        except HttpError as error:
            self.add("push", FAIL, started, error.message, _HINTS.get(error.kind))
            return
        codes = registry_errors(response)
        codes = f" [{codes}]" if codes else ""
        if response.status == 202:
            location = response.headers.get("Location")
            if not location:
                self.add("push", WARN, started, "upload accepted (202) but without a Location header",
                         "the registry is not spec-compliant; pushes may still fail")
                return
            target = join_url(url, location)
            if target is None:
                self.add("push", FAIL, started,
                         f"upload accepted (202), but its Location ({safe_url(location)}) is not a usable URL: "
                         "docker could not send the image there", "fix the registry's external URL setting")
                return
            self.add("push", OK, started, f"push allowed to {repo}: {self._cancel(http, target)}")
        elif response.status in (401, 403):
            pulled = "can pull but " if self.pull_ok else ""
            challenge = pick_challenge(response.headers.get("WWW-Authenticate", ""))
            if challenge and challenge.params.get("error") == "insufficient_scope":
                codes += " (the token lacks push: insufficient_scope)"
            self.add("push", FAIL, started,
                     f"the credentials {pulled}cannot push to {repo} (HTTP {response.status}){codes}; every build "
                     "will fail at the push",
                     f"grant push (write) permission on {repo} to {self.settings.username or 'the account'}; "
                     "to check read-only credentials, use --skip-push")
        elif response.status == 404:
            self.add("push", FAIL, started,
                     f"the registry does not know the repository {repo} (HTTP 404){codes} and will not create it "
                     "on push", "create the repository first (ECR, Harbor projects), or change image_prefix")
        else:
            self.add("push", FAIL, started, f"starting an upload answered HTTP {response.status}{codes}",
                     "the registry does not accept pushes here (read-only, or a pull-through cache?)")

    def _cancel(self, http: HttpClient, location: str) -> str:
        if origin(location) != origin(self.base):
            return (f"an upload was started; its Location is on another host ({host_port(location)}), so it was "
                    "not cancelled with credentials (the registry expires abandoned uploads)")
        try:
            response = self.registry_request(http, "DELETE", location, follow_redirects=False)
        except HttpError as error:
            return f"an upload was started; cancelling it failed ({error.message})"
        if response.status in (200, 202, 204):
            return "an empty upload was started and cancelled"
        return f"an upload was started; cancelling it answered HTTP {response.status} (it will expire)"


def _norm(url: str) -> tuple:
    scheme, host, port = origin(url)
    return scheme, host, port, (urlsplit(url).path or "/").rstrip("/")


def probe_registry(settings: RegistrySettings, options: RegistryProbeOptions, redactor) -> ProbeReport:
    """Run every step; never raises for network trouble (each failure is a Step)."""
    return _Probe(settings, options, redactor).run()


def push_credential_notes(settings: RegistrySettings) -> list[SettingsNote]:
    """What docker (in the build pods) makes of image_prefix and the config.json the chart writes.

    repo2docker pushes through docker-py, which finds credentials with exactly these helpers; so
    a config.json key that docker does not match to image_prefix's registry means unauthenticated
    pushes, and a DockerRegistry.url on another registry means BinderHub looks in the wrong place.
    """
    import docker.auth
    import docker.errors

    if not settings.image_prefix or not settings.repository:
        return []
    image = settings.probe_image.rpartition(":")[0]
    try:
        index_name, _remote = docker.auth.resolve_repository_name(image)
    except docker.errors.InvalidRepository:
        return [SettingsNote(ERROR, f"image_prefix {settings.image_prefix!r} does not make a valid image name",
                             "use <registry host>/<project>/<prefix>-", ("config", "BinderHub", "image_prefix"))]
    notes: list[SettingsNote] = []
    try:
        auths = docker.auth.parse_auth(settings.docker_config.get("auths", {}), raise_on_error=True)
    except (docker.errors.InvalidConfigFile, ValueError):
        auths = {}
    if docker.auth.resolve_authconfig({"auths": auths}, registry=index_name) is None:
        keys = ", ".join(settings.auths_keys) or "none"
        notes.append(SettingsNote(
            ERROR, f"build pods push to {index_name}, but the docker config.json the chart writes has credentials "
            f"only for {keys}; pushes would be anonymous and fail",
            f"set registry.url to the registry in image_prefix (https://{index_name})"
            if index_name != docker.auth.INDEX_NAME else "leave registry.url unset for Docker Hub",
            ("registry", "url")))
    checked = docker.auth.resolve_index_name(settings.host) if settings.host else ""
    same = checked == index_name or (index_name == docker.auth.INDEX_NAME and checked in DOCKER_HUB_HOSTS)
    if checked and not same:
        notes.append(SettingsNote(
            ERROR, f"BinderHub looks images up on {checked} but build pods push them to {index_name}: every launch "
            "would rebuild", f"make DockerRegistry.url / registry.url name {index_name}, or change image_prefix",
            ("config", "BinderHub", "image_prefix")))
    return notes
