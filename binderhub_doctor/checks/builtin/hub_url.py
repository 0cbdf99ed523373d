"""`config.BinderHub.hub_url`: where BinderHub sends users and asks JupyterHub's API."""

from __future__ import annotations

import re

from ..base import Hit
from ..kinds import builtin
from ..placeholder import find as find_placeholder

HUB_URL = ("config", "BinderHub", "hub_url")


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
                      fix=f"Write the full URL, e.g. `http://{re.sub(r'^[a-z]*:?/*', '', url)}`.")
        elif re.search(r"/hub/?$", url):
            yield Hit(path, f"{name} ends in /hub; BinderHub appends hub/api/… itself, so requests go to "
                            "…/hub/hub/api", severity="warning",
                      fix="Use the hub's base URL without the trailing /hub.")
