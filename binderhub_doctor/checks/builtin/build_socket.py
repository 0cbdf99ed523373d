"""The socket of the dind/pink container builder: where the DaemonSet listens, and where build pods
look for it."""

from __future__ import annotations

from ..base import Hit, unchecked
from ..kinds import builtin

BUILDER_TYPE = ("imageBuilderType",)
# The file name binderhub_config.py writes into build_docker_host, whatever `hostSocketName` says:
# `socketname = "docker" if imageBuilderType == "dind" else "podman"`
# (helm-chart/binderhub/files/binderhub_config.py@b9fad995).
HARD_CODED = {"dind": "docker.sock", "pink": "podman.sock"}
# Settings in values the chart overwrites: it sets BinderHub.build_docker_host after loading
# `config`, and BinderHub forwards that deprecated trait to KubernetesBuildExecutor.docker_host
# (binderhub/app.py@b9fad995, _build_config_deprecated).
OVERWRITTEN = (("config", "BinderHub", "build_docker_host"), ("config", "KubernetesBuildExecutor", "docker_host"))
EXTRA_CONFIG = ("extraConfig",)


@builtin
def socket_name(values, spec, context):
    builder = values.get(BUILDER_TYPE)
    if not isinstance(builder, str) or builder not in HARD_CODED:
        return
    name_path = (builder, "hostSocketName")
    name, expected = values.get(name_path), HARD_CODED[builder]
    if not isinstance(name, str) or name == expected or not values.get((builder, "hostSocketDir"), True):
        return  # unset (the default), matching, or no socket dir: then the chart sets no build_docker_host
    if _set_in_extra_config(values):
        return  # an extraConfig snippet sets the socket itself, after the chart: it may well match
    unknown = unchecked(values, "whether an extraConfig snippet sets build_docker_host", name_path, (EXTRA_CONFIG,))
    if unknown:
        yield unknown
        return
    directory = values.get((builder, "hostSocketDir"), f"/var/run/{builder}")
    ignored = [".".join(p) for p in OVERWRITTEN if values.has(p)]
    also = (f"; {' and '.join(ignored)} cannot correct it, as the chart overwrites "
            f"{'them' if len(ignored) > 1 else 'it'}") if ignored else ""
    yield Hit(name_path,
              f"{builder}.hostSocketName is {values.show(name_path)}, so the {builder} DaemonSet listens on "
              f"{directory}/{name}, but the chart's binderhub_config.py always points build pods at "
              f"{directory}/{expected}: every build pod fails to mount a socket that does not exist{also}",
              fix=f"Leave `{builder}.hostSocketName` at `{expected}`, or set the socket in an extraConfig snippet "
                  f"(`c.BinderHub.build_docker_host = \"unix://{directory}/{name}\"`).")


def _set_in_extra_config(values) -> bool:
    snippets = values.get(EXTRA_CONFIG)
    texts = snippets.values() if isinstance(snippets, dict) else []
    return any(isinstance(text, str) and "docker_host" in text for text in texts)
