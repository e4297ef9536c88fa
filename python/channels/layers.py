"""Channel layers: the in-memory layer every playground session has, with Channels 4's names, rules and errors."""

import asyncio
import random
import re
import string
import time
from copy import deepcopy

from . import DEFAULT_CHANNEL_LAYER
from .exceptions import ChannelFull


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
    """Holds the session's layers by alias. The playground configures one: an InMemoryChannelLayer as "default"."""

    def __init__(self):
        self.backends = {}

    def configure(self, layers):
        self.backends = dict(layers)

    def __getitem__(self, key):
        return self.backends[key]

    def __contains__(self, key):
        return key in self.backends


def get_channel_layer(alias=DEFAULT_CHANNEL_LAYER):
    """Returns a channel layer by alias, or None if it is not configured."""
    try:
        return channel_layers[alias]
    except KeyError:
        return None


channel_layers = ChannelLayerManager()
channel_layers.configure({DEFAULT_CHANNEL_LAYER: InMemoryChannelLayer()})
