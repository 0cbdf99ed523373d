"""Names vulture cannot see being used: called by a framework, or looked up by name.
scripts/lint passes this file to vulture beside the code; it is never run."""
# ruff: noqa: B018, F821

# http.server calls these on the handler and server classes of the test servers.
_.do_GET, _.do_HEAD, _.do_POST, _.do_PUT, _.do_PATCH, _.do_DELETE, _.do_CONNECT, _.log_message
_.protocol_version, _.server_version, _.daemon_threads, _.close_connection
# requests.Session: no ~/.netrc, no proxy variables (probes/http.py).
_.trust_env
# The io protocol: whoever holds sys.stdout may ask writable(), which io.TextIOBase answers False
# unless a subclass says otherwise (output.RedactingStream replaces sys.stdout and sys.stderr).
_.writable
# click reads a command's help text from this attribute (commands/helm_release.py).
_.help
# cli.LAZY_COMMANDS names these as "module:attribute" strings, imported on first use.
_.install, _.upgrade, _.check_github, _.check_gitlab
# The chart-layout builtins, registered with builtin(_share(...)) (checks/builtin/chart_layout.py).
_.unknown_key, _.unknown_jupyterhub_key, _.removed_key, _.renamed_cors, _.dind_enabled, _.image_cleaner_host
_.wrong_type, _.bad_enum, _.jupyterhub_key_at_root, _.binderhub_key_under_jupyterhub, _.removed_jupyterhub_key
_.null_required, _.required_missing, _.key_too_new
# pytest reads a test module's marks from this name, and calls its hooks.
pytestmark
pytest_configure
# traitlets calls TraitType.validate(obj, value) (tests/test_traits.py).
obj
# re2.Options: RE2 reads these option attributes when a rule pattern is compiled (checks/rule_regex.py).
_.log_errors, _.case_sensitive
