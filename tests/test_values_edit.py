"""The text-preserving edits `connect` and `lint --fix` use: one value set, a key moved or removed,
a pasted JSON key lined up; everything else byte for byte."""

from __future__ import annotations

import pytest

from binderhub_doctor.documents import Document, parse_text
from binderhub_doctor.values_edit import (
    EditError,
    json_block_scalar,
    move_key,
    remove_key,
    render_scalar,
    set_scalar,
)

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


# --- move_key, remove_key, json_block_scalar (lint --fix) -----------------------------------------

BUILD_IMAGE = ("config", "BinderHub", "build_image")
NEW_HOME = ("config", "KubernetesBuildExecutor", "build_image")


def test_move_key_carries_the_values_text_and_comment():
    text = ("# top\nconfig:\n  BinderHub:\n    use_registry: true  # c\n"
            "    build_image: 'quay.io/x:1'  # pinned\n    hub_url: http://x\n")
    assert move_key(text, BUILD_IMAGE, NEW_HOME) == (
        "# top\nconfig:\n  BinderHub:\n    use_registry: true  # c\n    hub_url: http://x\n"
        "  KubernetesBuildExecutor:\n    build_image: 'quay.io/x:1'  # pinned\n")


def test_move_key_drops_the_parent_it_empties_and_keeps_crlf_and_block_scalars():
    text = "config:\r\n  BinderHub:\r\n    build_image: |\r\n      abc\r\n"
    assert move_key(text, BUILD_IMAGE, NEW_HOME) == \
        "config:\r\n  KubernetesBuildExecutor:\r\n    build_image: |\r\n      abc\r\n"


def test_move_key_to_a_set_place_is_refused():
    text = "config:\n  BinderHub:\n    build_image: a\n  KubernetesBuildExecutor:\n    build_image: b\n"
    with pytest.raises(EditError, match="move it by hand"):
        move_key(text, BUILD_IMAGE, NEW_HOME)


def test_remove_key_takes_an_emptied_section_with_it():
    text = "config:\n  BinderHub:\n    hub_url: http://x\n# legacy\nhub:\n  url: http://x\nafter: 1\n"
    assert remove_key(text, ("hub", "url")) == "config:\n  BinderHub:\n    hub_url: http://x\n# legacy\nafter: 1\n"


KEY = ['{', '  "type": "service_account",', '  "private_key": "a\\nb"', '}']


@pytest.mark.parametrize("pasted", [
    "  password:\n" + "".join(f"    {line}\n" for line in KEY),  # no `|`: YAML reads a mapping
    "  password: |\n    {\n" + "".join(f"  {line}\n" for line in KEY[1:]),  # lines that do not line up
    "  password:\n" + "".join(f"  {line}\n" for line in KEY),  # pasted at the key's own indentation
])
def test_json_block_scalar_lines_the_key_up_under_a_pipe(pasted):
    text = "registry:\n  url: https://gcr.io\n" + pasted + "config: {}\n"
    assert json_block_scalar(text, 3) == ("registry:\n  url: https://gcr.io\n  password: |\n"
                                          + "".join(f"    {line}\n" for line in KEY) + "config: {}\n")


def test_json_block_scalar_refuses_a_key_that_is_not_json():
    text = 'registry:\n  password:\n    {\n      "type": "service_account"\n      "a": 1\n    }\n'
    with pytest.raises(EditError, match="no complete JSON object"):
        json_block_scalar(text, 2)


def test_json_block_scalar_keeps_the_chomping_indicator_and_comment():
    text = 'registry:\n  password: |-  # the key\n    {\n  "a": 1\n    }\n'
    assert json_block_scalar(text, 2) == 'registry:\n  password: |-  # the key\n    {\n      "a": 1\n    }\n'
