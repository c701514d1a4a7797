"""The hostile origins of an audit: for the origins meant to have access, every origin a CORS policy might let
through by mistake, each with the mistake that would let it through.

What is covered, and where it comes from:

- The misconfiguration classes of the study behind CORScanner (Chen et al., "We Still Don't Have Secure
  Cross-Domain Requests", USENIX Security 2018) and the tests of CORScanner (github.com/chenjj/CORScanner,
  ``common/corscheck.py`` and ``origins.json``), for a target ``https://www.example.com``:
  ``reflect_origin`` (``https://evil.com``) -> arbitrary-origin; ``trust_null`` -> null; ``https_trust_http``
  (``http://www.example.com``) -> http-origin; ``trust_any_subdomain`` (``https://evil.www.example.com``) ->
  deeper-subdomain; ``prefix_match`` (``https://www.example.com.evil.com``) -> prefix-match; ``suffix_match``
  (``https://evilexample.com``) -> suffix-match; ``include_match`` (``https://xample.com``, the registrable
  domain less its first character; its README's ``example.co``, here the host less its last) -> substring-match;
  ``not_escape_dot`` (the last dot replaced by ``a``) -> unescaped-dot, here every dot, one at a time;
  ``custom_third_parties`` (``origins.json``: whatever.github.io, jsbin.com, codepen.io, jsfiddle.net,
  www.webdevout.net, repl.it) -> code-playground; ``special_characters_bypass`` (the host, one of
  ``_ - " { } + ^ %60 ! ~ ` ; | & ' ( ) * , $ = %0b``, then ``.evil.com``) -> special-characters(-extended).
- The payloads of the nuclei template ``cors-misconfig`` (projectdiscovery/nuclei-templates,
  ``http/vulnerabilities/generic/cors-misconfig.yaml``): ``https://{rand}.com`` -> arbitrary-origin; ``null`` ->
  null; ``https://{rand}.{RDN}`` -> sibling-subdomain; ``http://{rand}.{RDN}`` -> subdomain-over-http;
  ``https://{FQDN}.{rand}.com``, ``https://{FQDN}{rand}.com`` and ``http(s)://localhost.{rand}.com`` ->
  prefix-match; ``https://{rand}{RDN}``, ``http://{rand}{RDN}`` and ``http://s{RDN}`` -> suffix-match;
  ``http(s)://{replace(FQDN,'.','a')}`` -> unescaped-dot (one dot at a time: a regex accepts the all-dots form only
  if it accepts each one-dot form, so nothing is lost; the http form comes with an allowed http origin);
  ``https://{FQDN}_.{rand}.com`` and ``https://{FQDN}._.{rand}.com`` -> special-characters;
  ``https://{FQDN}%60.{rand}.com`` and ``https://{FQDN}.X.{rand}.com`` for X in ``$ ~ = + & * ) ( ' ! ; , -`` ->
  special-characters-extended.
- The issue's own cases: a different port (other-port) and origins crafted from the policy's patterns
  (regex-crafted).

Special characters are decided with the WHATWG URL host parser: it percent-decodes a host and fails on a
forbidden host code point (NUL, TAB, LF, CR, space, ``# / : < > ? @ [ \\ ] ^ |``) or, for a domain, on a C0
control, ``%`` or DEL. So ``^`` and ``|`` are left out (no browser can have such a page), ``%0b`` too (it decodes
to a C0 control), and ``%60`` is the backtick. The rest are WHATWG-valid and a page can have them in its origin,
but only ``_`` passes the kit's own origin parser (letters, digits, ``_``, and ``-`` inside a label), so every
other one is in special-characters-extended, which SERVING_CAVEATS marks: the audit may skip those, never call
them safe. Measured with ``new URL()`` here: WebKitGTK accepts them all; Firefox ESR 153 refuses ``"`` and ``*``;
Chromium serialises ``*`` as ``%2A`` (its page would not send the origin listed).

Hosts without a registrable domain (loopback and other IP addresses, ``localhost``, single-label names, public
suffixes) get only the cases that do not depend on a site: an unrelated site, null, http for https, another port
and the host as a prefix (the nuclei "localhost" case; not for IPv6). Subdomains, suffixes, substrings, dots and
special characters are about a site, so they are not generated for them.

Host-derived origins keep the allowed origin's port where a check on the whole origin string would compare it
(subdomains, suffixes, dots); the prefix, substring and special-character cases, the unrelated site and the
playgrounds use the scheme's default port, as an attacker's page would.

For each pattern of the policy (``CorsPolicy.origin_patterns``, matched as ``pattern_match`` says), the origins
above that it accepts are re-tagged regex-crafted (but null and the extended special characters keep their
category, which says how a page gets them), and origins are crafted by walking the parsed pattern: a letter for an
unescaped dot, an attacker's label for a wildcard, a suffix where nothing anchors the end (``re.match`` or
``re.search``), a prefix where nothing anchors the start (``re.search``). Only those the pattern really accepts
are kept, at most MAX_CRAFTED per pattern. A pattern that could backtrack catastrophically (a heuristic: nested
repeats without a delimiter, a repeated part that can be empty or holds an alternation, three overlapping
repeats in a row, more than eight repeats) or is longer than 500 characters is not run at all: it yields
nothing, and its browser verdicts still come from the origins above.
"""

from __future__ import annotations

import itertools
import re
import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Final, TypeAlias, cast
from urllib.parse import unquote, urlsplit

from e2ekit._errors import OriginError, UsageError
from e2ekit._frameworks.policy import CorsPolicy
from e2ekit._probing.origins import DEFAULT_PORTS, Origin, as_origin
from e2ekit._standard.ports import BAD_PORTS
from e2ekit._standard.sites import registrable_domain

if TYPE_CHECKING:
    import sre_constants as _constants
    import sre_parse as _parser
else:  # the same modules under their Python 3.11+ names (the old ones warn of their deprecation)
    from re import _constants, _parser

__all__ = ["CATEGORIES", "MAX_CRAFTED", "SERVING_CAVEATS", "HostileOrigin", "hostile_origins"]

CATEGORIES: Final[Mapping[str, str]] = MappingProxyType(
    {
        "arbitrary-origin": "An unrelated site (origin reflection)",
        "null": "The opaque origin null (a sandboxed page)",
        "http-origin": "The allowed host over http",
        "sibling-subdomain": "Another subdomain of the allowed site",
        "deeper-subdomain": "A subdomain of the allowed host",
        "subdomain-over-http": "A subdomain of the allowed site over http",
        "other-port": "The allowed host on another port",
        "prefix-match": "The allowed host as the prefix of another domain",
        "suffix-match": "The allowed host or site as the suffix of another domain",
        "substring-match": "A part of the allowed host",
        "unescaped-dot": "The allowed host with a dot replaced by a letter",
        "special-characters": "The allowed host followed by '_'",
        "special-characters-extended": "The allowed host followed by another special character",
        "code-playground": "A developer sandbox or code-playground site",
        "regex-crafted": "Built to match a pattern of the policy",
    }
)
"""Category id -> short title, in report order."""

SERVING_CAVEATS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "special-characters-extended": (
            "the kit's origin parser accepts letters, digits, '-' and '_' in a host only, and engines differ: "
            "Firefox refuses '\"' and '*', Chromium turns '*' into '%2A'"
        ),
    }
)
"""Categories whose pages the kit or an engine may fail to serve, and why: a skipped case, never a safe one."""

MAX_CRAFTED = 20
"""Crafted origins kept per pattern."""

NULL_ORIGIN = "null"
_ATTACKER_WORDS = ("evil", "attacker", "hostile")
_DOT_LETTER = "x"
_PLAYGROUNDS = (
    "https://whatever.github.io",
    "http://jsbin.com",
    "https://codepen.io",
    "https://jsfiddle.net",
    "http://www.webdevout.net",
    "https://repl.it",
)
"""CORScanner's origins.json: sites where anyone can publish a page, trusted while a developer tried something."""
_CORSCANNER_CHARACTERS = (
    "_",
    "-",
    '"',
    "{",
    "}",
    "+",
    "^",
    "%60",
    "!",
    "~",
    "`",
    ";",
    "|",
    "&",
    "'",
    "(",
    ")",
    "*",
    ",",
    "$",
    "=",
    "+",
    "%0b",
)
"""CORScanner's special_characters_bypass: "{host}{c}.evil.com"."""
_NUCLEI_LABEL_CHARACTERS = ("$", "~", "=", "+", "&", "*", ")", "(", "'", "!", ";", ",", "-", "_")
"""nuclei's cors-misconfig: "{FQDN}.{c}.{rand}.com", the character as a label of its own."""
_FORBIDDEN_HOST_CODE_POINTS = frozenset("\x00\t\n\r #/:<>?@[\\]^|")
_FORBIDDEN_DOMAIN_CODE_POINTS = _FORBIDDEN_HOST_CODE_POINTS | {chr(c) for c in range(0x20)} | {"%", "\x7f"}

_MAX_PATTERN_LENGTH = 500
_MAX_PATTERN_NODES = 400
_MAX_VARIANTS = 32
_MAX_CANDIDATES = 400
_MAX_ORIGIN_LENGTH = 120
_MAX_REPEAT_LOW = 8
_ALPHABET = frozenset(chr(c) for c in range(0x21, 0x7F))
_DEFAULT_CHARACTERS = string.ascii_lowercase + "1234567890-._:/"


@dataclass(frozen=True)
class HostileOrigin:
    """An origin that should not have access, and the policy mistake that would give it access."""

    origin: str
    """The serialised origin as a page has it, e.g. "https://evil.example"; "null" is an opaque (sandboxed) page."""
    category: str
    """A key of CATEGORIES."""
    derived_from: str | None
    """The allowed origin or the policy pattern it was built from; None for a fixed one."""
    why: str
    """Which policy mistake lets it through, e.g. "a suffix match on 'app.example.com' (endswith)"."""


def hostile_origins(allowed: Sequence[str], policy: CorsPolicy | None = None) -> list[HostileOrigin]:
    """The hostile origins for the origins ``allowed`` to have access and, where the app's configuration can be read,
    its ``policy``: deduplicated, in CATEGORIES order, never an allowed origin. Raise UsageError for a bad origin."""
    origins = _allowed(allowed)
    taken = {str(origin) for origin in origins}
    word = next((w for w in _ATTACKER_WORDS if not any(w in origin.host for origin in origins)), "hostile-origin")
    found: dict[str, HostileOrigin] = {}
    candidates = [hostile for origin in origins for hostile in _derived(origin, word)]
    for hostile in [*candidates, *_fixed(word)]:
        if hostile.origin not in taken and hostile.origin not in found:
            found[hostile.origin] = hostile
    crafted: dict[str, HostileOrigin] = {}
    if policy is not None and not (policy.allow_all_origins or "*" in policy.origins):
        for pattern in dict.fromkeys(policy.origin_patterns):
            matcher = _Matcher.build(pattern, policy.pattern_match)
            if matcher is None:
                continue
            # null and the extended special characters keep their category: it says how a page gets them.
            retagged = [o for o in found if o != NULL_ORIGIN and _is_kit_origin(o) and matcher.accepts(o)]
            for origin in [*retagged, *matcher.crafted(word, taken | found.keys() | crafted.keys())]:
                crafted[origin] = HostileOrigin(origin, "regex-crafted", pattern, matcher.mistake(origin, origins))
                found.pop(origin, None)
    order = {category: index for index, category in enumerate(CATEGORIES)}
    # A page on a bad port cannot be loaded at all: no policy mistake makes it an attacker's origin.
    kept = [hostile for hostile in [*found.values(), *crafted.values()] if _port(hostile.origin) not in BAD_PORTS]
    return sorted(kept, key=lambda hostile: order[hostile.category])


def _port(origin: str) -> int | None:
    port = urlsplit(origin).port if origin != NULL_ORIGIN else None
    return port if port is not None else DEFAULT_PORTS.get(urlsplit(origin).scheme)


def _allowed(allowed: Sequence[str]) -> list[Origin]:
    if isinstance(allowed, str):
        allowed = [allowed]
    if not allowed:
        raise UsageError(
            "no allowed origin given: expected the origins meant to have access, e.g. https://app.example.com"
        )
    for text in allowed:
        if not isinstance(text, str | Origin):
            raise UsageError(f'allowed origin {text!r}: expected a string such as "https://app.example.com"')
    origins = [as_origin(text, what="allowed origin") for text in allowed]
    return list({str(origin): origin for origin in origins}.values())


def _derived(allowed: Origin, word: str) -> list[HostileOrigin]:
    """The hostile origins built from one allowed origin, in CATEGORIES order."""
    scheme, host = allowed.scheme, allowed.host
    port = allowed.port if allowed.port not in (None, DEFAULT_PORTS[scheme]) else None
    domain = registrable_domain(host)
    why = "origin reflection: an echo of any Origin trusts every site"
    cases: list[tuple[str, str, str, int | None, str]] = [("arbitrary-origin", scheme, f"{word}.example", None, why)]
    if scheme == "https":
        why = f"trusting '{host}' over http too: anyone on the network path can inject script into that page"
        cases.append(("http-origin", "http", host, port, why))
    if domain:
        why = f"trusting every subdomain of '{domain}' (a wildcard or a suffix match on '.{domain}')"
        cases.append(("sibling-subdomain", scheme, f"{word}.{domain}", port, why))
        why = f"trusting every subdomain of '{host}' (a wildcard or a suffix match on '.{host}')"
        cases.append(("deeper-subdomain", scheme, f"{word}.{host}", port, why))
        if scheme == "https":
            why = f"trusting the subdomains of '{domain}' without checking the scheme"
            cases.append(("subdomain-over-http", "http", f"{word}.{domain}", port, why))
    # The usual alternative to a default port; the next port to another one.
    other = {"https": 8443, "http": 8080}[scheme] if port is None else port + 1 if port < 65535 else port - 1
    why = f"comparing hosts without their ports: any service on another port of '{host}' is trusted"
    cases.append(("other-port", scheme, host, other, why))
    if ":" not in host:  # an IPv6 address cannot start a domain name
        why = f"a prefix match on '{allowed}' (startswith, or a regex without an end anchor)"
        cases += [
            ("prefix-match", scheme, name, None, why) for name in (f"{host}.{word}.example", f"{host}{word}.example")
        ]
    if domain:
        cases += _site_cases(scheme, host, port, domain, word)
    origins = [HostileOrigin(_serialised(s, h, p), category, str(allowed), why) for category, s, h, p, why in cases]
    return [o for o in origins if o.category == "special-characters-extended" or _is_kit_origin(o.origin)]


def _site_cases(
    scheme: str, host: str, port: int | None, domain: str, word: str
) -> list[tuple[str, str, str, int | None, str]]:
    """The cases that take a host apart, for a host with a registrable domain."""
    cases: list[tuple[str, str, str, int | None, str]] = [
        ("suffix-match", scheme, f"{word}{host}", port, f"a suffix match on '{host}' with no dot boundary (endswith)"),
        ("suffix-match", scheme, f"{word}{domain}", port, f"a suffix match on '{domain}' with no dot boundary"),
    ]
    if scheme == "https":
        why = f"a suffix match on '{domain}' with no dot boundary that ignores the scheme"
        cases.append(("suffix-match", "http", f"{word}{domain}", port, why))
    for part in (domain[1:], host[:-1]):
        why = f"a substring match: '{part}' is part of '{host}' (an 'in' test on the host or the origin)"
        cases.append(("substring-match", scheme, part, None, why))
    for index in (i for i, character in enumerate(host) if character == "."):
        why = f"an unescaped dot in a regex for '{host}': '.' matches '{_DOT_LETTER}' too"
        cases.append(("unescaped-dot", scheme, f"{host[:index]}{_DOT_LETTER}{host[index + 1 :]}", port, why))
    payloads = [(c, False) for c in _CORSCANNER_CHARACTERS] + [(c, True) for c in _NUCLEI_LABEL_CHARACTERS]
    for payload, own_label in payloads:
        character = unquote(payload)  # the host parser percent-decodes: "%60" is the backtick
        if len(character) != 1 or character in _FORBIDDEN_DOMAIN_CODE_POINTS:
            continue  # the WHATWG host parser fails on it: no page can have such an origin
        name = f"{host}.{character}" if own_label else f"{host}{character}"
        category = "special-characters" if character == "_" else "special-characters-extended"
        why = (
            f"a check that reads the host only up to {character!r} (a lax origin parser) or a prefix match on '{host}'"
        )
        cases.append((category, scheme, f"{name}.{word}.example", None, why))
    return cases


def _fixed(word: str) -> list[HostileOrigin]:
    """The hostile origins that do not depend on an allowed origin."""
    why = "trusting 'null' (listed or reflected): every sandboxed iframe and data: URL page sends it"
    fixed = [HostileOrigin(NULL_ORIGIN, "null", None, why)]
    why = "a prefix match on 'localhost' (a development origin left in the policy without an end anchor)"
    fixed += [HostileOrigin(f"{s}://localhost.{word}.example", "prefix-match", None, why) for s in ("https", "http")]
    for origin in _PLAYGROUNDS:
        why = f"trusting '{origin}', where anyone can publish a page (a developer sandbox left in the policy)"
        fixed.append(HostileOrigin(origin, "code-playground", None, why))
    return fixed


def _serialised(scheme: str, host: str, port: int | None) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"{scheme}://{shown}" if port in (None, DEFAULT_PORTS[scheme]) else f"{scheme}://{shown}:{port}"


def _is_kit_origin(text: str) -> bool:
    """Whether ``text`` is a serialised origin the kit can serve a page on."""
    try:
        return str(Origin.parse(text)) == text
    except OriginError:
        return False


# Patterns: a small model of a parsed regular expression, enough to build strings it accepts.


@dataclass(frozen=True)
class _Chars:
    """One character out of ``chars`` (printable ASCII); ``bare_dot`` for an unescaped '.' outside a repeat."""

    chars: frozenset[str]
    bare_dot: bool = False


@dataclass(frozen=True)
class _Repeat:
    low: int
    high: int | None
    body: tuple[_Node, ...]

    @property
    def is_many(self) -> bool:
        return self.high is None or self.high > 1


@dataclass(frozen=True)
class _Branch:
    alternatives: tuple[tuple[_Node, ...], ...]


_Node: TypeAlias = "_Chars | _Repeat | _Branch"


class _Unsupported(Exception):
    """A construct the model leaves out (a back-reference, a conditional group)."""


_WORD = frozenset(string.ascii_letters + string.digits + "_")
_DIGITS = frozenset(string.digits)
_CATEGORY_CHARS: Final[Mapping[object, frozenset[str]]] = {
    _constants.CATEGORY_DIGIT: _DIGITS,
    _constants.CATEGORY_NOT_DIGIT: _ALPHABET - _DIGITS,
    _constants.CATEGORY_WORD: _WORD,
    _constants.CATEGORY_NOT_WORD: _ALPHABET - _WORD,
    _constants.CATEGORY_SPACE: frozenset(),
    _constants.CATEGORY_NOT_SPACE: _ALPHABET,
}
_REPEATS = (_constants.MAX_REPEAT, _constants.MIN_REPEAT, _constants.POSSESSIVE_REPEAT)
_ZERO_WIDTH = (_constants.AT, _constants.ASSERT, _constants.ASSERT_NOT)


def _nodes(pattern: _parser.SubPattern, flags: int) -> tuple[_Node, ...]:
    nodes: list[_Node] = []
    for op, av in pattern.data:
        if op is _constants.LITERAL:
            nodes.append(_Chars(_cased({chr(cast(int, av))}, flags)))
        elif op is _constants.NOT_LITERAL:
            nodes.append(_Chars(_ALPHABET - _cased({chr(cast(int, av))}, flags)))
        elif op is _constants.ANY:
            nodes.append(_Chars(_ALPHABET, bare_dot=True))
        elif op is _constants.IN:
            nodes.append(_Chars(_class_chars(cast("list[tuple[object, object]]", av), flags)))
        elif op in _REPEATS:
            low, high, body = cast("tuple[int, int, _parser.SubPattern]", av)
            nodes.append(_Repeat(low, None if high >= _constants.MAXREPEAT else high, _nodes(body, flags)))
        elif op is _constants.SUBPATTERN:
            _, add, remove, body = cast("tuple[object, int, int, _parser.SubPattern]", av)
            nodes.extend(_nodes(body, (flags | add) & ~remove))
        elif op is _constants.ATOMIC_GROUP:
            nodes.extend(_nodes(cast("_parser.SubPattern", av), flags))
        elif op is _constants.BRANCH:
            _, alternatives = cast("tuple[object, list[_parser.SubPattern]]", av)
            nodes.append(_Branch(tuple(_nodes(alternative, flags) for alternative in alternatives)))
        elif op not in _ZERO_WIDTH:
            raise _Unsupported(str(op))
    return tuple(nodes)


def _cased(chars: set[str], flags: int) -> frozenset[str]:
    return frozenset(chars | {c.swapcase() for c in chars} if flags & re.IGNORECASE else chars)


def _class_chars(items: list[tuple[object, object]], flags: int) -> frozenset[str]:
    chars: set[str] = set()
    negate = False
    for op, av in items:
        if op is _constants.NEGATE:
            negate = True
        elif op is _constants.LITERAL:
            chars.add(chr(cast(int, av)))
        elif op is _constants.RANGE:
            low, high = cast("tuple[int, int]", av)
            chars.update(c for c in _ALPHABET if low <= ord(c) <= high)
        else:
            chars |= _CATEGORY_CHARS.get(av, _ALPHABET)
    cased = _cased(chars, flags) & _ALPHABET
    return _ALPHABET - cased if negate else cased


def _size(nodes: tuple[_Node, ...]) -> int:
    total = 0
    for node in nodes:
        if isinstance(node, _Repeat):
            total += 1 + _size(node.body)
        elif isinstance(node, _Branch):
            total += 1 + sum(_size(alternative) for alternative in node.alternatives)
        else:
            total += 1
    return total


def _chars_in(nodes: tuple[_Node, ...]) -> frozenset[str]:
    found: set[str] = set()
    for node in nodes:
        if isinstance(node, _Chars):
            found |= node.chars
        elif isinstance(node, _Repeat):
            found |= _chars_in(node.body)
        else:
            for alternative in node.alternatives:
                found |= _chars_in(alternative)
    return frozenset(found)


def _many_repeats(nodes: tuple[_Node, ...]) -> list[_Repeat]:
    found: list[_Repeat] = []
    for node in nodes:
        if isinstance(node, _Repeat):
            found += [node] if node.is_many else []
            found += _many_repeats(node.body)
        elif isinstance(node, _Branch):
            for alternative in node.alternatives:
                found += _many_repeats(alternative)
    return found


def _may_backtrack(nodes: tuple[_Node, ...]) -> bool:
    """Whether the pattern may backtrack catastrophically (a heuristic that errs on the side of not running it)."""
    if len(_many_repeats(nodes)) > 8:
        return True
    run: list[frozenset[str]] = []  # what the repeats since the last delimiter can eat
    for node in nodes:
        if isinstance(node, _Chars):
            if len(node.chars) == 1 and not node.chars <= frozenset().union(*run):
                run = []
        elif isinstance(node, _Branch):
            if any(_may_backtrack(alternative) for alternative in node.alternatives):
                return True
            if any(_many_repeats(alternative) for alternative in node.alternatives):
                run.append(_chars_in((node,)))
        else:
            if _may_backtrack(node.body) or (node.is_many and not _repeats_unambiguously(node.body)):
                return True
            if node.is_many:
                run.append(_chars_in(node.body))
        if len(run) > 2:
            return True
    return False


def _repeats_unambiguously(body: tuple[_Node, ...]) -> bool:
    """Whether a repeated ``body`` splits one way only: it cannot be empty, has no alternation, and any repeat
    inside it is of single characters ended by a delimiter none of them matches, as in ``([a-z0-9-]+\\.)*``."""
    if _min_width(body) == 0 or any(isinstance(node, _Branch) for node in body):
        return False
    inner = _many_repeats(body)
    if not inner:
        return True
    if any(len(repeat.body) != 1 or not isinstance(repeat.body[0], _Chars) for repeat in inner):
        return False
    eaten = _chars_in(tuple(inner))
    delimiters = {c for node in body if isinstance(node, _Chars) and len(node.chars) == 1 for c in node.chars}
    return bool(delimiters - eaten)


def _min_width(nodes: tuple[_Node, ...]) -> int:
    width = 0
    for node in nodes:
        if isinstance(node, _Chars):
            width += 1
        elif isinstance(node, _Repeat):
            width += node.low * _min_width(node.body)
        else:
            width += min((_min_width(alternative) for alternative in node.alternatives), default=0)
    return width


def _variants(nodes: tuple[_Node, ...], word: str) -> list[str]:
    """Strings the sequence may match: the intended one first, then one change at a time, then two."""
    options = [_node_variants(node, word) for node in nodes]
    if not all(options):
        return []
    intended = [option[0] for option in options]
    changes = [{index: change} for index, option in enumerate(options) for change in option[1:]]
    changes += [a | b for a, b in itertools.combinations(changes[:_MAX_VARIANTS], 2) if a.keys() != b.keys()]
    found: dict[str, None] = {"".join(intended): None}
    for change in changes:
        found["".join(change.get(index, part) for index, part in enumerate(intended))] = None
        if len(found) >= _MAX_VARIANTS:
            break
    return list(found)


def _node_variants(node: _Node, word: str) -> list[str]:
    if isinstance(node, _Chars):
        if node.bare_dot:
            return [".", _DOT_LETTER]  # meant as a dot; an attacker puts a letter there
        usual = [c for c in _DEFAULT_CHARACTERS if c in node.chars] or sorted(node.chars)
        return list(dict.fromkeys(usual[:1] + [c for c in (".", _DOT_LETTER) if c in node.chars]))
    if isinstance(node, _Branch):
        each = [_variants(alternative, word) for alternative in node.alternatives]
        found = [variants[0] for variants in each if variants]
        found += [variant for variants in each for variant in variants[1:]]
        return list(dict.fromkeys(found))[:_MAX_VARIANTS]
    if node.low > _MAX_REPEAT_LOW:
        return []
    high = node.high if node.high is not None else _MAX_ORIGIN_LENGTH
    if len(node.body) == 1 and isinstance(node.body[0], _Chars):
        chars = node.body[0].chars
        usual = _node_variants(_Chars(chars), word)
        if not usual:
            return [""] if node.low == 0 else []
        # An attacker's label first, then what else may stand there: a host and more, a scheme; else the usual
        # character (a class without letters); and nothing.
        fills = [word[:high].ljust(node.low, usual[0]), f".{word}.example", f"{word}.example", f"https://{word}"]
        fitting = [fill for fill in fills if node.low <= len(fill) <= high and set(fill) <= chars]
        fitting = fitting or [usual[0] * max(node.low, min(1, high))]
        return list(dict.fromkeys([*fitting, ""] if node.low == 0 else fitting))
    body = _variants(node.body, word)
    if not body:
        return [""] if node.low == 0 else []
    count = max(node.low, 1) if high >= 1 else 0
    found = [body[0] * count]
    if node.low == 0:
        found.append("")
    if count + 1 <= high:
        found.append(body[0] * (count + 1))
    found += [change + body[0] * (count - 1) for change in body[1:] if count >= 1]
    return list(dict.fromkeys(found))


def _escape_bare_dots(pattern: str) -> str:
    """``pattern`` with every '.' that is not escaped, not in a class and not repeated written as '\\.'."""
    out: list[str] = []
    index = 0
    while index < len(pattern):
        character = pattern[index]
        if character == "\\":
            out.append(pattern[index : index + 2])
            index += 2
            continue
        if character == "[":
            end = index + 1
            end += pattern[end : end + 1] == "^"
            end += pattern[end : end + 1] == "]"
            while end < len(pattern) and pattern[end] != "]":
                end += 2 if pattern[end] == "\\" else 1
            out.append(pattern[index : end + 1])
            index = end + 1
            continue
        repeated = pattern[index + 1 : index + 2] in ("*", "+", "?", "{")
        out.append("\\." if character == "." and not repeated else character)
        index += 1
    return "".join(out)


@dataclass(frozen=True)
class _Matcher:
    """One pattern of a policy, compiled, with the way the implementation applies it."""

    pattern: str
    compiled: re.Pattern[str]
    how: str
    nodes: tuple[_Node, ...]

    @classmethod
    def build(cls, pattern: str, how: str) -> _Matcher | None:
        """None for a pattern that is not run: too long, not a valid regex (it matches nothing), beyond the model,
        or one that may backtrack catastrophically."""
        if len(pattern) > _MAX_PATTERN_LENGTH:
            return None
        try:
            compiled = re.compile(pattern)
            nodes = _nodes(_parser.parse(pattern), compiled.flags)
        except (re.error, _Unsupported, RecursionError, OverflowError):
            return None
        if _size(nodes) > _MAX_PATTERN_NODES or _may_backtrack(nodes):
            return None
        return cls(pattern, compiled, how, nodes)

    def accepts(self, origin: str, compiled: re.Pattern[str] | None = None) -> bool:
        """Whether the implementation lets ``origin`` through (as CorsPolicy.allows_origin decides)."""
        compiled = compiled or self.compiled
        if self.how == "match":
            return compiled.match(origin) is not None
        if self.how == "search":
            return compiled.search(origin) is not None
        return compiled.fullmatch(origin) is not None

    def crafted(self, word: str, taken: set[str]) -> list[str]:
        """Origins built from the pattern that it accepts, none of ``taken``: at most MAX_CRAFTED."""
        bases = _variants(self.nodes, word)
        suffixes = ["", f".{word}.example", f"{word}.example"] if self.how != "fullmatch" else [""]
        prefixes = [""]
        if self.how == "search":
            prefixes += [f"{scheme}://{label}" for scheme in ("https", "http") for label in ("", f"{word}.", word)]
        found: list[str] = []
        tried = 0
        for suffix in suffixes:
            for prefix in prefixes:
                for base in bases:
                    candidate = f"{prefix}{base}{suffix}"
                    tried += 1
                    if tried > _MAX_CANDIDATES or len(found) >= MAX_CRAFTED:
                        return found
                    if candidate in taken or len(candidate) > _MAX_ORIGIN_LENGTH or not _is_kit_origin(candidate):
                        continue
                    if candidate.rsplit(".", 1)[-1] == word or not self.accepts(candidate):
                        continue  # a name under a made-up top-level domain is nobody's site
                    taken = taken | {candidate}
                    found.append(candidate)
        return found

    def mistake(self, origin: str, allowed: Sequence[Origin]) -> str:
        """The mistake in the pattern that lets ``origin`` through, in one sentence."""
        quoted = f"'{self.pattern}'"
        if self.how != "fullmatch" and self.compiled.fullmatch(origin) is None:
            found = self.compiled.match(origin) if self.how == "match" else self.compiled.search(origin)
            assert found is not None
            late, early = found.start() > 0, found.end() < len(origin)
            if late and early:
                return f"missing anchors: re.search accepts any origin that merely contains a match of {quoted}"
            if late:
                return f"a missing start anchor: re.search accepts any origin that merely ends with a match of {quoted}"
            return f"a missing end anchor: re.{self.how} accepts any origin that merely starts with a match of {quoted}"
        escaped = _escape_bare_dots(self.pattern)
        if escaped != self.pattern and not self.accepts(origin, re.compile(escaped)):
            return f"an unescaped dot: '.' in {quoted} matches any character, not only a dot"
        if not _has_wildcard(self.nodes):
            return f"{quoted} names it: the policy allows an origin that is not among the allowed ones"
        host = Origin.parse(origin).host
        if any(host == other.host for other in allowed):
            return f"an over-broad wildcard: {quoted} accepts '{host}' on other ports or schemes too"
        sites = sorted({registrable_domain(other.host) or other.host for other in allowed})
        if (registrable_domain(host) or host) in sites:
            site = registrable_domain(host) or host
            return f"an over-broad wildcard: {quoted} accepts every host of '{site}', not only the allowed ones"
        for site in sites:
            if host.endswith(site):
                return f"a wildcard with no dot boundary: {quoted} accepts any host that merely ends with '{site}'"
        return f"an over-broad wildcard: {quoted} accepts hosts of other sites"


def _has_wildcard(nodes: tuple[_Node, ...]) -> bool:
    for node in nodes:
        if isinstance(node, _Chars) and len({c.lower() for c in node.chars}) > 1:
            return True
        if isinstance(node, _Repeat) and (node.is_many or _has_wildcard(node.body)):
            return True
        if isinstance(node, _Branch) and any(_has_wildcard(alternative) for alternative in node.alternatives):
            return True
    return False
