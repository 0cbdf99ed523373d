"""Network probes: the registry, GitHub, GitLab. Nothing here is imported by `lint`."""


class ProbeInputError(Exception):
    """A setting or option a probe cannot use (a URL that is not http(s), a token over plain
    http, a malformed --repo), said in one line that names the file and line or the option.
    Probes know nothing of the command line: commands turn this into their usage error (exit 2),
    or, in `doctor`, into a failed section."""
