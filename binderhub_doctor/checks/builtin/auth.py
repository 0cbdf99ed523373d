"""`auth_enabled`: BinderHub behind JupyterHub authentication needs settings on both sides."""

from __future__ import annotations

from ... import chart_versions
from ..base import Hit, unchecked
from ..kinds import builtin

AUTH = ("config", "BinderHub", "auth_enabled")
HUB_SIDE = ("jupyterhub", "hub", "config", "BinderSpawner", "auth_enabled")
# Charts before 0.2.0-n678 switched the hub side on with this chart value, which their
# `00-binder` extraConfig read with z2jh.get_config; binderhub 61820e98 (0.2.0-678, PR #1351, merged as
# a4441d37, 2021-09-09) made it the BinderSpawner.auth_enabled trait.
OLD_HUB_SIDE = ("jupyterhub", "custom", "binderauth_enabled")
HUB_SIDE_TRAIT_SINCE = "0.2.0-n678"
SERVICE = ("jupyterhub", "hub", "services", "binder")


@builtin
def hub_side(values, spec, context):
    if values.get(AUTH) is not True:
        return
    trait_era = context.chart_key >= chart_versions.parse(HUB_SIDE_TRAIT_SINCE)
    switch = HUB_SIDE if trait_era else OLD_HUB_SIDE
    shown = ".".join(switch)
    if values.get(switch) is not True:
        unknown = unchecked(values, f"whether the hub side of auth_enabled ({shown}) is on", AUTH, (switch,))
        if unknown:
            yield unknown
        else:
            renamed = (f"; `{'.'.join(OLD_HUB_SIDE)}` is set, but charts from {HUB_SIDE_TRAIT_SINCE} on ignore it"
                       if trait_era and values.get(OLD_HUB_SIDE) is True else "")
            yield Hit(AUTH, f"auth_enabled is on for BinderHub but not for the hub ({shown}){renamed}; "
                            "users get 403 or redirect loops",
                      fix=f"Set `{shown}: true` too.")
    service = values.get(SERVICE) or {}
    missing = [k for k in ("oauth_client_id", "oauth_redirect_uri")
               if not (isinstance(service, dict) and service.get(k)) and not values.unsettled(SERVICE + (k,))]
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
