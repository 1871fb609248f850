"""Lets the database-free tests (run with ``-p no:django``) render translatable messages."""

import os

from django.conf import settings
from hypothesis import settings as hypothesis_settings

if "DJANGO_SETTINGS_MODULE" not in os.environ and not settings.configured:
    # Without project settings gettext() cannot run; USE_I18N=False returns the Chinese source text.
    settings.configure(USE_I18N=False)

# Same examples on every run, and no timing deadline on a shared two-core machine.
hypothesis_settings.register_profile("zhongjian", derandomize=True, deadline=None)
hypothesis_settings.load_profile("zhongjian")
