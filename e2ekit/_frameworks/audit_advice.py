"""The fix for a hostile origin that a browser let through, in the terms of what serves the app.

The configuration says why the origin got through: ``'*'`` (which, with credentials allowed, Starlette and
flask-cors answer by echoing every origin), ``'null'`` or the origin itself in the allow-list, or an origin pattern
that matches more than meant (an unescaped dot, a missing anchor). The fix names that setting, and for a pattern
suggests one that still matches every allowed origin and no longer the hostile one. Where the configuration does
not explain the answer (a server reached by URL, headers written by hand), the fix is in the response headers.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from e2ekit._frameworks.detection import RESPONSE_HEADERS, CorsSetup
from e2ekit._frameworks.policy import CorsPolicy, Setting

__all__ = ["audit_fix", "safer_pattern"]

NULL_ORIGIN = "null"
_NULL_REASON = "any page can get the origin null (a sandboxed iframe, a data: URL), so it never identifies your page"
_ALL_ORIGINS_SETTINGS = {"django-cors-headers": "CORS_ALLOW_ALL_ORIGINS"}
"""Implementations that allow every origin with a setting of its own rather than '*' in the origin list."""
# A dot written unescaped between host name characters: meant as the dot of the host name, it matches any character.
_LITERAL_DOT = re.compile(r"(?<!\\)\.(?=[A-Za-z0-9-])")
_ANY = re.compile(r"(?<!\\)\.\*")
_SOME = re.compile(r"(?<!\\)\.\+")
_NAME_LABELS = r"[a-z0-9-]+(?:\.[a-z0-9-]+)*"
"""What a host-name wildcard should match: labels and dots, nothing that ends the host (no ':', '@', '/')."""


def audit_fix(setup: CorsSetup, origin: str, allowed: Sequence[str], *, allow_origin: str | None) -> str:
    """One sentence: how to stop ``origin`` from reading, keeping ``allowed`` (the origins meant to have access).

    ``allow_origin`` is the ``Access-Control-Allow-Origin`` the app answered, which words the fix for a server
    whose configuration e2ekit cannot read."""
    policy = setup.policy
    if setup.framework is RESPONSE_HEADERS or not policy.installed or not policy.allows_origin(origin):
        return response_header_fix(origin, allowed, allow_origin)
    framework = setup.framework
    names = framework.names(policy)
    origins_setting = names[Setting.ORIGINS]
    listed = _listed(allowed)
    if origin == NULL_ORIGIN and NULL_ORIGIN in policy.origins:
        return f"remove 'null' from {origins_setting}: {_NULL_REASON}"
    if origin in policy.origins:
        return f"remove '{origin}' from {origins_setting}: it is not one of the origins meant to have access"
    if "*" in policy.origins:
        echo = (
            f" ('*' with {names[Setting.CREDENTIALS]} makes {framework.name} answer every origin by name)"
            if policy.credentials
            else " (keep '*' only for responses that are public)"
        )
        return f"list the allowed origins exactly in {origins_setting} instead of '*': {listed}{echo}"
    if policy.allow_all_origins:
        setting = _ALL_ORIGINS_SETTINGS.get(framework.name, "the setting that allows every origin")
        return f"set {setting} = False and list the allowed origins exactly in {origins_setting}: {listed}"
    patterns_setting = names[Setting.ORIGIN_PATTERNS]
    for pattern in policy.origin_patterns:
        if CorsPolicy(origin_patterns=(pattern,), pattern_match=policy.pattern_match).allows_origin(origin):
            suggested = safer_pattern(pattern, allowed, origin, policy.pattern_match)
            return (
                f"anchor and escape {patterns_setting}: '{pattern}' also matches '{origin}'; use r'{suggested}'"
                if suggested is not None
                else f"remove '{pattern}' from {patterns_setting} and list the allowed origins exactly in "
                f"{origins_setting}: {listed}"
            )
    return response_header_fix(origin, allowed, allow_origin)


def response_header_fix(origin: str, allowed: Sequence[str], allow_origin: str | None) -> str:
    """The fix in response headers, for any server."""
    listed = ", ".join(allowed)
    if origin == NULL_ORIGIN:
        return f"never send 'Access-Control-Allow-Origin: null': {_NULL_REASON}"
    if allow_origin is not None and allow_origin.strip() == "*":
        return (
            "send 'Access-Control-Allow-Origin' only for the allowed origins, compared exactly, instead of '*' "
            f"(allowed: {listed}), unless the response is public"
        )
    return (
        "send 'Access-Control-Allow-Origin' only when the request's Origin is exactly one of the allowed origins "
        f"({listed}), never echoing it otherwise: the server answered '{origin}' by name"
    )


def safer_pattern(pattern: str, allowed: Sequence[str], origin: str, how: str = "fullmatch") -> str | None:
    """``pattern`` with its host-name dots escaped, its wildcards kept inside the host and both ends anchored, if
    that still matches every allowed origin it matched and no longer ``origin``; else the allowed origins it matched,
    escaped and anchored; None if it matched none of them."""
    kept = [value for value in allowed if _matches(pattern, value, how)]
    if not kept:
        return None
    body = _LITERAL_DOT.sub(r"\\.", pattern)
    body = _SOME.sub(lambda _: _NAME_LABELS, _ANY.sub(lambda _: f"(?:{_NAME_LABELS})?", body))
    body = body.removeprefix("^").removesuffix("$").removesuffix(r"\Z")
    repaired = f"^(?:{body})$" if _alternates(body) else f"^{body}$"
    if all(_matches(repaired, value, how) for value in kept) and not _matches(repaired, origin, how):
        return repaired
    exact = "|".join(re.escape(value) for value in kept)
    return f"^(?:{exact})$" if len(kept) > 1 else f"^{exact}$"


def _alternates(pattern: str) -> bool:
    """Whether ``pattern`` has a '|' outside every group and character class (then anchors need a group)."""
    depth, in_class, escaped = 0, False, False
    for character in pattern:
        if escaped:
            escaped = False
        elif character == "\\":
            escaped = True
        elif in_class:
            in_class = character != "]"
        elif character == "[":
            in_class = True
        elif character in "()":
            depth += 1 if character == "(" else -1
        elif character == "|" and depth == 0:
            return True
    return False


def _matches(pattern: str, origin: str, how: str) -> bool:
    return CorsPolicy(origin_patterns=(pattern,), pattern_match=how).allows_origin(origin)


def _listed(allowed: Sequence[str]) -> str:
    return "[" + ", ".join(f"'{value}'" for value in allowed) + "]"
