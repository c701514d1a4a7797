"""Serving: the kit's loopback servers, the router and wire recorder every request passes, and the app under test of
any kind (ASGI, WSGI, aiohttp, a running server behind the recording reverse proxy) with its lifespan."""
