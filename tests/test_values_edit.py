"""The text-preserving edit `connect` uses: one value set, everything else byte for byte."""

from __future__ import annotations

import pytest

from binderhub_doctor.documents import Document, parse_text
from binderhub_doctor.values_edit import EditError, render_scalar, set_scalar

HUB_URL = ("config", "BinderHub", "hub_url")
URL = "http://34.120.10.20"

CASES = {
    "replace a plain value, keep its comment": (
        "# top\nconfig:\n  BinderHub:\n    use_registry: true  # yes\n    hub_url: http://old   # the hub\n"
        "    image_prefix: x/y-\nregistry:\n  url: a\n",
        "# top\nconfig:\n  BinderHub:\n    use_registry: true  # yes\n    hub_url: http://34.120.10.20   # the hub\n"
        "    image_prefix: x/y-\nregistry:\n  url: a\n"),
    "keep single quotes": (
        "config:\n  BinderHub:\n    hub_url: 'http://o''ld' # c\n",
        "config:\n  BinderHub:\n    hub_url: 'http://34.120.10.20' # c\n"),
    "keep double quotes": (
        'config:\n  BinderHub:\n    hub_url: "http://o\\"ld" # c\n',
        'config:\n  BinderHub:\n    hub_url: "http://34.120.10.20" # c\n'),
    "empty value with a comment": (
        "config:\n  BinderHub:\n    hub_url:   # fill me\n    x: 1\n",
        "config:\n  BinderHub:\n    hub_url: http://34.120.10.20 # fill me\n    x: 1\n"),
    "empty value at the end": (
        "config:\n  BinderHub:\n    hub_url:\n",
        "config:\n  BinderHub:\n    hub_url: http://34.120.10.20\n"),
    "null": (
        "config:\n  BinderHub:\n    hub_url: null\n",
        "config:\n  BinderHub:\n    hub_url: http://34.120.10.20\n"),
    "block scalar": (
        "config:\n  BinderHub:\n    hub_url: |\n      http://a\n      # inside\n    x: 1\n",
        "config:\n  BinderHub:\n    hub_url: http://34.120.10.20\n    x: 1\n"),
    "folded plain scalar, comment after it kept": (
        "config:\n  BinderHub:\n    hub_url: http://a\n      b\n      # after\n    x: 1\n",
        "config:\n  BinderHub:\n    hub_url: http://34.120.10.20\n      # after\n    x: 1\n"),
    "insert after the last child, 4-space indents, comments stay": (
        "config:\n    BinderHub:\n        use_registry: true\n        # hub_url comes from connect\n\n"
        "# registry below\nregistry:\n    url: x\n",
        "config:\n    BinderHub:\n        use_registry: true\n        # hub_url comes from connect\n"
        "        hub_url: http://34.120.10.20\n\n# registry below\nregistry:\n    url: x\n"),
    "insert the missing class": (
        "config:\n  DockerRegistry:\n    token_url: x\n# end\n",
        "config:\n  DockerRegistry:\n    token_url: x\n  BinderHub:\n    hub_url: http://34.120.10.20\n# end\n"),
    "insert at the top level of a file without a final newline": (
        "# only comment\nregistry:\n  url: x",
        "# only comment\nregistry:\n  url: x\nconfig:\n  BinderHub:\n    hub_url: http://34.120.10.20\n"),
    "empty file": ("", "config:\n  BinderHub:\n    hub_url: http://34.120.10.20\n"),
    "empty parent": (
        "config:\n  BinderHub:\nregistry: {}\n",
        "config:\n  BinderHub:\n    hub_url: http://34.120.10.20\nregistry: {}\n"),
    "empty flow parent": (
        "config:\n  BinderHub: {}  # none yet\n",
        "config:\n  BinderHub: # none yet\n    hub_url: http://34.120.10.20\n"),
    "windows line endings": (
        "config:\r\n  BinderHub:\r\n    use_registry: true\r\n",
        "config:\r\n  BinderHub:\r\n    use_registry: true\r\n    hub_url: http://34.120.10.20\r\n"),
}


@pytest.mark.parametrize("before, after", CASES.values(), ids=list(CASES))
def test_set_scalar(before, after):
    assert set_scalar(before, HUB_URL, URL, "config.yaml") == after


def test_unchanged_value_returns_the_same_text():
    text = "config:\n  BinderHub:\n    hub_url: http://34.120.10.20  # set\n"
    assert set_scalar(text, HUB_URL, URL) is text


@pytest.mark.parametrize("text, message", [
    ("config:\n  BinderHub: {hub_url: x}\n", "flow style"),
    ("config:\n  BinderHub: {image_prefix: x}\n", "flow style"),
    ("config:\n  BinderHub:\n    hub_url:\n      a: 1\n", "holds a mapping"),
    ("config: {}\nconfig: {}\n", "appears twice"),
    ("config:\n  BinderHub:\n\thub_url: x\n", "cannot edit it safely"),
    ("config:\n  BinderHub: just text\n", "not a mapping"),
])
def test_unsafe_edits_are_refused(text, message):
    with pytest.raises(EditError, match=message):
        set_scalar(text, HUB_URL, URL, "config.yaml")


@pytest.mark.parametrize("value", [
    "http://[2001:db8::1]", "http://x: y #z", "yes", "123", "- a", "", "http://host/path?q=1&b=2",
    "'quoted'", "<IP>", "a\nb",
])
def test_rendered_values_read_back_as_the_same_string(value):
    text = set_scalar("config:\n  BinderHub:\n    use_registry: true\n", HUB_URL, value)
    data = parse_text(text, Document(file="c")).data
    assert data["config"]["BinderHub"]["hub_url"] == value


def test_plain_urls_stay_unquoted():
    assert render_scalar("http://34.120.10.20") == "http://34.120.10.20"
    assert render_scalar("http://a1b2.elb.amazonaws.com") == "http://a1b2.elb.amazonaws.com"
    assert render_scalar("true") == '"true"'
