"""Values nobody can read (git-crypt files, SOPS ciphertext, broken files) are unknown: no rule
judges them, and no comparison concludes from a value such a file may replace; the lint says
instead what it could not check."""

from __future__ import annotations

import json

from binderhub_doctor.engine import lint
from binderhub_doctor.ruleset import load_rules
from binderhub_doctor.values import load_values
from support.tools import FIXTURES, invoke

RULES = load_rules()
HERE = FIXTURES / "encrypted"
DEFAULTS, CONFIG = HERE / "chart-values.yaml", HERE / "config.yaml"
SOPS, GIT_CRYPT = HERE / "enc.secret.values.yaml", HERE / "git-crypt.secret.yaml"


def findings(*files):
    return lint(load_values(list(files)), RULES).findings


def test_without_the_secret_file_the_registry_mismatch_is_reported():
    assert [f for f in findings(DEFAULTS, CONFIG) if f.rule == "BHD204" and f.severity == "warning"]


def test_a_git_crypt_file_that_may_set_registry_url_stops_the_comparison():
    (hit,) = [f for f in findings(DEFAULTS, CONFIG, GIT_CRYPT) if f.rule == "BHD204"]
    assert hit.severity == "info"
    assert "could not be checked" in hit.message and "binderhub.registry.url" in hit.message
    assert "git-crypt.secret.yaml is encrypted (git-crypt)" in hit.message


def test_a_git_crypt_file_before_the_value_cannot_change_it():
    config = [f for f in findings(GIT_CRYPT, DEFAULTS, CONFIG) if f.rule == "BHD204"]
    # both values are set after the unreadable (secret) file, which cannot change them
    assert [f.severity for f in config] == ["error"]


def test_a_sops_value_overrides_and_stays_unknown():
    found = findings(DEFAULTS, CONFIG, SOPS)
    (hit,) = [f for f in found if f.rule == "BHD204"]
    assert hit.severity == "info" and "encrypted (SOPS)" in hit.message
    assert not [f for f in found if f.severity == "error" and f.rule != "BHD401"]


def test_sops_values_are_never_judged_but_its_keys_are():
    found = findings(DEFAULTS, CONFIG, SOPS)
    rules = {f.rule for f in found}
    # short "tokens", a password that is no JSON key, a registry url: all ciphertext, never judged
    assert not rules & {"BHD101", "BHD102", "BHD103", "BHD104", "BHD105", "BHD211", "BHD217"}
    (typo,) = [f for f in found if f.rule == "BHD401"]
    assert typo.path == "binderhub.registery" and typo.file.endswith("enc.secret.values.yaml")


def test_sops_file_is_named_in_the_summary_as_encrypted():
    run = invoke("lint", "--format", "json", DEFAULTS, CONFIG, SOPS)
    report = json.loads(run.stdout)
    (skipped,) = report["summary"]["skipped"]
    assert skipped["file"].endswith("enc.secret.values.yaml") and "SOPS" in skipped["reason"]
    assert "ENC[" not in run.stdout
    text = invoke("lint", DEFAULTS, CONFIG, SOPS).stdout
    assert "enc.secret.values.yaml: skipped: encrypted (SOPS)" in text


def test_a_file_with_a_sops_block_but_no_ciphertext_is_plain_values(tmp_path):
    plain = tmp_path / "values.yaml"
    plain.write_text("sops:\n  note: not encrypted\nconfig:\n  BinderHub:\n    use_registry: false\n")
    found = findings(plain)
    assert [f for f in found if f.path == "sops"], "an unknown top-level key is still reported"


def test_comparisons_between_known_values_still_conclude(tmp_path):
    secret = tmp_path / "secret.yaml"
    secret.write_text("registry:\n  url: https://gcr.io\n  password: pw-123456789\n")
    config = tmp_path / "config.yaml"
    config.write_text("config:\n  BinderHub:\n    image_prefix: examplebot/binder-prod-\n")
    (hit,) = [f for f in findings(secret, config) if f.rule == "BHD204"]
    assert hit.severity == "error"


def test_probing_credentials_from_a_sops_file_asks_for_the_decrypted_file():
    run = invoke("check-registry", DEFAULTS, CONFIG, SOPS)
    assert run.returncode == 2
    assert "enc.secret.values.yaml: encrypted (SOPS); pass the decrypted file" in run.stderr
    assert "Traceback" not in run.stderr and "ENC[" not in run.stderr + run.stdout


AGREE_RULE = """\
rules:
  - id: ORG001
    name: lookup-url-is-push-url
    severity: error
    summary: DockerRegistry.url and registry.url name the same registry.
    why: Our policy (https://binderhub.readthedocs.io/en/latest/zero-to-binderhub/setup-registry.html).
    fix: Make them the same.
    check: {kind: agree, path: config.DockerRegistry.url, other: registry.url, compare: host}
"""


def test_an_agree_rule_does_not_conclude_from_a_value_an_unread_file_may_set(tmp_path):
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "org.yaml").write_text(AGREE_RULE)
    secret = tmp_path / "secret.yaml"
    secret.write_text("registry:\n  url: https://registry.example.org\n  password: pw-123456789\n")
    config = tmp_path / "config.yaml"
    config.write_text("config:\n  DockerRegistry:\n    url: https://other.example.org\n")

    def org_findings(*files):
        run = invoke("lint", "--format", "json", "--rules", rules, "--select", "ORG", *files)
        return [(f["severity"], f["message"]) for f in json.loads(run.stdout)["findings"]]

    ((severity, _),) = org_findings(secret, config)
    assert severity == "error"
    ((severity, message),) = org_findings(secret, config, GIT_CRYPT)
    assert severity == "info" and "could not be checked" in message and "git-crypt" in message


def test_replicas_without_a_build_token_secret_is_unknown_when_the_secret_file_is_encrypted(tmp_path):
    config = tmp_path / "config.yaml"
    config.write_text("replicas: 2\n")
    assert [f.severity for f in findings(config) if f.rule == "BHD309"] == ["warning"]
    (hit,) = [f for f in findings(config, GIT_CRYPT) if f.rule == "BHD309"]
    assert hit.severity == "info" and "build_token_secret is not known" in hit.message


def test_a_nan_value_is_reported_once_and_crashes_no_rule(tmp_path):
    """`.NaN` cannot be stored by Helm: the loader reports it, and the rules see its text."""
    values = tmp_path / "config.yaml"
    values.write_text("imageBuilderType: .NaN\nservice:\n  type: .inf\n")
    found = lint(load_values([values]), RULES, raise_errors=True).findings
    assert {f.path for f in found if f.rule == "BHD001"} == {"imageBuilderType", "service.type"}


def test_auth_settings_in_a_git_crypt_file_are_not_reported_missing(tmp_path):
    config = tmp_path / "config.yaml"
    config.write_text("config:\n  BinderHub:\n    auth_enabled: true\n")
    known = {f.message for f in findings(config) if f.rule == "BHD506"}
    assert any("oauth_client_id" in m for m in known) and any("not for the hub" in m for m in known)
    unknown = [f for f in findings(config, GIT_CRYPT) if f.rule == "BHD506"]
    assert [f.severity for f in unknown] == ["info"], "the encrypted file may hold the hub side and the service"
