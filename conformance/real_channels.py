"""Runs test modules of python/tests/ on the real Django Channels (Debian's python3-django-channels), to show
that what they expect of our package is what Channels does. Each test_* coroutine or function runs alone;
prints one line each, `ok <name>` or `FAIL <name>: <error>`, and exits with the number of failures."""

import asyncio
import importlib
import inspect
import sys

import django
from django.conf import settings

settings.configure(ALLOWED_HOSTS=[], DEBUG=False, INSTALLED_APPS=[], CHANNEL_LAYERS={})
django.setup()

failed = 0
for module_name in sys.argv[1:]:
    module = importlib.import_module(module_name)
    for name, test in inspect.getmembers(module, inspect.isfunction):
        if not name.startswith("test_") or test.__module__ != module_name:
            continue
        try:
            result = test()
            if inspect.isawaitable(result):
                asyncio.run(result)
            print("ok", name)
        except Exception as error:
            failed += 1
            print("FAIL %s: %r" % (name, error))
sys.exit(failed)
