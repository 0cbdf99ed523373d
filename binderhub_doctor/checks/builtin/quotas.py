"""Launch quotas: the whole hub's (`LaunchQuota.total_quota`, formerly `BinderHub.pod_quota`) and
each repository's (`BinderHub.per_repo_quota`, `per_repo_quota_higher`, a `spec_config` item's
`quota`). BinderHub reads them as `if pod_quota is not None and total_pods >= pod_quota` and
`if repo_quota and matching_pods >= repo_quota` (binderhub/quota.py@b9fad995,
`KubernetesLaunchQuota.check_repo_quota`): 0 refuses everything for the hub, but means "no
limit" for a repository, and a negative number refuses everything for both."""

from __future__ import annotations

from ... import chart_versions
from ..base import Hit
from ..kinds import builtin
from .spec_patterns import SPEC_CONFIG, provider_sections

BINDERHUB = ("config", "BinderHub")
# binderhub 9fa27476 (2021-12-21, n=2594) started refusing launches over BinderHub.pod_quota;
# before, it was only a gauge. PR #1526 (n=2771) moved it to LaunchQuota.total_quota.
HUB_QUOTA_ENFORCED_SINCE = "0.2.0-n862"
LAUNCH_QUOTA_SINCE = "1.0.0-0.dev.git.2771"
HUB_QUOTAS = (("config", "LaunchQuota", "total_quota"), ("config", "KubernetesLaunchQuota", "total_quota"),
              BINDERHUB + ("pod_quota",))


def _number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


@builtin
def hub_quota_refuses_all(values, spec, context):
    if context.chart_key < chart_versions.parse(HUB_QUOTA_ENFORCED_SINCE):
        return
    for path in HUB_QUOTAS:
        if path[1] != "BinderHub" and context.chart_key < chart_versions.parse(LAUNCH_QUOTA_SINCE):
            continue
        value = values.get(path)
        if _number(value) and value <= 0:
            yield Hit(path, f"{values.display_path(path)} is {values.show(path)}: BinderHub refuses every launch "
                            "(\"BinderHub is full\"). That is right only while the hub is in maintenance")


@builtin
def repo_quota(values, spec, context):
    """Negative per-repository quotas refuse every launch they apply to; a quota of 0 means no
    limit at all, the opposite of what a 0 written to stop a repository means."""
    per_repo = values.get(BINDERHUB + ("per_repo_quota",))
    for name in ("per_repo_quota", "per_repo_quota_higher"):
        path = BINDERHUB + (name,)
        value = values.get(path)
        if _number(value) and value < 0:
            who = "every repository" if name == "per_repo_quota" else "every repository in high_quota_specs"
            yield Hit(path, f"{values.display_path(path)} is {values.show(path)}: BinderHub refuses the launch of "
                            f"{who}, since any number of running servers is at least a negative quota",
                      severity="error", fix="Set a positive quota, or 0 for no limit.")
    higher_path = BINDERHUB + ("per_repo_quota_higher",)
    higher = values.get(higher_path)
    if _number(per_repo) and per_repo > 0 and not higher and _has_high_quota_specs(values):
        at = higher_path if values.has(higher_path) else BINDERHUB + ("per_repo_quota",)
        yield Hit(at, f"high_quota_specs is set but per_repo_quota_higher is {values.show(higher_path) if values.has(higher_path) else 'not set (0)'}: "
                      f"0 means no limit, so the repositories meant to get a higher quota than "
                      f"per_repo_quota ({values.show(BINDERHUB + ('per_repo_quota',))}) get no quota at all",
                  fix="Set `config.BinderHub.per_repo_quota_higher` above per_repo_quota.")
    for cls, body in provider_sections(values):
        items = body.get(SPEC_CONFIG)
        for index, item in enumerate(items if isinstance(items, list) else []):
            config = item.get("config") if isinstance(item, dict) else None
            if not isinstance(config, dict) or not _number(config.get("quota")):
                continue
            path = ("config", cls, SPEC_CONFIG, index, "config", "quota")
            quota = config["quota"]
            if quota < 0:
                yield Hit(path, f"{values.display_path(path)} is {values.show(path)}: BinderHub refuses every launch "
                                "of the repositories this item matches", severity="error",
                          fix="Use banned_specs to refuse repositories; a quota should be positive.")
            elif quota == 0:
                yield Hit(path, f"{values.display_path(path)} is 0, which means no limit for the repositories this "
                                "item matches (not \"no launches\")",
                          fix="To refuse these repositories add the pattern to banned_specs; to limit them give a "
                              "positive quota.")


def _has_high_quota_specs(values) -> bool:
    return any(isinstance(body.get("high_quota_specs"), list) and body["high_quota_specs"]
               for _cls, body in provider_sections(values))
