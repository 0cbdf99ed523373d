"""`config.BinderHub.hub_url`: where BinderHub sends users and asks JupyterHub's API."""

from __future__ import annotations

import re

from ...urls import split_url
from ..base import Hit, unchecked
from ..kinds import builtin
from ..placeholder import find as find_placeholder

HUB_URL = ("config", "BinderHub", "hub_url")
# BinderHub calls `<hub_url>hub/api/` and sends users to `<hub_url>user/…` (binderhub/launcher.py
# @b9fad995); JupyterHub serves those under its base URL, the chart's jupyterhub.hub.baseUrl.
HUB_BASE_URL = ("jupyterhub", "hub", "baseUrl")
PROXY_HTTPS = ("jupyterhub", "proxy", "https", "enabled")
# The guide sets hub_url to `http://<proxy-public's IP>`: an IP address without TLS.
_BARE_IP = re.compile(r"^[0-9]{1,3}(\.[0-9]{1,3}){3}(:[0-9]+)?(/[^\s]*)?$")
# What stands where the scheme should (`htp://`, `//`): a host name's own letters are not one.
_WRONG_SCHEME = re.compile(r"^(?:[a-z]+:/+|/+)")


def canonical(values, url) -> str | None:
    """The one hub_url a fix may write, or None: `http://` before a bare IP address when the
    chart serves no https (with a host name, or with https on, http or https is the user's call)."""
    if isinstance(url, str) and _BARE_IP.match(url) and values.get(PROXY_HTTPS) is not True:
        return "http://" + url
    return None


@builtin
def form(values, spec, context):
    for path in (HUB_URL, ("config", "BinderHub", "hub_url_local")):
        url = values.get(path)
        if not isinstance(url, str) or not url or find_placeholder(url):
            continue
        name = path[-1]
        if not re.match(r"^https?://[^/\s]+", url):
            yield Hit(path, f"{name} {values.show(path)} does not start with http:// or https://; launches "
                            "redirect users to a relative, broken address",
                      fix=(f"Write the full URL: `{canonical(values, url)}`." if canonical(values, url) else
                           f"Write the full URL, e.g. `http://{_WRONG_SCHEME.sub('', url)}`."))
        elif _slashed(split_url(url).path) != _slashed(values.get(HUB_BASE_URL)):
            base = _slashed(values.get(HUB_BASE_URL))
            if re.search(r"/hub/?$", url):
                hit = Hit(path, f"{name} ends in /hub, but the hub's base URL (jupyterhub.hub.baseUrl) is not "
                                "/hub/; BinderHub appends hub/api/… itself, so requests go to …/hub/hub/api",
                          severity="warning", fix="Use the hub's base URL without the trailing /hub.")
            else:
                hit = Hit(path, f"{name}'s path {_slashed(split_url(url).path)} is not the hub's base URL "
                                f"(jupyterhub.hub.baseUrl: {base}); BinderHub sends users to <{name}>user/… and "
                                f"calls <{name}>hub/api/, which JupyterHub serves only under its base URL",
                          severity="warning", fix=f"End {name} with the hub's base URL, {base}, or set "
                                                  "jupyterhub.hub.baseUrl to its path.")
            yield unchecked(values, f"whether {name} matches the hub's base URL", path, (HUB_BASE_URL,)) or hit


def _slashed(path) -> str:
    """A URL path as JupyterHub normalises its base URL: with a leading and a trailing slash."""
    text = path if isinstance(path, str) and path else "/"
    return "/" + text.strip("/") + "/" if text.strip("/") else "/"
