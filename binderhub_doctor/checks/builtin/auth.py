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
HUB_CONFIG = ("jupyterhub", "hub", "config")
# JupyterHub 1.1.0 (561f4d08) added the authorisation page and the service's oauth_no_confirm;
# z2jh 0.9.0 (chart 0.2.0-n146) brought it.
OAUTH_NO_CONFIRM_SINCE = "0.2.0-n146"
# The rest of BinderHub's authentication guide (docs/source/authentication.rst@b9fad995).
REDIRECT_TO_SERVER = HUB_CONFIG + ("JupyterHub", "redirect_to_server")
REDIRECT_TO_SERVER_CHART_VALUE = ("jupyterhub", "hub", "redirectToServer")  # z2jh's own, the guide's before 6bc13f93
AUTHENTICATOR = HUB_CONFIG + ("JupyterHub", "authenticator_class")
# z2jh 0.11 (chart 0.2.0-n509) moved the authenticator from `jupyterhub.auth` to hub.config, where
# the BinderHub chart sets it to "null" (helm-chart/binderhub/values.yaml@b9fad995).
AUTHENTICATOR_CLASS_SINCE = "0.2.0-n509"
NULL_AUTHENTICATORS = {"null", "nullauthenticator.NullAuthenticator", "jupyterhub.auth.NullAuthenticator"}
USER_ROLE = ("jupyterhub", "hub", "loadRoles")
# JupyterHub 2's roles (z2jh 2.0.0, chart 0.2.0-n1063): the default `user` role has only `self`
# (jupyterhub/roles.py@2841153d), which does not include access to services.
ROLES_SINCE = "0.2.0-n1063"
SERVICE_SCOPES = {"access:services", "access:services!service=binder"}
SINGLEUSER_CMD = ("jupyterhub", "singleuser", "cmd")


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
    yield from _guide_settings(values, context)
    if values.get(("jupyterhub", "cull", "users")) is True:
        yield Hit(("jupyterhub", "cull", "users"), "with authentication on, cull.users: true deletes users "
                  "the culler finds idle, logging them out", severity="warning",
                  fix="Set `jupyterhub.cull.users: false`.")


def _missing(values, path: tuple) -> bool:
    """Not set in the files read, and no unread or encrypted file may set it."""
    return not values.has(path) and not values.unsettled(path)


def _guide_settings(values, context):
    """The guide's other settings: each missing one is a warning (another file may set it), a
    contrary value an error where nobody can launch."""
    service = values.get(SERVICE) if isinstance(values.get(SERVICE), dict) else {}
    if context.chart_key >= chart_versions.parse(OAUTH_NO_CONFIRM_SINCE) and not service.get("oauth_no_confirm") \
            and _missing(values, SERVICE + ("oauth_no_confirm",)):
        yield Hit(AUTH, "auth_enabled without jupyterhub.hub.services.binder.oauth_no_confirm: true asks every "
                        "user to authorise the binder service on each login", severity="info",
                  fix="Set `jupyterhub.hub.services.binder.oauth_no_confirm: true`.")
    redirect = [p for p in (REDIRECT_TO_SERVER, REDIRECT_TO_SERVER_CHART_VALUE) if values.has(p)]
    if any(values.get(p) is not False for p in redirect) or not redirect and _missing(values, REDIRECT_TO_SERVER):
        at = redirect[0] if redirect else AUTH
        yield Hit(at, "with auth_enabled, JupyterHub.redirect_to_server should be false: otherwise a user who logs "
                      "in at the hub is sent on to a default server of their own, which BinderSpawner cannot start "
                      "without a repository", severity="warning",
                  fix="Set `jupyterhub.hub.config.JupyterHub.redirect_to_server: false`.")
    if context.chart_key >= chart_versions.parse(AUTHENTICATOR_CLASS_SINCE):
        authenticator = values.get(AUTHENTICATOR)
        if authenticator in NULL_AUTHENTICATORS:
            yield Hit(AUTHENTICATOR, f"auth_enabled with the {authenticator!r} authenticator: it logs nobody in "
                                     "(jupyterhub/auth.py@2841153d, NullAuthenticator), so nobody can launch",
                      fix="Set `jupyterhub.hub.config.JupyterHub.authenticator_class` to a real authenticator "
                          "and configure it under jupyterhub.hub.config.")
        elif _missing(values, AUTHENTICATOR):
            yield Hit(AUTH, "auth_enabled, but no authenticator is chosen (jupyterhub.hub.config.JupyterHub."
                            "authenticator_class); the chart's default, \"null\", logs nobody in", severity="warning",
                      fix="Set `jupyterhub.hub.config.JupyterHub.authenticator_class` and configure it.")
    if context.chart_key >= chart_versions.parse(ROLES_SINCE) and not _grants_service_access(values) \
            and not values.unsettled(USER_ROLE):
        yield Hit(AUTH, "auth_enabled, but no role in jupyterhub.hub.loadRoles grants users "
                        "access:services!service=binder; JupyterHub's default user role has only `self`, so "
                        "users get 403 from the binder service", severity="warning",
                  fix="Add `jupyterhub.hub.loadRoles.user.scopes: [self, \"access:services!service=binder\"]`.")
    cmd = values.get(SINGLEUSER_CMD)
    first = cmd[0] if isinstance(cmd, list) and cmd else cmd
    if values.has(SINGLEUSER_CMD) and first != "jupyterhub-singleuser" or _missing(values, SINGLEUSER_CMD):
        yield Hit(SINGLEUSER_CMD if values.has(SINGLEUSER_CMD) else AUTH,
                  "with auth_enabled, user servers must start with jupyterhub-singleuser (jupyterhub.singleuser.cmd); "
                  "the BinderHub chart's default starts a server that does not log users in through the hub",
                  severity="warning", fix="Set `jupyterhub.singleuser.cmd: jupyterhub-singleuser`.")


def _grants_service_access(values) -> bool:
    roles = values.get(USER_ROLE)
    return isinstance(roles, dict) and any(
        isinstance(role, dict) and isinstance(role.get("scopes"), list) and SERVICE_SCOPES & set(map(str, role["scopes"]))
        for role in roles.values())
