"""Django Channels' API for the playground's Python mode: the same names, dispatch rule and errors, on Pyodide."""

__version__ = "4.0.0"

DEFAULT_CHANNEL_LAYER = "default"
