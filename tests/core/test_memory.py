"""What a worker loads on first use is frozen like what it loaded at start-up."""

import gc

from zhongjian.core.memory import keep_loaded
from zhongjian.voice import search


def test_keep_loaded_moves_the_tracked_objects_out_of_the_collectors_passes() -> None:
    loaded = [[index] for index in range(1000)]  # tracked containers
    frozen = gc.get_freeze_count()
    try:
        keep_loaded()
        assert gc.get_freeze_count() >= frozen + len(loaded)
    finally:
        gc.unfreeze()


def test_the_search_dictionary_is_frozen_once_loaded() -> None:
    """jieba's dictionary (about 100 MB of objects) is loaded and frozen by the first search,
    so that full collections in that worker do not walk it afterwards."""
    search._jieba.cache_clear()
    gc.unfreeze()
    try:
        search.query_terms("乡镇晋升")
        assert gc.get_freeze_count() > 100_000
    finally:
        gc.unfreeze()
