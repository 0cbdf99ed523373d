"""Checks that no declarative kind can express; each rule file names them by `module.function`.
Importing this package registers them all (`@builtin`)."""

from . import (  # noqa: F401 - registers the builtin checks
    auth,
    builder_dirs,
    chart_layout,
    empty_credentials,
    hub_url,
    image_cleaner,
    image_prefix,
    nothing,
    providers,
    quotas,
    registry,
    registry_password,
    spec_patterns,
    tokens,
    traits,
)
