"""Test set-up shared by every app."""

import os

from django.conf import settings
from hypothesis import settings as hypothesis_settings

# The pure-logic tests also run without pytest-django (`-p no:django`); their Chinese messages
# still pass through gettext, which needs settings. Under pytest-django the project's settings
# module is set before this file loads, and nothing here runs.
if "DJANGO_SETTINGS_MODULE" not in os.environ and not settings.configured:
    settings.configure(USE_I18N=False)

# Property tests draw the same examples on every run, so a failure is reproducible and CI is
# deterministic; no example database is written into the checkout.
hypothesis_settings.register_profile("zhongjian", derandomize=True, database=None)
hypothesis_settings.load_profile("zhongjian")
