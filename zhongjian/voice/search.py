"""Chinese text search and similarity for the board: normalisation, query terms, keywords (jieba).

Search is a substring match of every query term on a normalised copy of title and body, the
same on SQLite and PostgreSQL: Chinese has no spaces, and a substring match finds 党政办 in
乡镇党政办主任 where a word index would need the same segmentation on both sides. jieba splits a
query into terms, so that 乡镇晋升 finds a post about 晋升 in a 乡镇 without the exact phrase.
"""

import functools
import unicodedata
from types import ModuleType

from zhongjian.core.memory import keep_loaded

# jieba and its TF-IDF module hold about 100 MB once loaded: imported on first use only, so a
# worker that serves no board search or post stays small (#16 item 5).


@functools.cache
def _jieba() -> ModuleType:
    import jieba

    jieba.initialize()  # its dictionary, now rather than inside the first search
    keep_loaded()
    return jieba


@functools.cache
def _analyse() -> ModuleType:
    _jieba()  # the dictionary its keyword extraction segments with
    import jieba.analyse

    keep_loaded()
    return jieba.analyse


# Single characters too common to narrow a search.
_STOP_CHARS = frozenset("的了是在和与及或也都就而被把让给对从向到吗呢吧啊呀么我你他她们这那有个")
MAX_TERMS = 8
KEYWORDS = 8


def normalize(text: str) -> str:
    """Full-width letters and digits folded to ASCII (NFKC), lower case."""
    return unicodedata.normalize("NFKC", text).lower()


def query_terms(query: str) -> list[str]:
    """The distinct search terms of a query, in order: jieba words without punctuation and
    without single common characters (kept when the query is nothing else)."""
    words = [word.strip() for word in _jieba().cut(normalize(query)[:100])]
    words = [word for word in words if word and any(char.isalnum() for char in word)]
    terms = [word for word in words if not (len(word) == 1 and word in _STOP_CHARS)] or words
    return list(dict.fromkeys(terms))[:MAX_TERMS]


def search_text_for(*, title: str, body: str) -> str:
    return normalize(f"{title}\n{body}")


def keywords_for(*, title: str, body: str) -> str:
    """The post's top TF-IDF keywords (title counted twice) as `` kw1 kw2 … `` with outer spaces,
    so that one keyword is matched as `` kw `` and never as part of another."""
    tags = _analyse().extract_tags(f"{title}\n{title}\n{body}", topK=KEYWORDS)
    return " " + " ".join(normalize(tag) for tag in tags) + " "


def keyword_list(keywords: str) -> list[str]:
    return keywords.split()


def relevance(*, terms: list[str], title: str, search_text: str) -> int:
    """Occurrences of the terms, a hit in the title counting three times."""
    title = normalize(title)
    return sum(3 * title.count(term) + search_text.count(term) for term in terms)


def similarity(*, keywords_a: list[str], keywords_b: list[str]) -> float:
    """Overlap of two keyword lists, each keyword weighted by its rank (the first counts most)."""
    weights_a = {word: 1 / (rank + 1) for rank, word in enumerate(keywords_a)}
    weights_b = {word: 1 / (rank + 1) for rank, word in enumerate(keywords_b)}
    return sum(weights_a[word] * weights_b[word] for word in weights_a.keys() & weights_b.keys())
