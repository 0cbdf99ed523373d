"""Network probes: the registry, GitHub, GitLab. Nothing here is imported by `lint`."""
