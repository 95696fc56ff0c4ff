"""Pagefind's service (its Python API), reading each answer as soon as Pagefind gives it.

The library waits 0.1 s before it reads each answer (PagefindService._wait_for_responses
in pagefind/service/__init__.py, 1.5.2), one answer per wait: each request of an index
(create, add its pages, write) costs 0.1 s more than Pagefind takes, 0.3 s of every part
and most of the time a patched part takes (patch.py).
"""

from __future__ import annotations

import asyncio
import base64
import json

from pagefind.service import PagefindService
from pagefind.service.types import InternalResponseType


class QuickService(PagefindService):
    """``PagefindService`` without the wait before each answer."""

    async def _wait_for_responses(self) -> None:
        stdout = self._backend.stdout
        assert stdout is not None
        try:
            while True:
                self._answer(json.loads(base64.b64decode((await stdout.readuntil(b","))[:-1])))
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError) as error:
            for future in self._responses.values():  # Pagefind ended or spoke nonsense:
                if not future.done():  # its answers will not come
                    future.set_exception(RuntimeError(f"Pagefind's service ended: {error}"))

    def _answer(self, response: dict | None) -> None:
        """Give an answer to the request waiting for it (as the library does)."""
        if response is None:
            return
        message_id = response.get("message_id")
        payload = response["payload"]
        if message_id is None and (original := payload.get("original_message")):
            message_id = json.loads(original).get("message_id")  # one Pagefind could not read
        future = self._responses.get(message_id)
        if future is None or future.done():
            return
        if payload["type"] == InternalResponseType.ERROR.value:
            future.set_exception(Exception(payload["message"], payload.get("original_message")))
        else:
            future.set_result(payload)
