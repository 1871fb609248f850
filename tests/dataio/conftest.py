"""Settings for the data-in/out tests when they run without pytest-django (`-p no:django`)."""

import os

from django.conf import settings

# The parsers translate their messages and read choice labels, both of which need settings;
# under pytest-django the project's settings module is already in place.
if not settings.configured and not os.environ.get("DJANGO_SETTINGS_MODULE"):
    settings.configure(USE_I18N=False)
