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


# Characters someone may slip between the characters of a name or the digits of a number to get
# past a mask: spaces (ASCII, full-width, no-break), zero-width characters, dots, dashes.
_GAP_CHARS = " \t\u00a0\u3000\u200b\u200c\u200d\u2060\ufeff\u00ad.．·•-－_,，、/"
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_MAX_GAP = 3
# Digits as people write them: ASCII, full-width, Chinese numerals (幺 is 1 read aloud).
_DIGIT_VALUE = {
    **{c: str(i) for i, c in enumerate("0123456789")},
    **{c: str(i) for i, c in enumerate("０１２３４５６７８９")},
    **{c: str(i) for i, c in enumerate("〇一二三四五六七八九")},
    "零": "0",
    "幺": "1",
    "X": "X",
    "x": "X",
    "Ｘ": "X",
    "ｘ": "X",
}
_DIGITISH = "0-9０-９〇零一二三四五六七八九幺XxＸｘ"
_GAP = "[" + "".join(re.escape(char) for char in _GAP_CHARS if char not in "•、") + "]"
_NUMBER_RUN = re.compile(rf"[+＋]?[{_DIGITISH}](?:{_GAP}{{0,{_MAX_GAP}}}[{_DIGITISH}])*")


def _mask_number_runs(text: str) -> str:
    """Numbers written with gaps or in Chinese numerals: 138.0013.8000, 1 3 8 …, 一三八…,
    4401 0619 9001 0112 34. A run that has the shape of a mobile (11 digits from 1, 86 before
    it allowed), a landline (from 0, with its extension) or an ID number (15 or 18, not from 0)
    is masked whole, whatever separates its digits. Plain digit runs are left to the patterns,
    and dates and counts (too few digits) are left alone."""

    def replace(match: re.Match[str]) -> str:
        raw = match.group(0)
        digits = "".join(_DIGIT_VALUE.get(char, "") for char in raw)
        if "X" in digits[:-1] or all(char in "0123456789０１２３４５６７８９" for char in raw):
            return raw
        bare = digits.removeprefix("0086").removeprefix("86")
        if len(bare) == 11 and bare[0] == "1" and bare[1] in "3456789":
            return PHONE_MASK
        if digits[0] == "0" and 10 <= len(digits) <= 18:
            return PHONE_MASK
        if len(digits) in (15, 18) and digits[0] != "0":
            return ID_MASK
        return raw

    return _NUMBER_RUN.sub(replace, text)


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
        """Masks every registered name, also when spaces, zero-width characters or dots were
        put between its characters (郭 志明, 郭\u200b志明)."""
        if not self._names:
            return text
        parts: list[str] = []
        start = position = 0
        longest = self._lengths[0] if self._lengths else 0
        while position < len(text):
            end = self._match_at(text, position, longest)
            if end:
                parts.append(text[start:position])
                parts.append(NAME_MASK)
                position = start = end
            else:
                position += 1
        parts.append(text[start:])
        return "".join(parts)

    def _match_at(self, text: str, position: int, longest: int) -> int:
        """The end of the longest name starting at ``position``, gaps skipped; 0 if none."""
        if text[position] in _GAP_CHARS:
            return 0
        letters: list[str] = []
        ends: list[int] = []
        index = position
        while index < len(text) and len(letters) < longest:
            letters.append(text[index])
            ends.append(index + 1)
            index += 1
            gap = index
            while gap < len(text) and gap - index < _MAX_GAP and text[gap] in _GAP_CHARS:
                gap += 1
            if gap < len(text) and text[gap] not in _GAP_CHARS:
                index = gap
            elif gap != index:
                break
        for size in self._lengths:
            if size <= len(letters) and "".join(letters[:size]) in self._names:
                return ends[size - 1]
        return 0


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
    masked = matcher.mask(_INVISIBLE.sub("", text))
    email, replacement = _PATTERNS[0]
    # E-mail first (its local part may be digits), then whole runs of digits however they
    # are separated, then the number patterns for what is left.
    masked = _mask_number_runs(email.sub(replacement, masked))
    for pattern, replacement in _PATTERNS[1:]:
        masked = pattern.sub(replacement, masked)
    return masked
