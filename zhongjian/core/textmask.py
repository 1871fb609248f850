"""Masking personal data (ID numbers, phones, e-mail, registered cadres' names) in free text."""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable

NAME_MASK = "＊＊"
ID_MASK = "［身份证号］"
PHONE_MASK = "［电话］"
EMAIL_MASK = "［邮箱］"

# Names are Chinese characters, with the middle dot of transcribed minority names (阿依·买买提).
_NAME = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff·•]{2,20}")
_DIGIT = r"[0-9０-９]"
_SEP = r"[ \u3000\-－]?"
# Each pattern is bounded by non-digits so that it never cuts a longer number in two.
_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    # E-mail first: its local part may be a phone number, which must not be masked alone.
    (
        re.compile(r"[A-Za-z0-9._%+\-]+(?:@|＠)[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}"),
        EMAIL_MASK,
    ),
    # Resident ID: 18 characters (the last may be X) or the old 15-digit form.
    (
        re.compile(
            rf"(?<![0-9０-９])(?:{_DIGIT}{{17}}[0-9０-９XxＸｘ]|{_DIGIT}{{15}})(?![0-9０-９])"
        ),
        ID_MASK,
    ),
    # Mainland mobile: 1[3-9]x xxxx xxxx, with spaces or dashes between groups, +86 optional.
    (
        re.compile(
            rf"(?<![0-9０-９])(?:(?:\+|＋)?86{_SEP})?[1１][3-9３-９]{_DIGIT}{_SEP}"
            rf"{_DIGIT}{{4}}{_SEP}{_DIGIT}{{4}}(?![0-9０-９])"
        ),
        PHONE_MASK,
    ),
    # Landline with its area code: 010-12345678, (0571)8765 4321, 0851 1234567-8001.
    (
        re.compile(
            rf"(?<![0-9０-９])(?:[(（][0０]{_DIGIT}{{2,3}}[)）]|[0０]{_DIGIT}{{2,3}}){_SEP}"
            rf"{_DIGIT}{{3,4}}{_SEP}{_DIGIT}{{4}}(?:[-－转]{_DIGIT}{{1,6}})?(?![0-9０-９])"
        ),
        PHONE_MASK,
    ),
)


class NameMatcher:
    """Finds registered names in text in one left-to-right pass, longest name first.

    A set lookup per candidate length at each position: 300 k names cost one set of strings and
    a scan of len(text) × (number of distinct name lengths) lookups.
    """

    def __init__(self, names: Iterable[str]) -> None:
        self._names = frozenset(name for name in names if _NAME.fullmatch(name))
        self._lengths = sorted({len(name) for name in self._names}, reverse=True)

    def __len__(self) -> int:
        return len(self._names)

    def mask(self, text: str) -> str:
        if not self._names:
            return text
        parts: list[str] = []
        start = position = 0
        while position < len(text):
            length = next(
                (size for size in self._lengths if text[position : position + size] in self._names),
                0,
            )
            if length:
                parts.append(text[start:position])
                parts.append(NAME_MASK)
                position += length
                start = position
            else:
                position += 1
        parts.append(text[start:])
        return "".join(parts)


_MATCHERS: OrderedDict[Hashable, NameMatcher] = OrderedDict()
_MATCHERS_LOCK = threading.Lock()
_MATCHERS_KEPT = 4


def name_matcher(*, version: Hashable, load_names: Callable[[], Iterable[str]]) -> NameMatcher:
    """The matcher for the registry's names at ``version``, built once per version and process.

    ``load_names`` is called only when this version has not been built yet; pass a version that
    changes whenever a cadre is added, renamed or removed (e.g. the registry's latest change time
    with the cadre count), so that an outdated matcher is never used.
    """
    with _MATCHERS_LOCK:
        matcher = _MATCHERS.get(version)
        if matcher is not None:
            _MATCHERS.move_to_end(version)
            return matcher
    # Built outside the lock: two requests may build the same version once each, which is
    # harmless, while a lock held for a 300 k-name load would stall every other request.
    matcher = NameMatcher(load_names())
    with _MATCHERS_LOCK:
        _MATCHERS[version] = matcher
        while len(_MATCHERS) > _MATCHERS_KEPT:
            _MATCHERS.popitem(last=False)
    return matcher


def mask_pii(text: str, *, names: Iterable[str] | NameMatcher = ()) -> str:
    """``text`` with ID numbers, phone numbers, e-mail addresses and the given names masked.

    ``names`` is either a prepared NameMatcher (see name_matcher) or a few names for this call;
    names must be 2 or more Chinese characters, others are ignored. A name is masked wherever it
    occurs, also inside a longer word: leaking a name is worse than hiding a word.
    """
    matcher = names if isinstance(names, NameMatcher) else NameMatcher(names)
    masked = matcher.mask(text)
    for pattern, replacement in _PATTERNS:
        masked = pattern.sub(replacement, masked)
    return masked
