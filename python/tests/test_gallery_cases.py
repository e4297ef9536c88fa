"""The gallery's shared table of cases (server/examples/gallery-cases.json), run against the Python examples.
The TypeScript suite runs the same table against server/examples/ (gallery-cases.test.ts)."""

import importlib
import json

from channels.layers import InMemoryChannelLayer, channel_layers
from channels.testing import WebsocketCommunicator

SITE = "/home/pyodide/site"


def cases():
    with open("%s/gallery-cases.json" % SITE) as f:
        return json.load(f)["cases"]


def app_of(case):
    module = importlib.import_module(case["module"]["python"])
    consumer = case.get("consumer")
    return module.application if consumer is None else getattr(module, consumer).as_asgi()


async def run(case, step, communicator):
    if "connect" in step:
        accepted, detail = await communicator.connect()
        seen = {"accepted": accepted, "subprotocol": detail} if step["expect"]["accepted"] else {"accepted": accepted, "close_code": detail}
        assert seen == step["expect"], (case["name"], seen)
    elif "send" in step:
        send = step["send"]
        if "json" in send:
            await communicator.send_json_to(send["json"])
        elif "bytes_hex" in send:
            await communicator.send_to(bytes_data=bytes.fromhex(send["bytes_hex"]))
        else:
            await communicator.send_to(text_data=send["text"])
    elif "receive" in step and "close" in step["receive"]:
        output = await communicator.receive_output()
        assert output["type"] == "websocket.close" and output.get("code") == step["receive"]["close"], (case["name"], output)
    elif "receive" in step and "json" in step["receive"]:
        got = await communicator.receive_json_from()
        assert got == step["receive"]["json"], (case["name"], got)
    elif "receive" in step:
        expected = bytes.fromhex(step["receive"]["bytes_hex"]) if "bytes_hex" in step["receive"] else step["receive"]["text"]
        got = await communicator.receive_from()
        assert got == expected, (case["name"], got)
    elif "crash" in step:
        try:
            await communicator.wait()
        except Exception as error:
            assert step["crash"] in str(error), (case["name"], error)
        else:
            raise AssertionError("%s: the app did not crash" % case["name"])
    elif "disconnect" in step:
        await communicator.disconnect(step["disconnect"])
    else:
        raise AssertionError("%s: a step of no known kind: %r" % (case["name"], step))


async def test_every_case_of_the_gallery_table():
    assert len(cases()) > 5
    for case in cases():
        channel_layers.configure({"default": InMemoryChannelLayer()})
        app = app_of(case)
        clients = {}
        for name in case.get("clients", ["client"]):
            connect = next((s for s in case["steps"] if s.get("client", "client") == name and "connect" in s), {})
            clients[name] = WebsocketCommunicator(app, case["path"], subprotocols=connect.get("connect", {}).get("subprotocols"))
        for step in case["steps"]:
            await run(case, step, clients[step.get("client", "client")])
