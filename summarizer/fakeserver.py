"""A local fake OpenAI-compatible server: a test and benchmark utility, not a model.

It exists to measure and to inject faults. It answers ``POST /v1/chat/completions``
and ``GET /v1/models`` on 127.0.0.1 (port 0: the OS picks a free one) from a
:class:`ThreadingHTTPServer`, with configurable latency, token counts and a
failure schedule, and it records every request it receives::

    schedule = [FakeReply(status=429, headers={"Retry-After": "2"}), FakeReply()]
    with FakeOpenAIServer(schedule) as server:
        make_backend(LLMConfig(model="m", base_url=server.base_url))...
        assert server.count("/v1/chat/completions") == 2

Replies come from the schedule in order; once it is empty every request gets
the default reply, whose content comes from ``responder(body)`` (or a fixed
string). Prompt tokens default to an offline tiktoken count of the messages.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from summarizer.tokens import count_messages, count_tokens

Responder = Callable[[dict[str, Any]], str]


@dataclass(frozen=True)
class FakeReply:
    """One scripted answer.

    ``status`` 200 gives a chat completion with ``content`` (else the server's
    responder); any other status gives an OpenAI-style error body. ``delay``
    sleeps before answering (a read timeout when longer than the client's);
    ``drop`` closes the connection without a response; ``truncate`` sends the
    headers and half the body, then closes (a connection reset mid-body).
    """

    status: int = 200
    content: str | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    finish_reason: str = "stop"
    delay: float = 0.0
    drop: bool = False
    truncate: bool = False
    body: Any = None  # raw JSON-able body overriding the generated one
    raw: bytes | None = None  # bytes sent as the body as they are (e.g. broken JSON)
    refusal: str | None = None
    prompt_tokens: int | None = None
    completion_tokens: int | None = None


@dataclass(frozen=True)
class ReceivedRequest:
    """What the server saw."""

    method: str
    path: str
    headers: Mapping[str, str]  # names lower-cased
    body: Any
    at: float  # time.monotonic() on arrival


def _completion(
    model: str, content: str, reply: FakeReply, prompt_tokens: int, completion_tokens: int
) -> dict[str, Any]:
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": 0,
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content, "refusal": reply.refusal},
                "finish_reason": reply.finish_reason,
            }
        ],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        },
    }


def _error_body(status: int) -> dict[str, Any]:
    kind = "rate_limit_exceeded" if status == 429 else "server_error" if status >= 500 else "error"
    return {"error": {"message": f"fake server: HTTP {status}", "type": kind, "code": kind}}


class FakeOpenAIServer:
    """The fake server. ``start()``/``stop()`` or use it as a context manager."""

    def __init__(
        self,
        schedule: Iterable[FakeReply | int] = (),
        *,
        latency: float = 0.0,
        model: str = "fake-model",
        responder: Responder | None = None,
        content: str = "ok",
        prompt_tokens: int | None = None,
        completion_tokens: int | None = None,
    ) -> None:
        self.model = model
        self.latency = latency
        self.responder = responder
        self.content = content
        self.prompt_tokens = prompt_tokens
        self.completion_tokens = completion_tokens
        self.requests: list[ReceivedRequest] = []
        self._schedule = [r if isinstance(r, FakeReply) else FakeReply(status=r) for r in schedule]
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> FakeOpenAIServer:
        handler = _make_handler(self)
        self._server = _QuietServer(("127.0.0.1", 0), handler)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> FakeOpenAIServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("the fake server is not running")
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    # ------------------------------------------------------------------ scripting

    def push(self, *replies: FakeReply | int) -> None:
        """Append replies to the schedule."""
        with self._lock:
            self._schedule.extend(
                r if isinstance(r, FakeReply) else FakeReply(status=r) for r in replies
            )

    def count(self, path: str | None = None) -> int:
        """Requests received (on ``path`` if given)."""
        with self._lock:
            return sum(1 for r in self.requests if path is None or r.path == path)

    def _record(self, request: ReceivedRequest, *, scheduled: bool = True) -> FakeReply:
        """Log a request; chat requests take the next scheduled reply."""
        with self._lock:
            self.requests.append(request)
            if scheduled and self._schedule:
                return self._schedule.pop(0)
            return FakeReply()

    def _content_for(self, body: Any, reply: FakeReply) -> str:
        if reply.content is not None:
            return reply.content
        if self.responder is not None and isinstance(body, dict):
            return self.responder(body)
        return self.content

    def _tokens(self, body: Any, content: str, reply: FakeReply) -> tuple[int, int]:
        prompt = reply.prompt_tokens if reply.prompt_tokens is not None else self.prompt_tokens
        if prompt is None:
            messages = body.get("messages", []) if isinstance(body, dict) else []
            prompt = count_messages(messages).n
        completion = (
            reply.completion_tokens
            if reply.completion_tokens is not None
            else self.completion_tokens
        )
        if completion is None:
            completion = count_tokens(content).n
        return prompt, completion

    def chat_payload(self, body: Any, reply: FakeReply) -> tuple[int, dict[str, Any]]:
        """(status, JSON body) for a chat-completion reply."""
        if reply.body is not None:
            return reply.status, reply.body
        if reply.status != 200:
            return reply.status, _error_body(reply.status)
        content = self._content_for(body, reply)
        prompt, completion = self._tokens(body, content, reply)
        model = body.get("model", self.model) if isinstance(body, dict) else self.model
        return 200, _completion(str(model), content, reply, prompt, completion)

    def models_payload(self) -> dict[str, Any]:
        return {
            "object": "list",
            "data": [{"id": self.model, "object": "model", "owned_by": "fake"}],
        }


class _QuietServer(ThreadingHTTPServer):
    """Clients that hang up early (timeouts, faults) are expected here, not errors."""

    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        return


def _make_handler(server: FakeOpenAIServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:  # quiet in tests
            return

        def _read_body(self) -> Any:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            try:
                return json.loads(raw) if raw else None
            except ValueError:
                return raw.decode("utf-8", "replace")

        def _receive(self, body: Any, *, scheduled: bool = True) -> FakeReply:
            received = ReceivedRequest(
                method=self.command,
                path=self.path,
                headers={k.lower(): v for k, v in self.headers.items()},
                body=body,
                at=time.monotonic(),
            )
            return server._record(received, scheduled=scheduled)

        def do_GET(self) -> None:
            reply = self._receive(None, scheduled=False)
            if self.path.rstrip("/") == "/v1/models":
                self._answer(reply, 200, server.models_payload())
            else:
                self._answer(reply, 404, _error_body(404))

        def do_POST(self) -> None:
            body = self._read_body()
            reply = self._receive(body)
            if self.path.rstrip("/") != "/v1/chat/completions":
                self._answer(reply, 404, _error_body(404))
                return
            status, payload = server.chat_payload(body, reply)
            self._answer(reply, status, payload)

        def _answer(self, reply: FakeReply, status: int, payload: Any) -> None:
            time.sleep(server.latency + reply.delay)
            if reply.drop:
                self.close_connection = True
                return
            data = reply.raw if reply.raw is not None else json.dumps(payload).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.end_headers()
            if reply.truncate:
                self.wfile.write(data[: len(data) // 2])
                self.wfile.flush()
                self.close_connection = True
                return
            self.wfile.write(data)

    return Handler
