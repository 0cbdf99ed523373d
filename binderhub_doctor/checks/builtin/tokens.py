"""The two hub tokens of secret.yaml: `jupyterhub.hub.services.binder.apiToken` and
`jupyterhub.proxy.secretToken`, meant to be `openssl rand -hex 32` each."""

from __future__ import annotations

import re

from ..base import Hit, unchecked
from ..kinds import builtin
from ..placeholder import find as find_placeholder

HUB_TOKENS = (
    ("jupyterhub", "hub", "services", "binder", "apiToken"),
    ("jupyterhub", "proxy", "secretToken"),
)
_HEX = re.compile(r"^[0-9a-fA-F]+$")
MIN_LENGTH = 8  # JupyterHub refuses shorter service tokens
GOOD_LENGTH = 64  # 32 random bytes as hex


@builtin
def hub_token_strength(values, spec, context):
    for path in HUB_TOKENS:
        if not values.has(path):
            continue
        token = values.get(path)
        name = path[-1]
        if token is None:
            continue  # null lets the chart generate the token: that is fine
        if not isinstance(token, str):
            yield Hit(path, f"{name} is a {type(token).__name__}, not a string; quote it", severity="error")
        elif find_placeholder(token):
            continue  # the placeholder rule reports it, with the placeholder's text
        elif len(token) < MIN_LENGTH:
            yield Hit(path, f"{name} is only {len(token)} characters; JupyterHub refuses tokens shorter than "
                            f"{MIN_LENGTH}, so the hub will not start", severity="error")
        elif not _HEX.match(token) or len(token) < GOOD_LENGTH:
            yield Hit(path, f"{name} is {len(token)} characters{'' if _HEX.match(token) else ' and not hex'}; "
                            "it should be 32 random bytes as hex (64 characters)", severity="warning")


@builtin
def hub_tokens_identical(values, spec, context):
    api, proxy = (values.get(p) for p in HUB_TOKENS)
    if isinstance(api, str) and api and api == proxy:
        yield unchecked(values, "whether the two hub tokens differ", HUB_TOKENS[1], HUB_TOKENS) or Hit(
            HUB_TOKENS[1], "secretToken is the same value as the binder service's apiToken; anyone who learns "
                           "one holds both")
