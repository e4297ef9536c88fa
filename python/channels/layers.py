"""Channel layers: the in-memory layer every playground session has, with Channels 4's names, rules and errors."""

import asyncio
import random
import re
import string
import time
from copy import deepcopy

from django.conf import settings
from django.core.signals import setting_changed
from django.utils.module_loading import import_string

from . import DEFAULT_CHANNEL_LAYER
from .exceptions import ChannelFull, InvalidChannelLayerError


class BaseChannelLayer:
    MAX_NAME_LENGTH = 100

    def __init__(self, expiry=60, capacity=100, channel_capacity=None):
        self.expiry = expiry
        self.capacity = capacity
        self.channel_capacity = [(re.compile(pattern), size) for pattern, size in (channel_capacity or {}).items()]

    def get_capacity(self, channel):
        for pattern, capacity in self.channel_capacity:
            if pattern.match(channel):
                return capacity
        return self.capacity

    def match_type_and_length(self, name):
        return isinstance(name, str) and len(name) < self.MAX_NAME_LENGTH

    channel_name_regex = re.compile(r"^[a-zA-Z\d\-_.]+(\![\d\w\-_.]*)?$")
    group_name_regex = re.compile(r"^[a-zA-Z\d\-_.]+$")
    invalid_name_error = (
        "{} name must be a valid unicode string "
        + "with length < {} ".format(MAX_NAME_LENGTH)
        + "containing only ASCII alphanumerics, hyphens, underscores, or periods, "
        + "not {}"
    )

    def valid_channel_name(self, name, receive=False):
        if self.match_type_and_length(name) and self.channel_name_regex.match(name):
            if "!" in name and not name.endswith("!") and receive:
                raise TypeError("Specific channel names in receive() must end at the !")
            return True
        raise TypeError(self.invalid_name_error.format("Channel", name))

    def valid_group_name(self, name):
        if self.match_type_and_length(name) and self.group_name_regex.match(name):
            return True
        raise TypeError(self.invalid_name_error.format("Group", name))

    def non_local_name(self, name):
        return name[: name.find("!") + 1] if "!" in name else name


class InMemoryChannelLayer(BaseChannelLayer):
    extensions = ["groups", "flush"]

    def __init__(self, expiry=60, group_expiry=86400, capacity=100, channel_capacity=None, **kwargs):
        super().__init__(expiry=expiry, capacity=capacity, channel_capacity=channel_capacity)
        self.channels = {}
        self.groups = {}
        self.group_expiry = group_expiry
        # Called with (op, details) for every layer call, so the playground can show it in the log.
        self.observer = None

    def _observe(self, op, **details):
        if self.observer is not None:
            self.observer(op, details)

    async def send(self, channel, message):
        assert isinstance(message, dict), "message is not a dict"
        assert self.valid_channel_name(channel), "Channel name not valid"
        assert "__asgi_channel__" not in message
        self._observe("send", channel=channel, message=message)
        self._put(channel, message)

    def _put(self, channel, message):
        queue = self.channels.setdefault(channel, asyncio.Queue())
        # Channels 4.2's rule (4.0 ignored channel_capacity here, a bug it fixed).
        if queue.qsize() >= self.get_capacity(channel):
            raise ChannelFull(channel)
        queue.put_nowait((time.time() + self.expiry, deepcopy(message)))

    async def receive(self, channel):
        assert self.valid_channel_name(channel)
        self._clean_expired()
        queue = self.channels.setdefault(channel, asyncio.Queue())
        try:
            _, message = await queue.get()
        finally:
            if queue.empty() and self.channels.get(channel) is queue:
                del self.channels[channel]
        return message

    async def new_channel(self, prefix="specific."):
        return "%s.inmemory!%s" % (prefix, "".join(random.choice(string.ascii_letters) for i in range(12)))

    def _clean_expired(self):
        now = time.time()
        for channel, queue in list(self.channels.items()):
            while not queue.empty() and queue._queue[0][0] < now:
                queue.get_nowait()
                self._remove_from_groups(channel)
                if queue.empty():
                    del self.channels[channel]
        timeout = int(now) - self.group_expiry
        for group in self.groups:
            for channel in list(self.groups.get(group, {})):
                if int(self.groups[group][channel]) < timeout:
                    del self.groups[group][channel]

    async def flush(self):
        self.channels = {}
        self.groups = {}

    async def close(self):
        pass

    def _remove_from_groups(self, channel):
        for channels in self.groups.values():
            channels.pop(channel, None)

    async def group_add(self, group, channel):
        assert self.valid_group_name(group), "Group name not valid"
        assert self.valid_channel_name(channel), "Channel name not valid"
        self.groups.setdefault(group, {})[channel] = time.time()
        self._observe("group_add", group=group, channel=channel)

    async def group_discard(self, group, channel):
        assert self.valid_channel_name(channel), "Invalid channel name"
        assert self.valid_group_name(group), "Invalid group name"
        if group in self.groups:
            self.groups[group].pop(channel, None)
            if not self.groups[group]:
                del self.groups[group]
        self._observe("group_discard", group=group, channel=channel)

    async def group_send(self, group, message):
        assert isinstance(message, dict), "Message is not a dict"
        assert self.valid_group_name(group), "Invalid group name"
        self._clean_expired()
        members = list(self.groups.get(group, {}))
        self._observe("group_send", group=group, message=message, members=len(members))
        for channel in members:
            try:
                self._put(channel, message)
            except ChannelFull:
                pass


class ChannelLayerManager:
    """The layers by alias, made on first use from settings.CHANNEL_LAYERS (each BACKEND with its CONFIG) and
    made again after that setting changes. The playground puts its own instances in with configure()."""

    def __init__(self):
        self.backends = {}
        setting_changed.connect(self._reset_backends)

    def _reset_backends(self, setting, **kwargs):
        if setting == "CHANNEL_LAYERS":
            self.backends = {}

    @property
    def configs(self):
        return getattr(settings, "CHANNEL_LAYERS", {})

    def make_backend(self, name):
        return self._make_backend(name, self.configs[name].get("CONFIG", {}))

    def make_test_backend(self, name):
        try:
            config = self.configs[name]["TEST_CONFIG"]
        except KeyError:
            raise InvalidChannelLayerError("No TEST_CONFIG specified for %s" % name)
        return self._make_backend(name, config)

    def _make_backend(self, name, config):
        if "ROUTING" in self.configs[name]:
            raise InvalidChannelLayerError("ROUTING key found for %s - this is no longer needed in Channels 2." % name)
        try:
            backend_class = import_string(self.configs[name]["BACKEND"])
        except KeyError:
            raise InvalidChannelLayerError("No BACKEND specified for %s" % name)
        except ImportError:
            raise InvalidChannelLayerError("Cannot import BACKEND %r specified for %s" % (self.configs[name]["BACKEND"], name))
        return backend_class(**config)

    def configure(self, layers):
        """Sets layer instances by alias, in place of what settings would make (the playground's traced layer)."""
        self.backends = dict(layers)

    def set(self, key, layer):
        """Sets one alias's layer; returns the one it replaces, or None."""
        old = self.backends.get(key)
        self.backends[key] = layer
        return old

    def __getitem__(self, key):
        if key not in self.backends:
            self.backends[key] = self.make_backend(key)
        return self.backends[key]

    def __contains__(self, key):
        return key in self.configs


def get_channel_layer(alias=DEFAULT_CHANNEL_LAYER):
    """Returns a channel layer by alias, or None if it is not configured."""
    try:
        return channel_layers[alias]
    except KeyError:
        return None


channel_layers = ChannelLayerManager()
