"""A cap on every request body, before FastAPI parses it (ASGI middleware).

``POST /reports/batch`` may carry a report file of up to ``ZICHT_MAX_IMPORT_BYTES`` (plus
the multipart envelope); every other body (JSON reports, the sign-in form) at most
``ZICHT_MAX_REQUEST_BYTES``. A declared ``Content-Length`` over the cap is answered 413
at once; a body that grows past it while streaming is cut off with 413 as well.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from zicht.core.config import Settings

UPLOAD_PATHS = frozenset({"/reports/batch"})
ENVELOPE = 64 * 1024  # multipart headers and boundaries around the file


class BodyLimit:
    """ASGI middleware: refuse request bodies over the configured caps with 413."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.upload_cap = settings.max_import_bytes + ENVELOPE
        self.cap = settings.max_request_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cap = self.upload_cap if scope["path"] in UPLOAD_PATHS else self.cap
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > cap):
            await _too_large(send, cap)
            return
        seen = 0
        started = answered = False

        async def limited_receive() -> Message:
            nonlocal seen, answered
            if answered:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > cap:  # answer now; the app sees the client gone
                    if not started:
                        await _too_large(send, cap)
                    answered = True
                    return {"type": "http.disconnect"}
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if answered:
                return  # the 413 went out already
            started = started or message["type"] == "http.response.start"
            await send(message)

        await self.app(scope, limited_receive, tracking_send)


async def _too_large(send: Send, cap: int) -> None:
    body: dict[str, Any] = {
        "error": "RequestTooLarge",
        "message": f"The request body is larger than {cap:,} bytes. Send report files "
                   "through POST /reports/batch (ZICHT_MAX_IMPORT_BYTES) or split them.",
    }
    data = json.dumps(body).encode()
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(data)).encode())]})
    await send({"type": "http.response.body", "body": data})
