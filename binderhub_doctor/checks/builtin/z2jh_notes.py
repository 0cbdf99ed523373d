"""The install-time failures of the JupyterHub chart: `fail` calls in its templates/NOTES.txt that
the values alone decide, at the z2jh version the BinderHub chart pins.

From z2jh 1.0.0 on, most of them refuse a key merely present (`hasKey`), which the chart model
already reports as a legacy key (BHD411); what is left is a combination of values (3.0.0 on) and
the older charts' tests of a value's truth (0.10, 0.11)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from ...models.chart import z2jh_key
from ..base import Hit, unchecked
from ..kinds import builtin

JH = ("jupyterhub",)


@dataclass(frozen=True)
class NotesFailure:
    since: str  # first z2jh release whose NOTES.txt fails on it
    before: str | None  # first release that no longer does (or reports it another way)
    at: tuple  # the value reported, under jupyterhub:
    reads: tuple  # every path the test reads, under jupyterhub: (an unknown one leaves it open)
    fails: Callable  # values (under jupyterhub:) -> bool, as the template decides it
    message: str
    fix: str


def _truthy(values, path: tuple, default=None) -> bool:
    """A value as a Go template's `if` sees it: nil, false, 0, "" and empty collections are false.
    A null in the values deletes the chart's default, so it is false too."""
    return bool(values.get(JH + path, default))


def _cloud_metadata_conflict(values) -> bool:
    return (_truthy(values, ("singleuser", "cloudMetadata", "blockWithIptables"), True)
            and _truthy(values, ("singleuser", "networkPolicy", "enabled"), True)
            and _truthy(values, ("singleuser", "networkPolicy", "egressAllowRules", "cloudMetadataServer")))


def _renamed(since: str, old: tuple, new: str, test: tuple | None = None) -> NotesFailure:
    test = test or old
    return NotesFailure(since, "1.0.0", old, (test,), lambda values: _truthy(values, test),
                        f"{'.'.join(old)} was renamed {new}", f"Move it to `jupyterhub.{new}`.")


AUTH_STATE = ("hub", "config", "Authenticator", "enable_auth_state")
CRYPT_KEYS = ("hub", "config", "CryptKeeper", "keys")
CLOUD_METADATA_SERVER = ("singleuser", "networkPolicy", "egressAllowRules", "cloudMetadataServer")

FAILURES = (
    # jupyterhub/templates/NOTES.txt@0.10.6: `if .Values.proxy.containerSecurityContext` … `fail`, and so on.
    _renamed("0.10.0", ("proxy", "containerSecurityContext"), "proxy.chp.containerSecurityContext"),
    _renamed("0.10.0", ("proxy", "networkPolicy"), "proxy.chp.networkPolicy"),
    _renamed("0.10.0", ("hub", "imagePullSecret"), "imagePullSecret", ("hub", "imagePullSecret", "enabled")),
    _renamed("0.10.0", ("singleuser", "imagePullSecret"), "imagePullSecret",
             ("singleuser", "imagePullSecret", "enabled")),
    # NOTES.txt@0.11.1: `hasKey .Values.proxy "pdb"`, the auth state check, and `if .Values.auth`.
    NotesFailure("0.11.0", "1.0.0", ("proxy", "pdb"), (("proxy", "pdb"),),
                 lambda values: values.get(JH + ("proxy", "pdb")) is not None,
                 "proxy.pdb was renamed proxy.chp.pdb", "Move it to `jupyterhub.proxy.chp.pdb`."),
    NotesFailure("0.11.0", "1.0.0", AUTH_STATE, (AUTH_STATE, CRYPT_KEYS),
                 lambda values: _truthy(values, AUTH_STATE) and not _truthy(values, CRYPT_KEYS),
                 "hub.config.Authenticator.enable_auth_state is on without hub.config.CryptKeeper.keys",
                 "Set `jupyterhub.hub.config.CryptKeeper.keys` to a list with a key "
                 "(e.g. from `openssl rand -hex 32`), in secret.yaml."),
    NotesFailure("0.11.0", "1.0.0", ("auth",), (("auth",),), lambda values: _truthy(values, ("auth",)),
                 "the `auth` section was replaced by hub.config (the failure message lists the new settings)",
                 "Configure the authenticator under `jupyterhub.hub.config` (JupyterHub.authenticator_class "
                 "and the authenticator's class), as `helm template` prints."),
    # NOTES.txt@3.0.0 (fb0595db): blockWithIptables together with egressAllowRules.cloudMetadataServer.
    NotesFailure("3.0.0", None, CLOUD_METADATA_SERVER,
                 (CLOUD_METADATA_SERVER, ("singleuser", "cloudMetadata", "blockWithIptables"),
                  ("singleuser", "networkPolicy", "enabled")),
                 _cloud_metadata_conflict,
                 "singleuser.networkPolicy.egressAllowRules.cloudMetadataServer is true while "
                 "singleuser.cloudMetadata.blockWithIptables is on (true by default), an ambiguous configuration",
                 "To let user pods reach the cloud metadata server, also set "
                 "`jupyterhub.singleuser.cloudMetadata.blockWithIptables: false`; otherwise drop cloudMetadataServer."),
)


@builtin
def failures(values, spec, context):
    if not isinstance(values.get(JH), dict):
        return
    z2jh_text = context.model().z2jh_for(context.chart_key)
    z2jh = z2jh_key(z2jh_text)
    for failure in FAILURES:
        if z2jh < z2jh_key(failure.since) or (failure.before and z2jh >= z2jh_key(failure.before)):
            continue
        at = JH + failure.at
        if not values.has(at):
            continue
        what = f"whether JupyterHub chart {z2jh_text}'s NOTES.txt refuses {'.'.join(at)}"
        unknown = unchecked(values, what, at, [JH + path for path in failure.reads])
        if unknown:
            yield unknown
        elif failure.fails(values):
            yield Hit(at, f"JupyterHub chart {z2jh_text} (in BinderHub chart {context.chart_version}) refuses to "
                          f"install: its NOTES.txt fails because {failure.message}", fix=failure.fix)
