class BaseMiddleware:
    """ASGI middleware around an inner application. One instance serves every connection, so per-connection
    state belongs in the scope, never on the instance."""

    def __init__(self, inner):
        self.inner = inner

    async def __call__(self, scope, receive, send):
        # A copy, so what this middleware adds does not leak to the layers outside it.
        scope = dict(scope)
        return await self.inner(scope, receive, send)
