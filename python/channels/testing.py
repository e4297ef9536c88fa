"""channels.testing: drive an ASGI app without a server, the way Channels' own tests do."""

import asyncio
import json
from urllib.parse import unquote, urlparse


class ApplicationCommunicator:
    def __init__(self, application, scope):
        self.scope = scope
        self.input_queue = asyncio.Queue()
        self.output_queue = asyncio.Queue()
        self.future = asyncio.ensure_future(application(scope, self.input_queue.get, self.output_queue.put))

    def _raise_if_crashed(self):
        if self.future.done() and not self.future.cancelled():
            self.future.result()

    async def send_input(self, message):
        self._raise_if_crashed()
        await self.input_queue.put(message)

    async def receive_output(self, timeout=1):
        self._raise_if_crashed()
        getter = asyncio.ensure_future(self.output_queue.get())
        done, _ = await asyncio.wait([getter, self.future], timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        if getter in done:
            return getter.result()
        getter.cancel()
        # The app crashed (its exception is raised here, as soon as it happens) or timed out.
        self._raise_if_crashed()
        if self.future.done():
            raise asyncio.TimeoutError("the application finished without sending anything")
        raise asyncio.TimeoutError("no output from the application within %s s" % timeout)

    async def receive_nothing(self, timeout=0.1, interval=0.01):
        if not self.output_queue.empty():
            return False
        waited = 0
        while waited < timeout:
            await asyncio.sleep(interval)
            waited += interval
            if not self.output_queue.empty():
                return False
        return self.output_queue.empty()

    async def wait(self, timeout=1):
        try:
            await asyncio.wait_for(asyncio.shield(self.future), timeout)
        except asyncio.TimeoutError:
            self.future.cancel()
            raise
        self._raise_if_crashed()


class WebsocketCommunicator(ApplicationCommunicator):
    def __init__(self, application, path, headers=None, subprotocols=None, spec_version=None):
        parsed = urlparse(path)
        scope = {
            "type": "websocket",
            "path": unquote(parsed.path),
            "query_string": parsed.query.encode("utf-8"),
            "headers": headers or [],
            "subprotocols": subprotocols or [],
        }
        if spec_version:
            scope["spec_version"] = spec_version
        super().__init__(application, scope)

    async def connect(self, timeout=1):
        await self.send_input({"type": "websocket.connect"})
        response = await self.receive_output(timeout)
        if response["type"] == "websocket.close":
            return (False, response.get("code", 1000))
        return (True, response.get("subprotocol", None))

    async def send_to(self, text_data=None, bytes_data=None):
        assert not (text_data and bytes_data), "Cannot send both text_data and bytes_data"
        if text_data is not None:
            assert isinstance(text_data, str), "The text_data argument must be a str"
            await self.send_input({"type": "websocket.receive", "text": text_data})
        else:
            assert isinstance(bytes_data, bytes), "The bytes_data argument must be bytes"
            await self.send_input({"type": "websocket.receive", "bytes": bytes_data})

    async def send_json_to(self, data):
        await self.send_to(text_data=json.dumps(data))

    async def receive_from(self, timeout=1):
        response = await self.receive_output(timeout)
        assert response["type"] == "websocket.send", "Expected type 'websocket.send', but was '%s'" % response["type"]
        if response.get("text", None) is not None:
            return response["text"]
        return response["bytes"]

    async def receive_json_from(self, timeout=1):
        payload = await self.receive_from(timeout)
        assert isinstance(payload, str), "JSON data is not a text frame"
        return json.loads(payload)

    async def disconnect(self, code=1000, timeout=1):
        await self.send_input({"type": "websocket.disconnect", "code": code})
        await self.wait(timeout)
