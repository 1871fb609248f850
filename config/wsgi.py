"""WSGI entry point for gunicorn and other servers."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

application = get_wsgi_application()

# What is loaded by now (Django, the apps, their modules and registries) lives as long as the
# process. Freezing it keeps those objects out of the garbage collector's full passes, which
# otherwise walk all of them every few requests that allocate much (the workload dashboard
# builds a few thousand objects per county): long pauses at random requests (docs/workload.md).
gc.freeze()
