"""Emotion profiles of free text with the DUTIR lexicon and simple negation."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhongjian.voice.emotion import LEXICON_PATH, NEGATIONS, Emotion, emotion_profile


def read_lexicon() -> dict[str, str]:
    """The lexicon file as it is shipped: word → class names."""
    with LEXICON_PATH.open(encoding="utf-8") as lines:
        assert next(lines) == "word\tclasses\n"
        return dict(line.rstrip("\n").split("\t") for line in lines)


LEXICON = read_lexicon()
CHINESE_WORDS = sorted(word for word in LEXICON if not word.isascii())


def counts(text: str) -> dict[str, int]:
    profile = emotion_profile([text])
    return {emotion.value: n for emotion, n in profile.counts.items() if n}


def test_the_lexicon_is_compact_and_complete() -> None:
    """All seven classes are present, every line is well formed, and the file stays small."""
    assert LEXICON_PATH.stat().st_size < 1_000_000
    assert len(LEXICON) > 25_000
    assert {name for classes in LEXICON.values() for name in classes} == {e.value for e in Emotion}
    assert (LEXICON_PATH.parent / "NOTICE.md").exists()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("今天很开心", {"乐": 1}),
        ("我很害怕被问责", {"惧": 1}),
        ("他非常愤怒", {"怒": 1}),
        ("感到惊讶", {"惊": 1}),
        ("填表报数让人烦躁", {"恶": 1}),
        ("工作压力太大了", {}),
    ],
)
def test_emotion_words_are_counted_by_class(text: str, expected: dict[str, int]) -> None:
    """Each lexicon word counts once for its class; text without one counts nothing."""
    assert counts(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("我不开心", {"哀": 1}),
        ("领导没有满意", {"恶": 1}),
        ("我不是很开心", {"哀": 1}),
        ("我不害怕", {}),
        ("我并不难过", {}),
        ("不，开心", {"乐": 1}),
        ("不知道为什么开心", {"乐": 1}),
    ],
)
def test_negation_flips_positive_words_and_drops_others(
    text: str, expected: dict[str, int]
) -> None:
    """A negator up to two tokens before, in the same clause, turns 好 into 恶 and 乐 into 哀,
    and drops a negated word of another class; farther away or across a comma it does nothing."""
    assert counts(text) == expected


def test_a_profile_sums_counts_shares_and_texts() -> None:
    """Counts add up over texts, shares are parts of all emotion words, texts_with counts texts."""
    profile = emotion_profile(["开心开心", "我很害怕", "没什么"])
    assert profile.texts == 3
    assert profile.counts[Emotion.JOY] == 2
    assert profile.counts[Emotion.FEAR] == 1
    assert profile.texts_with[Emotion.JOY] == 1
    assert profile.shares[Emotion.JOY] == pytest.approx(2 / 3)
    assert sum(profile.shares.values()) == pytest.approx(1)


def test_an_empty_group_has_an_empty_profile() -> None:
    """No texts: every count and share is zero."""
    profile = emotion_profile([])
    assert profile.texts == 0
    assert set(profile.counts.values()) == {0} and set(profile.shares.values()) == {0.0}


@given(st.sampled_from(CHINESE_WORDS))
def test_every_lexicon_word_is_one_token(word: str) -> None:
    """Each lexicon word standing alone is segmented whole and counted once, for its first class
    (negators such as 不是 excepted: they carry no emotion of their own)."""
    expected = {} if word in NEGATIONS else {LEXICON[word][0]: 1}
    assert counts(word) == expected


def test_words_of_several_classes_count_for_the_first() -> None:
    """开心 is listed under 乐 and 恶 (making fun of someone); it counts as 乐."""
    assert LEXICON["开心"] == "乐恶"
    assert counts("开心") == {"乐": 1}


@given(st.lists(st.text(max_size=30), max_size=5))
def test_any_text_gives_a_consistent_profile(texts: list[str]) -> None:
    """Arbitrary text never fails; shares sum to 1 or are all 0, and no class is found in more
    texts than there are."""
    profile = emotion_profile(texts)
    assert profile.texts == len(texts)
    total = sum(profile.counts.values())
    assert sum(profile.shares.values()) == pytest.approx(1 if total else 0)
    assert all(0 <= n <= len(texts) for n in profile.texts_with.values())
