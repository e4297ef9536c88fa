"""django.conf.settings, for what Channels reads of it here (ALLOWED_HOSTS, DEBUG, CHANNEL_LAYERS): Django's
defaults, and the playground's in-memory channel layer, until settings.configure(...) (once, as in Django),
override_settings or assignment changes them."""


class Settings:
    def __init__(self):
        self.ALLOWED_HOSTS = []
        self.DEBUG = False
        # A Django project names its layer in settings.py; the playground's projects start with this one.
        self.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
        self._configured = False

    @property
    def configured(self):
        return self._configured

    def configure(self, **options):
        if self._configured:
            raise RuntimeError("Settings already configured.")
        for name, value in options.items():
            if not name.isupper():
                raise TypeError("Setting %r must be uppercase." % name)
            setattr(self, name, value)
        self._configured = True


settings = Settings()
