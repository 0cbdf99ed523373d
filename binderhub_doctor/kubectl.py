"""Every kubectl call: finding the binary, the exact command lines (namespace, kube context and a
request timeout always given), and reading what it prints. Beside helm.py, which does the same
for Helm; `connect` and `status` use this module and never build a kubectl command themselves.

kubectl reads the user's kubeconfig (KUBECONFIG, which `helm --kubeconfig` sets for a plugin);
the kube context comes from `--kube-context` or Helm's HELM_KUBECONTEXT. Nothing here prints:
callers get text or parsed JSON, or a :class:`KubectlProblem` whose message is safe to show.
"""

from __future__ import annotations

import ipaddress
import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from typing import Mapping

from .errors import UsageProblem
from .printable import printable


class KubectlProblem(Exception):
    """kubectl ran but could not answer. ``kind``: not_found, timeout, failed or bad_output."""

    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind = kind
        self.message = message


def find_kubectl(env: Mapping[str, str] | None = None) -> str:
    """`$KUBECTL` when set, else `kubectl` on PATH; a usage error (exit 2) when neither works."""
    env = os.environ if env is None else env
    given = env.get("KUBECTL")
    if given:
        found = given if os.sep in given else shutil.which(given, path=env.get("PATH"))
        if found and os.path.isfile(found) and os.access(found, os.X_OK):
            return found
        raise UsageProblem(f"KUBECTL={given} is not an executable; unset it or point it at kubectl")
    found = shutil.which("kubectl", path=env.get("PATH"))
    if not found:
        raise UsageProblem("kubectl was not found on PATH; install it "
                           "(https://kubernetes.io/docs/tasks/tools/) or set KUBECTL=/path/to/kubectl")
    return found


def service_command(kubectl: str, namespace: str, kube_context: str | None, name: str = "proxy-public",
                    request_timeout: float = 30) -> list[str]:
    return Kubectl(kubectl, namespace, kube_context, request_timeout).command("get", "service", name,
                                                                              "--output", "json")


@dataclass(frozen=True)
class Kubectl:
    """kubectl bound to one namespace and kube context; every request bounded by ``request_timeout``."""

    path: str
    namespace: str
    context: str | None = None
    request_timeout: float = 30

    def command(self, *arguments: str) -> list[str]:
        argv = [self.path, *arguments, "--namespace", self.namespace,
                "--request-timeout", f"{max(1, round(self.request_timeout))}s"]
        if self.context:
            argv += ["--context", self.context]
        return argv

    def get(self, kind: str, name: str | None = None, selector: str | None = None) -> dict:
        """`kubectl get KIND [NAME] [-l SELECTOR] -o json`, parsed."""
        arguments = ["get", kind, *([name] if name else []), *(["--selector", selector] if selector else []),
                     "--output", "json"]
        return read_json(self.command(*arguments), self.deadline)

    def logs(self, pod: str, container: str | None = None, previous: bool = False, tail: int = 20) -> str:
        """The last ``tail`` log lines of a container (of its previous run with ``previous``)."""
        arguments = ["logs", pod, *(["--container", container] if container else []),
                     *(["--previous"] if previous else []), "--tail", str(tail)]
        return run(self.command(*arguments), self.deadline)

    @property
    def deadline(self) -> float:
        """For the whole process: discovery, then the request, each bounded by the request timeout."""
        return self.request_timeout * 2 + 5


# How kubectl words a request that ran out of --request-timeout (Go's net/http and context).
_TIMED_OUT = ("deadlineexceeded", "timeoutexceeded", "i/otimeout")


def run(argv: list[str], timeout: float = 60) -> str:
    """kubectl's stdout; KubectlProblem (not_found, timeout, failed) with its first error line."""
    try:
        completed = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                                   errors="replace", timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        raise KubectlProblem("timeout", f"`{shown(argv)}` did not answer within {timeout:.0f} s") from None
    except OSError as exc:
        raise UsageProblem(f"could not run {argv[0]}: {exc.strerror or exc}") from None
    if completed.returncode != 0:
        if "please enter username" in completed.stdout.lower():  # its basic-auth prompt, met our empty stdin
            raise KubectlProblem("failed", "kubectl asked for a user name: the kubeconfig has no credentials for "
                                           "this cluster (check the context's user, `kubectl config view`)")
        message = printable(first_line(completed.stderr or completed.stdout))
        squeezed = message.replace(" ", "").lower()
        if "notfound" in squeezed:
            raise KubectlProblem("not_found", message)
        if any(word in squeezed for word in _TIMED_OUT):
            raise KubectlProblem("timeout", f"the Kubernetes API did not answer `{shown(argv)}` in time ({message})")
        raise KubectlProblem("failed", f"kubectl failed (exit {completed.returncode}): {message}")
    return completed.stdout


def read_json(argv: list[str], timeout: float = 60) -> dict:
    """kubectl's stdout as a JSON object."""
    try:
        data = json.loads(run(argv, timeout))
    except ValueError:
        raise KubectlProblem("bad_output", "kubectl did not print JSON") from None
    if not isinstance(data, dict):
        raise KubectlProblem("bad_output", "kubectl did not print a JSON object")
    return data


def is_address(text) -> bool:
    """An IP address or a DNS host name: what goes into hub_url, and into a message, unquoted."""
    if not isinstance(text, str):
        return False
    try:
        ipaddress.ip_address(text)
        return True
    except ValueError:
        pass
    labels = text.split(".")
    return len(text) <= 253 and all(
        0 < len(label) <= 63 and label.isascii() and label.replace("-", "").isalnum() for label in labels)


def hub_url_for(address: str) -> str:
    try:
        if ipaddress.ip_address(address).version == 6:
            return f"http://[{address}]"
    except ValueError:
        pass
    return f"http://{address}"


def items(listing: dict) -> list[dict]:
    """The objects of a `kubectl get ... -o json` list, ignoring anything that is not an object."""
    found = listing.get("items")
    return [item for item in found if isinstance(item, dict)] if isinstance(found, list) else []


def shown(argv: list[str]) -> str:
    """A kubectl command line for a message: the binary's name, not its path."""
    import shlex

    return shlex.join([os.path.basename(argv[0]), *argv[1:]])


def first_line(text: str | None) -> str:
    for line in (text or "").splitlines():
        if line.strip():
            return line.strip()
    return "(no output)"
