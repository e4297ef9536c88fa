"""Settings for the conformance Django project: the smallest config that lets Daphne run the consumers."""

SECRET_KEY = "conformance-only-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]

# No apps with models, so no migrations and no database are needed.
INSTALLED_APPS = ["channels"]
MIDDLEWARE = []
DATABASES = {}
ROOT_URLCONF = "conf_project.urls"
USE_TZ = True

ASGI_APPLICATION = "conf_project.asgi.application"
import os

# With REDIS_URL, channels_redis: processes of ours on the same Redis share groups and channels with this one.
CHANNEL_LAYERS = (
    {"default": {"BACKEND": "channels_redis.core.RedisChannelLayer", "CONFIG": {"hosts": [os.environ["REDIS_URL"]]}}}
    if os.environ.get("REDIS_URL")
    else {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
)

# Daphne logs "Exception inside application" on its own logger; keep Django's errors on stderr too so
# logs() in daphne.ts shows them even with DEBUG off.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"django": {"handlers": ["console"], "level": "WARNING"}},
}
