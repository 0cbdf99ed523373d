"""`auth_enabled`: BinderHub behind JupyterHub authentication needs settings on both sides."""

from __future__ import annotations

from ..base import Hit
from ..kinds import builtin

AUTH = ("config", "BinderHub", "auth_enabled")
HUB_SIDE = ("jupyterhub", "hub", "config", "BinderSpawner", "auth_enabled")
SERVICE = ("jupyterhub", "hub", "services", "binder")


@builtin
def hub_side(values, spec, context):
    if values.get(AUTH) is not True:
        return
    if values.get(HUB_SIDE) is not True:
        yield Hit(AUTH, "auth_enabled is on for BinderHub but not for the hub "
                        "(jupyterhub.hub.config.BinderSpawner.auth_enabled); users get 403 or redirect loops",
                  fix="Set `jupyterhub.hub.config.BinderSpawner.auth_enabled: true` too.")
    service = values.get(SERVICE) or {}
    missing = [k for k in ("oauth_client_id", "oauth_redirect_uri") if not (isinstance(service, dict) and service.get(k))]
    if missing:
        yield Hit(AUTH, "auth_enabled needs the binder service registered for OAuth: "
                        + ", ".join(f"jupyterhub.hub.services.binder.{k}" for k in missing) + " not set",
                  severity="warning",
                  fix="Set oauth_client_id (e.g. service-binder) and oauth_redirect_uri "
                      "(https://<binder host>/oauth_callback) under jupyterhub.hub.services.binder.")
    if values.get(("jupyterhub", "cull", "users")) is True:
        yield Hit(("jupyterhub", "cull", "users"), "with authentication on, cull.users: true deletes users "
                  "the culler finds idle, logging them out", severity="warning",
                  fix="Set `jupyterhub.cull.users: false`.")
