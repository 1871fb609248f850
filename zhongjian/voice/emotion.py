"""Emotion profile of Chinese free text: DUTIR's seven emotion classes (好乐哀怒惧恶惊) via jieba.

The lexicon is the DUTIR affective lexicon ontology (大连理工大学情感词汇本体, Xu Linhong, Lin
Hongfei et al. 2008) reduced to word → classes in ``data/dutir_emotions.tsv``; see
``data/NOTICE.md`` for its source and terms. A profile is only meaningful, and may only be shown,
for a group of texts at or above the free-text anonymity threshold.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import tempfile
import threading
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from zhongjian.core.memory import keep_loaded

LEXICON_PATH = Path(__file__).resolve().parent / "data" / "dutir_emotions.tsv"


class Emotion(StrEnum):
    """DUTIR's seven emotion classes, by their Chinese names."""

    GOOD = "好"  # respect, praise, trust, fondness, wishes
    JOY = "乐"  # happiness, ease
    SORROW = "哀"  # sadness, disappointment, guilt, longing
    ANGER = "怒"
    FEAR = "惧"  # fear, panic, shame
    DISGUST = "恶"  # annoyance, loathing, blame, envy, doubt
    SURPRISE = "惊"


# What each class means, for chart labels: the single characters alone read wrongly (“好 85%”
# beside a list of complaints reads as “good”, but it counts praise and trust words).
EMOTION_LABELS = {
    Emotion.GOOD: _("赞许·信任"),
    Emotion.JOY: _("喜悦·轻松"),
    Emotion.SORROW: _("悲伤·失望"),
    Emotion.ANGER: _("愤怒"),
    Emotion.FEAR: _("担忧·恐惧"),
    Emotion.DISGUST: _("不满·厌烦"),
    Emotion.SURPRISE: _("惊讶"),
}

# A negator at most this many tokens before an emotion word (within the clause) negates it.
NEGATION_WINDOW = 2
NEGATIONS = frozenset({"不", "没", "没有", "别", "未", "无", "不是", "并不", "从不", "毫不"})
# 不满意 is displeasure and 不开心 is sorrow, but 不怕 or 不难过 say no clear emotion: a negated
# positive word counts as its negative counterpart, any other negated word is dropped.
_NEGATED = {Emotion.GOOD: Emotion.DISGUST, Emotion.JOY: Emotion.SORROW}
_CLAUSE_BREAK = re.compile(r"[\s，。！？；：、,.!?;:…—（）()《》“”\"'「」【】]+")


@dataclass(frozen=True)
class EmotionProfile:
    """Emotion words counted over a group of texts.

    ``counts`` are emotion words per class, ``shares`` each class's part of all emotion words
    (all 0 when there are none), ``texts_with`` the number of texts with at least one word of the
    class, so that one long text cannot dominate the picture.
    """

    texts: int
    counts: Mapping[Emotion, int]
    shares: Mapping[Emotion, float]
    texts_with: Mapping[Emotion, int]


def emotion_profile(texts: Iterable[str]) -> EmotionProfile:
    """The emotion profile of ``texts`` (loads jieba and the lexicon on first use, about 1 s)."""
    counts: Counter[Emotion] = Counter()
    texts_with: Counter[Emotion] = Counter()
    n_texts = 0
    # Each distinct text is segmented once and counted as often as it occurs.
    for text, times in Counter(texts).items():
        n_texts += times
        found = _text_emotions(text)
        counts.update({emotion: count * times for emotion, count in found.items()})
        texts_with.update(dict.fromkeys(found, times))
    total = sum(counts.values())
    return EmotionProfile(
        texts=n_texts,
        counts={emotion: counts[emotion] for emotion in Emotion},
        shares={emotion: counts[emotion] / total if total else 0.0 for emotion in Emotion},
        texts_with={emotion: texts_with[emotion] for emotion in Emotion},
    )


def _text_emotions(text: str) -> Counter[Emotion]:
    lexicon = _lexicon()
    found: Counter[Emotion] = Counter()
    tokens = _tokenizer().lcut(text, HMM=False)
    for index, token in enumerate(tokens):
        emotion = lexicon.get(token.lower())
        # 不是 is also a DUTIR word (a fault, 恶); as a negator it carries no emotion of its own.
        if emotion is None or token in NEGATIONS:
            continue
        negators = 0
        for before in reversed(tokens[max(0, index - NEGATION_WINDOW) : index]):
            if _CLAUSE_BREAK.fullmatch(before):
                break
            negators += before in NEGATIONS
        if not negators % 2:
            found[emotion] += 1
        elif emotion in _NEGATED:
            found[_NEGATED[emotion]] += 1
    return found


@functools.cache
def _lexicon() -> dict[str, Emotion]:
    """Word → emotion class, read once per process.

    72 words are listed under two or three classes. Each counts for the first in DUTIR's order
    好乐哀怒惧恶惊, which for the everyday ones (开心, 好笑, 解决, 紧张, 难受) is the common sense;
    the other is a rarer one (拿人开心, making fun of someone: 恶).
    """
    lexicon: dict[str, Emotion] = {}
    with LEXICON_PATH.open(encoding="utf-8") as lines:
        next(lines)  # header: word, classes
        for line in lines:
            word, classes = line.rstrip("\n").split("\t")
            lexicon[word] = Emotion(classes[0])
    return lexicon


_TOKENIZER_LOCK = threading.Lock()


def _tokenizer() -> Any:
    """A jieba tokenizer of its own that keeps every Chinese lexicon word in one piece.

    Its own instance, so that the lexicon does not change how the rest of Zhongjian segments.
    Built once per process; the lock keeps two first requests from building it twice.
    """
    with _TOKENIZER_LOCK:
        return _frozen_tokenizer()


@functools.cache
def _frozen_tokenizer() -> Any:
    """The tokenizer, built once; its objects (jieba's 100 MB) then leave the collector's passes."""
    tokenizer = _build_tokenizer()
    keep_loaded()
    return tokenizer


def _build_tokenizer() -> Any:
    """jieba's dictionary, then each Chinese lexicon word with the frequency that makes it win
    over its own parts (jieba's ``suggest_freq``, given the words added before it).

    Working these frequencies out takes about a second (a segmentation per word); they depend
    only on the lexicon and on jieba's dictionary, so they are kept in a cache file in the
    data directory (``VAR_DIR``), keyed by both, and replayed. A missing, stale or unreadable
    file is simply worked out again.
    """
    import jieba  # loaded only where emotion profiles run (about 100 MB)

    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    key = hashlib.sha256(
        LEXICON_PATH.read_bytes()
        + f"|{tokenizer.total}|{len(tokenizer.FREQ)}|{getattr(jieba, '__version__', '')}".encode()
    ).hexdigest()[:16]
    path = Path(settings.VAR_DIR) / f"emotion-{key}.json"
    cached = _read_frequencies(path)
    if cached is not None:
        for word, freq in cached:
            tokenizer.add_word(word, freq=freq)
        return tokenizer
    frequencies = []
    for word in _lexicon():
        if not word.isascii():
            freq = tokenizer.suggest_freq(word, tune=False)
            tokenizer.add_word(word, freq=freq)
            frequencies.append((word, freq))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", dir=path.parent, delete=False) as out:
            json.dump(frequencies, out, ensure_ascii=False)
        os.replace(out.name, path)
    except OSError:
        pass
    return tokenizer


def _read_frequencies(path: Path) -> list[tuple[str, int]] | None:
    try:
        with path.open(encoding="utf-8") as cached:
            frequencies = json.load(cached)
        return [(str(word), int(freq)) for word, freq in frequencies]
    except (OSError, EOFError, ValueError, TypeError):
        return None
