"""Regular expressions written in rule files (`kind: pattern`'s `match`/`forbid`, a condition's
`matches`), run by RE2.

An organisation's rule file is input like any other: Python's backtracking engine would spend
hours on `^(a|a)*$` against a long value, and no timeout can interrupt it. RE2 (google-re2, the
engine of Go and of RE2/J) runs in time linear in the text whatever the pattern, and refuses the
few features that cannot run that way (look-around, back-references) when the rule file is
loaded. It is imported only when a rule file uses a pattern, so plain `lint` does not load it.
"""

from __future__ import annotations

from functools import lru_cache


class RuleRegexError(ValueError):
    """A pattern RE2 cannot compile; the message says why (from RE2, without the value)."""


@lru_cache(maxsize=None)
def compile_rule_regex(pattern: str, ignore_case: bool = False):
    import re2

    options = re2.Options()
    options.log_errors = False  # RE2 would log the error to stderr itself; we report it once
    options.case_sensitive = not ignore_case
    try:
        return re2.compile(pattern, options)
    except re2.error as exc:
        reason = exc.args[0] if exc.args else "invalid pattern"
        if isinstance(reason, bytes):
            reason = reason.decode("utf-8", "replace")
        raise RuleRegexError(f"{reason} (rule patterns use RE2 syntax: no look-around or "
                             "back-references)") from None


def search(pattern: str, text: str, ignore_case: bool = False) -> bool:
    return compile_rule_regex(pattern, ignore_case).search(text) is not None
