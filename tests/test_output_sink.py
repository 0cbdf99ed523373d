"""The output sink (output.py): every command's output passes through it; it masks whole known
secrets only, learns them only from secret fields, and leaves short or common-word secrets to
the values layer, which redacts them where a message renders them."""

from __future__ import annotations

import base64
import io
import json
from urllib.parse import quote

from binderhub_doctor.output import RedactingStream, SecretRegistry
from support.tools import invoke

STRONG = "s3cr3t-Kx81QvZ"


def registry(*secrets: str) -> SecretRegistry:
    known = SecretRegistry()
    known.add(secrets)
    return known


def test_only_whole_secrets_are_masked():
    known = registry(STRONG)
    assert known.redact(f"token {STRONG}.") == "token …(14 chars)."
    assert known.redact(f"x{STRONG}") == f"x{STRONG}"  # part of a longer token: another value
    assert known.redact(f"{STRONG}9") == f"{STRONG}9"


def test_the_encodings_a_secret_travels_in_are_masked():
    known = registry(STRONG)
    known.add_pair("binder-push", STRONG)
    pair = base64.b64encode(f"binder-push:{STRONG}".encode()).decode()
    alone = base64.b64encode(STRONG.encode()).decode()
    for text in (f'{{"auth": "{pair}"}}', f"Basic {pair}", f"auth={alone}", json.dumps({"m": f"\n{STRONG}"}),
                 f"q=%22{quote(STRONG)}%22", STRONG.upper()):
        shown = known.redact(text)
        assert STRONG not in shown and pair not in shown and alone not in shown and STRONG.upper() not in shown, text


def test_short_and_common_word_secrets_are_left_to_the_values_layer():
    known = registry("binder", "password", "jupyterhub", "Zq9x", "changeme-now")
    text = 'binderhub-doctor: {"password": "…(8 chars)"}; jupyterhub.hub; binder-push; changeme-now'
    assert known.redact(text) == text


def test_a_secret_that_is_also_an_ordinary_value_is_a_common_word():
    known = registry("dask-gateway-jupyterhub-auth")
    known.add_common_text(["dask-gateway-jupyterhub-auth"])
    assert known.redact("type dask-gateway-jupyterhub-auth") == "type dask-gateway-jupyterhub-auth"
    assert registry("dask-gateway-jupyterhub-auth").redact("dask-gateway-jupyterhub-auth") == "…(28 chars)"


def test_the_stream_sees_a_secret_written_in_pieces():
    target = io.StringIO()
    stream = RedactingStream(target, registry(STRONG))
    stream.write("a " + STRONG[:5])
    stream.write(STRONG[5:] + " b\nthe end")
    assert target.getvalue() == "a …(14 chars) b\n"
    stream.write(f" {STRONG}: ")  # a prompt: shown when the writer flushes
    stream.flush()
    assert target.getvalue().endswith("the end …(14 chars): ")


# --------------------------------------------------------------------------- through the CLI

def write(folder, secret: str, config: str = "config:\n  BinderHub:\n    hub_url: http://192.0.2.1\n"):
    (folder / "secret.yaml").write_text(secret)
    (folder / "config.yaml").write_text(config)
    return [str(folder / "secret.yaml"), str(folder / "config.yaml")]


def test_a_short_password_does_not_mangle_the_words_it_is_part_of(tmp_path):
    files = write(tmp_path, "registry:\n  username: binder-push\n  password: binder\n")
    result = invoke("lint", *files)
    # BHD505's fix names the command; the old scrubber printed `…(6 chars)hub-doctor check-github`
    assert "`binderhub-doctor check-github`" in result.stdout, result.stdout
    assert "chars)hub" not in result.stdout


def test_a_setting_under_auth_is_no_secret(tmp_path):
    """`dask-gateway.gateway.auth.type: jupyterhub` (2i2c's deployments) made every `jupyterhub`
    in the report `…(10 chars)`."""
    files = write(tmp_path, "registry:\n  password: Zx81-not-a-word-Qv\n",
                  "dask-gateway:\n  gateway:\n    auth:\n      type: jupyterhub\n"
                  "jupyterhub:\n  hub:\n    nonsense: 1\n")
    result = invoke("lint", "--format", "json", *files)
    paths = [finding["path"] for finding in json.loads(result.stdout)["findings"]]
    assert "jupyterhub.hub.nonsense" in paths, paths
    assert "(10 chars)" not in result.stdout



def test_a_run_in_the_same_process_forgets_the_last_runs_secrets(tmp_path):
    """Two commands in one process (click's runner, an embedding program): the second must not
    mask a value that was a secret only in the first, nor keep the first's common words."""
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    (first / "secret.yaml").write_text(f"registry:\n  password: {STRONG}\n")
    assert invoke("values", first / "secret.yaml").returncode == 0
    (second / "config.yaml").write_text(f"config:\n  BinderHub:\n    hub_url: {STRONG}\n")
    shown = invoke("values", second / "config.yaml")
    assert shown.returncode == 0, shown.stderr
    assert STRONG in shown.stdout, shown.stdout
