"""value_types: the one name every message gives a YAML value's type."""

from __future__ import annotations

import math

import pytest

from binderhub_doctor.documents import Document, parse_text
from binderhub_doctor.value_types import TYPE_NAMES, looks_like_number, type_name, with_article


@pytest.mark.parametrize(("value", "name"), [
    (None, "null"), (True, "boolean"), (0, "integer"), (2**70, "integer"), (5.0, "integer"), (40e9, "integer"),
    (2.5, "number"), (2.0**63, "number"), (math.inf, "number"), (-math.inf, "number"), (math.nan, "number"),
    ("5", "string"), ([], "list"), ({}, "mapping"),
])
def test_type_name_uses_json_schema_words_and_never_raises(value, name):
    assert type_name(value) == name and name in TYPE_NAMES


def test_with_article_and_numbers_in_quotes():
    assert [with_article(kind) for kind in ("integer", "string", "list")] == ["an integer", "a string", "a list"]
    assert [looks_like_number(text) for text in (" 42 ", "1e3", "-.5", "nan", "4 2", "", "0x10")] == \
        [True, True, True, True, False, False, False]


def test_the_loader_names_a_top_level_that_is_not_a_mapping_with_the_same_words():
    messages = [parse_text(text, Document(file="f.yaml")).problems[0].message for text in ("7\n", "- a\n", "2.5\n")]
    assert [m.split(", but")[0] for m in messages] == [
        "the file's top level is an integer", "the file's top level is a list", "the file's top level is a number"]
