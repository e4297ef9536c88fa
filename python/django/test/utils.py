"""django.test.override_settings, as a context manager or a decorator: settings changed for a block, with
setting_changed sent on the way in and out, as Django does."""

import functools
import inspect

from django.conf import settings
from django.core.signals import setting_changed

_MISSING = object()


class override_settings:
    def __init__(self, **options):
        self.options = options
        self.saved = {}

    def enable(self):
        for name, value in self.options.items():
            self.saved[name] = getattr(settings, name, _MISSING)
            setattr(settings, name, value)
            setting_changed.send(sender=settings.__class__, setting=name, value=value, enter=True)

    def disable(self):
        for name, value in self.saved.items():
            if value is _MISSING:
                delattr(settings, name)
            else:
                setattr(settings, name, value)
            setting_changed.send(sender=settings.__class__, setting=name, value=getattr(settings, name, None), enter=False)
        self.saved = {}

    def __enter__(self):
        self.enable()
        return self

    def __exit__(self, *exc):
        self.disable()

    def __call__(self, function):
        if inspect.iscoroutinefunction(function):
            @functools.wraps(function)
            async def run_async(*args, **kwargs):
                with self.__class__(**self.options):
                    return await function(*args, **kwargs)
            return run_async

        @functools.wraps(function)
        def run(*args, **kwargs):
            with self.__class__(**self.options):
                return function(*args, **kwargs)
        return run
