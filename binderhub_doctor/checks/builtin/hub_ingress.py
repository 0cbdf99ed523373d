"""`config.BinderHub.hub_url` against the way the JupyterHub chart publishes the hub: its ingress
(`jupyterhub.ingress`) and its own HTTPS proxy (`jupyterhub.proxy.https`)."""

from __future__ import annotations

import fnmatch
import ipaddress

from ...urls import split_url
from ..base import Hit, unchecked
from ..kinds import builtin
from ..placeholder import find as find_placeholder

HUB_URL = ("config", "BinderHub", "hub_url")
INGRESS = ("jupyterhub", "ingress")
PROXY_HTTPS = ("jupyterhub", "proxy", "https")


@builtin
def hub_url_matches_ingress(values, spec, context):
    url = values.get(HUB_URL)
    if not isinstance(url, str) or find_placeholder(url):
        return
    parts = split_url(url)
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("http", "https") or not host:
        return  # BHD502 reports a hub_url that is no http(s) URL
    ingress_hosts, tls = _ingress_hosts(values), _tls_hosts(values)
    hits = []
    if ingress_hosts and not _is_address(host) and not any(_matches(host, h) for h in ingress_hosts):
        hits.append(Hit(HUB_URL, f"hub_url's host {host} is none of the hub ingress's hosts "
                                 f"({', '.join(ingress_hosts)}); users are sent to a host the ingress does not serve",
                        fix="Use one of jupyterhub.ingress.hosts in hub_url, or add its host there."))
    if parts.scheme == "http" and tls is not None and (not tls or any(_matches(host, h) for h in tls)):
        hits.append(Hit(HUB_URL, f"hub_url is http://, but the hub is served with TLS on {host}; every launch "
                                 "relies on a redirect to https that the ingress controller may not make, and "
                                 "travels unencrypted until it does",
                        fix=f"Write `https://{host}…` in hub_url."))
    # As BHD502 does: a mismatch that an unread or encrypted file may resolve is only an info.
    unknown = unchecked(values, "whether hub_url matches the hub's ingress", HUB_URL, (INGRESS, PROXY_HTTPS))
    yield from [unknown] if hits and unknown else hits


def _ingress_hosts(values) -> list[str]:
    ingress = values.get(INGRESS)
    if not isinstance(ingress, dict) or ingress.get("enabled") is not True:
        return []
    hosts = ingress.get("hosts")
    return [h.lower() for h in hosts if isinstance(h, str) and h] if isinstance(hosts, list) else []


def _tls_hosts(values) -> list[str] | None:
    """The hosts the hub is served on with TLS ([] meaning any), or None when it is not."""
    ingress = values.get(INGRESS)
    if isinstance(ingress, dict) and ingress.get("enabled") is True and isinstance(ingress.get("tls"), list) \
            and ingress["tls"]:
        return [h.lower() for entry in ingress["tls"] if isinstance(entry, dict)
                and isinstance(entry.get("hosts"), list) for h in entry["hosts"] if isinstance(h, str)]
    https = values.get(PROXY_HTTPS)
    if isinstance(https, dict) and https.get("enabled") is True:
        hosts = https.get("hosts")
        return [h.lower() for h in hosts if isinstance(h, str)] if isinstance(hosts, list) else []
    return None


def _matches(host: str, pattern: str) -> bool:
    """An ingress host matches exactly, or as a wildcard (`*.example.org`: one label)."""
    if pattern.startswith("*."):
        return fnmatch.fnmatchcase(host, pattern) and host.count(".") == pattern.count(".")
    return host == pattern


def _is_address(host: str) -> bool:
    """An IP address: the proxy-public service's, never an ingress host (those are DNS names)."""
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True
