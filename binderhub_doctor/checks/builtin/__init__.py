"""Checks that no declarative kind can express; each rule file names them by `module.function`.
Importing this package registers them all (`@builtin`)."""

from . import (  # noqa: F401 - registers the builtin checks
    auth,
    build_socket,
    builder_dirs,
    chart_layout,
    empty_credentials,
    git_credentials,
    hub_ingress,
    hub_url,
    image_cleaner,
    image_prefix,
    nothing,
    providers,
    python_snippets,
    quotas,
    registry,
    registry_password,
    spec_patterns,
    tokens,
    traits,
    z2jh_notes,
)
