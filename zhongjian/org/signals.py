"""Signals other apps listen to; the registry never imports those apps."""

from django.dispatch import Signal

# Sent inside the writing transaction after appointments of posts, or a post's tier or headcount,
# changed (single writes, API and imports alike), with `posts`: a list of the Post rows concerned.
# The pipeline re-derives the posts' vacancy episodes (空缺) from it.
staffing_changed = Signal()
