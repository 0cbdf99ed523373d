"""BHD522 hub-url-ingress: hub_url against the hub's ingress hosts and TLS."""

from __future__ import annotations

import yaml

from binderhub_doctor.engine import lint
from binderhub_doctor.ruleset import load_rules
from support.tools import values_of

RULES = load_rules()


def found(tmp_path, hub_url: str, jupyterhub: dict):
    config = yaml.safe_dump({"config": {"BinderHub": {"hub_url": hub_url}}, "jupyterhub": jupyterhub})
    return [f.message for f in lint(values_of(tmp_path, config), RULES).findings if f.rule == "BHD522"]


def test_a_wildcard_host_covers_one_label(tmp_path):
    ingress = {"ingress": {"enabled": True, "hosts": ["*.example.org"]}}
    assert found(tmp_path, "https://hub.example.org", ingress) == []
    assert len(found(tmp_path, "https://a.hub.example.org", ingress)) == 1


def test_tls_from_z2jh_https_counts_too(tmp_path):
    https = {"proxy": {"https": {"enabled": True, "hosts": ["hub.example.org"]}}}
    [message] = found(tmp_path, "http://hub.example.org/", https)
    assert "http://" in message
    assert found(tmp_path, "http://other.example.org/", https) == []


def test_without_an_ingress_nothing_is_compared(tmp_path):
    assert found(tmp_path, "http://hub.example.org", {"ingress": {"enabled": False, "tls": [{"hosts": ["x"]}]}}) == []


def test_odd_shapes_are_not_read_as_hosts(tmp_path):
    tls = {"ingress": {"enabled": True, "hosts": ["hub.example.org", 5], "tls": [{"hosts": "hub.example.org"}]}}
    # `hosts: "hub…"` is no list: not a host per letter, so TLS without named hosts covers every host
    [message] = found(tmp_path, "http://hub.example.org", tls)
    assert "TLS on hub.example.org" in message
