#!/bin/sh
# install.sh - create a virtualenv and install binderhub-doctor into it.
#
# Usage: ./install.sh [--test] [--verbose]
#   --test     also install the [test] extra (pytest, hypothesis, ...)
#   --verbose  show pip's own output
#
# Where the virtualenv goes:
#   $HELM_PLUGIN_DIR/.venv  when HELM_PLUGIN_DIR is set (Helm runs this script as
#                           the plugin's install/update hook)
#   <repo root>/.venv       otherwise
# The interpreter is $PYTHON (default: python3); it must be Python >= 3.10.
#
# Safe to re-run: a working virtualenv is reused and the package re-installed.
# A development checkout (the venv is <root>/.venv and <root>/.git exists) gets an
# editable install (pip install -e), so source edits are live; anything else gets
# a regular install.
set -u

die() {
    echo "install.sh: error: $*" >&2
    exit 1
}

extras=""
verbose=0
for arg in "$@"; do
    case "$arg" in
        --test) extras="[test]" ;;
        --verbose|-v) verbose=1 ;;
        -h|--help)
            sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'
            exit 0
            ;;
        *) die "unknown argument '$arg' (usage: ./install.sh [--test] [--verbose])" ;;
    esac
done

# Repo root = the folder holding this script, resolved to a physical path.
root=$(cd "$(dirname "$0")" && pwd -P) || die "cannot find the folder of $0"
[ -f "$root/pyproject.toml" ] || die "no pyproject.toml next to install.sh in $root"

if [ -n "${HELM_PLUGIN_DIR:-}" ]; then
    [ -d "$HELM_PLUGIN_DIR" ] || die "HELM_PLUGIN_DIR=$HELM_PLUGIN_DIR is not a directory"
    venv_parent=$(cd "$HELM_PLUGIN_DIR" && pwd -P)
else
    venv_parent=$root
fi
venv="$venv_parent/.venv"

# --- the interpreter ---------------------------------------------------------
python=${PYTHON:-python3}
if ! command -v "$python" >/dev/null 2>&1; then
    if [ -n "${PYTHON:-}" ]; then
        die "PYTHON=$PYTHON was not found; set PYTHON to a Python >= 3.10 interpreter"
    fi
    die "python3 was not found; install Python >= 3.10 (Debian/Ubuntu: apt-get install python3 python3-venv) or set PYTHON=/path/to/python3"
fi
version=$("$python" -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])' 2>/dev/null) \
    || die "$python does not run as a Python interpreter; set PYTHON to a Python >= 3.10 interpreter"
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 10))' 2>/dev/null; then
    die "binderhub-doctor needs Python >= 3.10 but $python is $version; set PYTHON=/path/to/python3.10 (or newer)"
fi

# --- the virtualenv ----------------------------------------------------------
venv_works() {
    [ -x "$venv/bin/python" ] &&
        "$venv/bin/python" -c 'import sys, pip; sys.exit(sys.version_info < (3, 10))' >/dev/null 2>&1
}

if ! venv_works; then
    # venv itself is in the stdlib, but Debian/Ubuntu split ensurepip (which
    # venv needs to put pip in) into the python3-venv package.
    if ! "$python" -c 'import venv, ensurepip' >/dev/null 2>&1; then
        die "$python cannot create virtualenvs (no venv/ensurepip module); install it: apt-get install python3-venv (or python$(echo "$version" | cut -d. -f1,2)-venv)"
    fi
    if [ -e "$venv" ]; then
        # There is something, but it doesn't work (moved, interpreter gone, ...).
        venv_log=$("$python" -m venv --clear "$venv" 2>&1) \
            || die "could not re-create the broken virtualenv $venv: $(echo "$venv_log" | tail -n 1)"
    else
        venv_log=$("$python" -m venv "$venv" 2>&1) \
            || die "could not create the virtualenv $venv: $(echo "$venv_log" | tail -n 1)"
    fi
    venv_works || die "the new virtualenv $venv has no working python/pip; remove it and install python3-venv (apt-get install python3-venv)"
fi

# --- the package -------------------------------------------------------------
if [ "$venv" = "$root/.venv" ] && [ -e "$root/.git" ]; then
    set -- -e "$root$extras"
else
    set -- "$root$extras"
fi

if [ "$verbose" = 1 ]; then
    "$venv/bin/python" -m pip install --disable-pip-version-check "$@" \
        || die "pip install failed (output above); check that PyPI is reachable (or PIP_INDEX_URL) and re-run ./install.sh"
else
    log=$(mktemp "${TMPDIR:-/tmp}/binderhub-doctor-install.XXXXXX") || die "mktemp failed"
    if ! "$venv/bin/python" -m pip install -q --disable-pip-version-check "$@" >"$log" 2>&1; then
        cat "$log" >&2
        rm -f "$log"
        die "pip install failed (output above); check that PyPI is reachable (or PIP_INDEX_URL) and re-run ./install.sh --verbose"
    fi
    rm -f "$log"
fi

echo "binderhub-doctor installed in $venv"
