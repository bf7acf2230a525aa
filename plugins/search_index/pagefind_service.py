"""Talk to the Pagefind binary in service mode (`pagefind --service`) over its pipes.

The `pagefind` package's own client (`pagefind.service.PagefindService`, 1.5.2)
reads one answer per 0.1 s, which caps it at ten pages a second, and it never
answers the waiting requests if the binary dies. This client speaks the same
protocol and reads answers as they come. The protocol: each request and each
answer is base64-encoded JSON followed by a comma; answers carry the request's
`message_id` and may come out of order.
"""

from __future__ import annotations

import asyncio
import base64
import json

from pagefind.service import get_executable

# An error answer echoes the request, page included, and the answer to GetFiles
# holds the whole bundle (about 4 MB of base64 a thousand pages).
_READ_LIMIT = 1024 * 1024 * 1024
_EXIT_TIMEOUT = 10  # seconds the binary gets to exit once its input is closed


class PagefindServiceError(RuntimeError):
    """Pagefind could not start, answered with an error, or stopped."""


class PagefindService:
    """One `pagefind --service` process, used from a single event loop."""

    def __init__(self) -> None:
        self._process: asyncio.subprocess.Process | None = None
        self._waiting: dict[int, asyncio.Future] = {}
        self._last_id = 0
        self._reader: asyncio.Task | None = None
        self._stderr: asyncio.Task | None = None
        self._stopped: PagefindServiceError | None = None

    async def start(self) -> None:
        """Launch the binary (pagefind_bin_extended's, or PAGEFIND_BINARY_PATH)."""
        executable = get_executable()
        if executable is None:
            raise PagefindServiceError(
                "cannot find the pagefind binary (pip install 'pagefind[extended]')"
            )
        try:
            self._process = await asyncio.create_subprocess_exec(
                str(executable),
                "--service",
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
                limit=_READ_LIMIT,
            )
        except OSError as exc:
            raise PagefindServiceError(f"cannot start {executable}: {exc}") from exc
        self._stderr = asyncio.create_task(self._process.stderr.read())
        self._reader = asyncio.create_task(self._read_answers())

    async def request(self, payload: dict) -> dict:
        """Send one request and return its answer's payload; raise on an error answer."""
        if self._stopped is not None:
            raise self._stopped
        self._last_id += 1
        answer = asyncio.get_running_loop().create_future()
        self._waiting[self._last_id] = answer
        message = json.dumps({"message_id": self._last_id, "payload": payload})
        self._process.stdin.write(base64.b64encode(message.encode("utf-8")) + b",")
        try:
            await self._process.stdin.drain()
        except ConnectionError:
            pass  # the reader sees the binary stop and fails `answer` with its reason
        result = await answer
        if result.get("type") == "Error":
            raise PagefindServiceError(result.get("message") or "unknown error")
        return result

    async def _read_answers(self) -> None:
        try:
            while True:
                raw = await self._process.stdout.readuntil(b",")
                answer = json.loads(base64.b64decode(raw[:-1]))
                future = self._waiting.pop(self._message_id(answer), None)
                if future is not None and not future.done():
                    future.set_result(answer["payload"])
        except asyncio.IncompleteReadError:
            reason = "pagefind stopped"
        except (ValueError, asyncio.LimitOverrunError) as exc:  # not the protocol
            reason = f"pagefind sent an unreadable answer: {exc}"
            self._process.kill()
        returncode = await self._process.wait()
        stderr = (await self._stderr).decode("utf-8", "replace").strip()
        self._fail_waiting(f"{reason} (exit code {returncode}){': ' + stderr if stderr else ''}")

    @staticmethod
    def _message_id(answer: dict) -> int | None:
        if answer.get("message_id") is not None:
            return answer["message_id"]
        # An answer to a request the binary could not parse has no id, but
        # echoes the request.
        original = answer.get("payload", {}).get("original_message")
        try:
            return json.loads(original).get("message_id") if original else None
        except ValueError:
            return None

    def _fail_waiting(self, reason: str) -> None:
        self._stopped = PagefindServiceError(reason)
        for future in self._waiting.values():
            if not future.done():
                future.set_exception(self._stopped)
        self._waiting.clear()

    async def close(self, *, kill: bool = False) -> None:
        """Stop the binary: close its input and let it exit, or kill it at once."""
        if self._process is None:
            return
        if self._process.returncode is None:
            if kill:
                self._process.kill()
            else:
                self._process.stdin.close()
            try:
                await asyncio.wait_for(self._process.wait(), _EXIT_TIMEOUT)
            except TimeoutError:
                self._process.kill()
                await self._process.wait()
        # The reader ends at the end of the binary's output and fails any
        # request still waiting.
        await self._reader
        if not self._process.stdin.is_closing():
            self._process.stdin.close()
