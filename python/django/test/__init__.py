from .utils import override_settings  # noqa: F401
