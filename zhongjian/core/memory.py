"""Long-lived objects loaded after start-up, kept out of the garbage collector's full passes.

A server process freezes what it has loaded before its first request (config/wsgi.py:
`gc.freeze()`), so that a full collection does not walk Django's and the apps' objects. What a
worker loads later, on first use (jieba's dictionary, about 100 MB of objects, for the board's
search and the emotion profiles), would otherwise be walked by every full collection for the
rest of the process: pauses of a hundred milliseconds or more at random requests. The loaders
call `keep_loaded()` once they are done.
"""

import gc


def keep_loaded() -> None:
    """Move every object tracked now into the collector's permanent generation (as at start-up).

    Objects of the request in flight move too: they are still freed by reference counting when
    it ends; only a reference cycle among them would stay, once per loader and process.
    """
    gc.freeze()
