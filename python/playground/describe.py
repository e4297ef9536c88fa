"""Plain, bounded JSON views of learner values for the event log, as the TypeScript sandbox's describe.ts
makes them: bytes as their length and a hex preview, long strings and containers cut, saying so."""

MAX_DEPTH = 4
MAX_ITEMS = 50
MAX_STRING = 2000
MAX_PRINT = 16384


def describe(value, depth=0):
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value if abs(value) < 2**53 else str(value)
    if isinstance(value, float):
        return value if value == value and value not in (float("inf"), float("-inf")) else str(value)
    if isinstance(value, str):
        return value if len(value) <= MAX_STRING else "%s… (%d characters)" % (value[:MAX_STRING], len(value))
    if isinstance(value, (bytes, bytearray, memoryview)):
        data = bytes(value)
        return {"bytes": len(data), "hex": data[:32].hex()}
    if isinstance(value, BaseException):
        return "%s: %s" % (type(value).__name__, _text(str, value))
    if isinstance(value, (list, tuple, set, frozenset)):
        if depth >= MAX_DEPTH:
            return "[%s of %d]" % (type(value).__name__, len(value))
        items = [describe(item, depth + 1) for item in list(value)[:MAX_ITEMS]]
        if len(value) > MAX_ITEMS:
            items.append("… %d more" % (len(value) - MAX_ITEMS))
        return items
    if isinstance(value, dict):
        if depth >= MAX_DEPTH:
            return "[dict]"
        out = {}
        for key in list(value)[:MAX_ITEMS]:
            out[key if isinstance(key, str) else repr(key)] = describe(value[key], depth + 1)
        if len(value) > MAX_ITEMS:
            out["…"] = "%d more keys" % (len(value) - MAX_ITEMS)
        return out
    text = _text(repr, value)
    return text if len(text) <= MAX_STRING else text[:MAX_STRING] + "…"


def _text(convert, value):
    """str() or repr() of a learner's object, which runs its code: one that raises is described as such."""
    try:
        return convert(value)
    except Exception as error:
        return "<%s raised %s>" % (convert.__name__, type(error).__name__)


def clip(text):
    return text if len(text) <= MAX_PRINT else "%s… (%d characters)" % (text[:MAX_PRINT], len(text))
