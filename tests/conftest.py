"""Lets the database-free tests (run with ``-p no:django``) render translatable messages."""

import os

from django.conf import settings

if "DJANGO_SETTINGS_MODULE" not in os.environ and not settings.configured:
    # Without project settings gettext() cannot run; USE_I18N=False returns the Chinese source text.
    settings.configure(USE_I18N=False)
