"""Checks that no declarative kind can express; each rule file names them by `module.function`.
Importing this package registers them all (`@builtin`)."""

from . import (  # noqa: F401 - registers the builtin checks
    auth,
    build_socket,
    chart_layout,
    git_credentials,
    hub_ingress,
    hub_url,
    image_prefix,
    nothing,
    providers,
    python_snippets,
    registry,
    registry_password,
    tokens,
    traits,
    z2jh_notes,
)
