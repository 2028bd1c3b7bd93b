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

Capacity, as a local inference server has it (:mod:`summarizer.testing.slots`):
with ``slots=N`` at most N chat requests are computed at once and the rest
wait in arrival order; each takes ``latency`` plus ``token_latency`` seconds
per completion token; a request whose client hung up while it waited is
skipped, one being computed runs to the end. ``advertise_slots`` (the default)
answers llama.cpp's ``GET /props`` and ``GET /slots`` with the slot count (without
``slots``, :data:`UNLIMITED_SLOTS`: it serves any number at once); with
``advertise_slots=False`` they are 404, as on servers without them
(llama-cpp-python, Ollama). Those, and every request marked as a capacity
probe, are logged in ``probes``, not ``requests``. With
``context=N`` a request whose prompt plus ``max_tokens`` exceeds N tokens gets
HTTP 400, worded as llama-cpp-python and vLLM word it.

For ``--batch`` it also implements the parts of the files and batches APIs a
batch run uses: ``POST /v1/files`` (multipart upload), ``GET /v1/files/{id}``
and ``/v1/files/{id}/content``, ``POST /v1/batches``, ``GET /v1/batches/{id}``
and ``POST /v1/batches/{id}/cancel``. A batch stays ``in_progress`` for
``batch_polls`` polls, then answers every line of its input file with the
same chat payload a live call would get (without the latency), writing an
output file and, for the line numbers in ``batch_failures``, an error file.
"""

from __future__ import annotations

import email.parser
import email.policy
import json
import re
import threading
import time
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self

from summarizer.testing.responders import extraction_responder
from summarizer.testing.slots import (
    SlotGate,
    client_gone,
    context_error,
    props_payload,
    slots_payload,
)
from summarizer.transport.capacity import PROBE_HEADER
from summarizer.transport.tokens import count_messages, count_tokens

Responder = Callable[[dict[str, Any]], str]

__all__ = ["FakeOpenAIServer", "FakeReply", "ReceivedRequest", "Responder", "extraction_responder"]


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
        batch_polls: int = 1,
        batch_failures: Collection[int] = (),
        batch_status: str = "completed",
        slots: int | None = None,
        token_latency: float = 0.0,
        advertise_slots: bool = True,
        context: int | None = None,
    ) -> None:
        self.model = model
        self.gate = SlotGate(slots)
        self.token_latency = token_latency
        self.advertise_slots = advertise_slots
        self.context = context
        self.probes: list[ReceivedRequest] = []  # GET /props and /slots
        self.batch_polls = batch_polls
        self.batch_failures = frozenset(batch_failures)
        self.batch_status = batch_status
        self.files: dict[str, dict[str, Any]] = {}
        self.file_data: dict[str, bytes] = {}
        self.batches: dict[str, dict[str, Any]] = {}
        self._batch_polls: dict[str, int] = {}
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

    def start(self) -> Self:
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

    def __enter__(self) -> Self:
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
            path = request.path.split("?")[0].rstrip("/")
            if path in PROBE_PATHS or PROBE_HEADER in request.headers:
                self.probes.append(request)
                return FakeReply()
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
        too_long = self._over_context(body)
        if too_long is not None:
            return 400, too_long
        content = self._content_for(body, reply)
        prompt, completion = self._tokens(body, content, reply)
        model = body.get("model", self.model) if isinstance(body, dict) else self.model
        return 200, _completion(str(model), content, reply, prompt, completion)

    def _over_context(self, body: Any) -> dict[str, Any] | None:
        if self.context is None or not isinstance(body, dict):
            return None
        prompt = count_messages(body.get("messages", [])).n
        wanted = int(body.get("max_tokens") or body.get("max_completion_tokens") or 0)
        if prompt + wanted <= self.context:
            return None
        return context_error(self.context, prompt, wanted)

    def service_seconds(self, reply: FakeReply, status: int, payload: Any) -> float:
        """Compute time of a chat answer: latency, the reply's delay, and its tokens."""
        seconds = self.latency + reply.delay
        if status == 200 and isinstance(payload, dict):
            tokens = (payload.get("usage") or {}).get("completion_tokens") or 0
            seconds += self.token_latency * int(tokens)
        return seconds

    def probe_payload(self, path: str) -> tuple[int, Any]:
        """llama.cpp's GET /props and /slots, when advertised."""
        slots = self.gate.slots or UNLIMITED_SLOTS
        if not self.advertise_slots:
            return 404, _error_body(404)
        if path == "/props":
            return 200, props_payload(slots, self.context)
        return 200, slots_payload(slots, self.context, self.gate.busy)

    # ------------------------------------------------------------------ files and batches

    def _new_id(self, prefix: str, table: Mapping[str, Any]) -> str:
        return f"{prefix}-fake{len(table) + 1:04d}"

    def add_file(self, filename: str, data: bytes, purpose: str) -> dict[str, Any]:
        """Store an uploaded (or generated) file; its OpenAI file object."""
        with self._lock:
            file_id = self._new_id("file", self.files)
            info = {
                "id": file_id,
                "object": "file",
                "bytes": len(data),
                "created_at": int(time.time()),
                "filename": filename,
                "purpose": purpose,
                "status": "processed",
            }
            self.files[file_id] = info
            self.file_data[file_id] = data
        return info

    def create_batch(self, body: Any) -> tuple[int, dict[str, Any]]:
        if not isinstance(body, dict) or body.get("input_file_id") not in self.files:
            return 400, _error_body(400)
        if body.get("endpoint") != "/v1/chat/completions":
            return 400, _error_body(400)
        with self._lock:
            batch_id = self._new_id("batch", self.batches)
            lines = self.file_data[body["input_file_id"]].decode("utf-8").splitlines()
            batch = {
                "id": batch_id,
                "object": "batch",
                "endpoint": body["endpoint"],
                "completion_window": body.get("completion_window", "24h"),
                "input_file_id": body["input_file_id"],
                "status": "validating",
                "created_at": int(time.time()),
                "output_file_id": None,
                "error_file_id": None,
                "errors": None,
                "metadata": body.get("metadata"),
                "request_counts": {
                    "total": sum(1 for line in lines if line.strip()),
                    "completed": 0,
                    "failed": 0,
                },
            }
            self.batches[batch_id] = batch
            self._batch_polls[batch_id] = 0
        return 200, dict(batch)

    def poll_batch(self, batch_id: str) -> tuple[int, dict[str, Any]]:
        """A batch's state; it completes on the ``batch_polls``-th poll."""
        with self._lock:
            batch = self.batches.get(batch_id)
            if batch is None:
                return 404, _error_body(404)
            if batch["status"] in {"validating", "in_progress"}:
                self._batch_polls[batch_id] += 1
                polls = self._batch_polls[batch_id]
                batch["status"] = "in_progress"
                if polls >= self.batch_polls:
                    finish = True
                else:
                    return 200, dict(batch)
            else:
                finish = False
        if finish:
            self._finish_batch(batch)
        return 200, dict(batch)

    def cancel_batch(self, batch_id: str) -> tuple[int, dict[str, Any]]:
        with self._lock:
            batch = self.batches.get(batch_id)
            if batch is None:
                return 404, _error_body(404)
            batch["status"] = "cancelled"
            return 200, dict(batch)

    def _finish_batch(self, batch: dict[str, Any]) -> None:
        lines = self.file_data[batch["input_file_id"]].decode("utf-8").splitlines()
        outputs: list[str] = []
        errors: list[str] = []
        for number, line in enumerate(x for x in lines if x.strip()):
            item = json.loads(line)
            if number in self.batch_failures:
                errors.append(json.dumps(self._batch_error(item)))
                continue
            status, payload = self.chat_payload(item.get("body"), FakeReply())
            outputs.append(
                json.dumps(
                    {
                        "id": f"batch_req_{number}",
                        "custom_id": item.get("custom_id"),
                        "response": {
                            "status_code": status,
                            "request_id": f"r{number}",
                            "body": payload,
                        },
                        "error": None,
                    }
                )
            )
        out = self.add_file(
            "batch_output.jsonl", "\n".join(outputs).encode("utf-8"), "batch_output"
        )
        err_id = None
        if errors:
            err = self.add_file(
                "batch_errors.jsonl", "\n".join(errors).encode("utf-8"), "batch_output"
            )
            err_id = err["id"]
        with self._lock:
            batch["status"] = self.batch_status
            batch["output_file_id"] = out["id"]
            batch["error_file_id"] = err_id
            batch["request_counts"] = {
                "total": len(outputs) + len(errors),
                "completed": len(outputs),
                "failed": len(errors),
            }

    @staticmethod
    def _batch_error(item: Mapping[str, Any]) -> dict[str, Any]:
        return {
            "id": "batch_req_failed",
            "custom_id": item.get("custom_id"),
            "response": {"status_code": 500, "request_id": "", "body": _error_body(500)},
            "error": None,
        }

    def models_payload(self) -> dict[str, Any]:
        model: dict[str, Any] = {"id": self.model, "object": "model", "owned_by": "fake"}
        if self.context is not None:
            model["max_model_len"] = self.context  # as vLLM reports it
        return {"object": "list", "data": [model]}


PROBE_PATHS = frozenset({"/props", "/slots"})
UNLIMITED_SLOTS = 64  # what a server without a slot limit reports


_FILE = re.compile(r"/v1/files/([\w-]+)")
_FILE_CONTENT = re.compile(r"/v1/files/([\w-]+)/content")
_BATCH = re.compile(r"/v1/batches/([\w-]+)")
_BATCH_CANCEL = re.compile(r"/v1/batches/([\w-]+)/cancel")


def _multipart(content_type: str, raw: bytes) -> dict[str, tuple[str, bytes]]:
    """Form fields of a multipart/form-data body: name -> (filename, bytes)."""
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + raw)
    fields: dict[str, tuple[str, bytes]] = {}
    if not message.is_multipart():
        return fields
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            continue
        data = part.get_payload(decode=True)
        fields[name] = (part.get_filename() or "", data if isinstance(data, bytes) else b"")
    return fields


class _QuietServer(ThreadingHTTPServer):
    """Clients that hang up early (timeouts, faults) are expected here, not errors."""

    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        return


def _make_handler(server: FakeOpenAIServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # TCP_NODELAY, as real servers set it: headers and body go out in two writes,
        # and Nagle's algorithm with the client's delayed ACK would hold the body ~40 ms.
        disable_nagle_algorithm = True

        def log_message(self, format: str, *args: Any) -> None:  # quiet in tests
            return

        def _read_raw(self) -> bytes:
            length = int(self.headers.get("Content-Length") or 0)
            return self.rfile.read(length) if length else b""

        def _read_body(self, raw: bytes) -> Any:
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
            path = self.path.split("?")[0].rstrip("/")
            if path in PROBE_PATHS:
                self._answer(reply, *server.probe_payload(path), wait=False)
                return
            if path == "/v1/models":
                self._answer(reply, 200, server.models_payload())
                return
            content = _FILE_CONTENT.fullmatch(path)
            if content and content.group(1) in server.file_data:
                data = server.file_data[content.group(1)]
                self._answer(FakeReply(raw=data), 200, None, "application/octet-stream")
                return
            file_info = _FILE.fullmatch(path)
            if file_info and file_info.group(1) in server.files:
                self._answer(reply, 200, server.files[file_info.group(1)])
                return
            batch = _BATCH.fullmatch(path)
            if batch:
                self._answer(reply, *server.poll_batch(batch.group(1)))
                return
            self._answer(reply, 404, _error_body(404))

        def do_POST(self) -> None:
            raw = self._read_raw()
            path = self.path.split("?")[0].rstrip("/")
            if path == "/v1/files":
                self._upload(raw)
                return
            body = self._read_body(raw)
            if path.startswith("/v1/batches"):
                reply = self._receive(body, scheduled=False)
                cancel = _BATCH_CANCEL.fullmatch(path)
                if cancel:
                    self._answer(reply, *server.cancel_batch(cancel.group(1)))
                elif path == "/v1/batches":
                    self._answer(reply, *server.create_batch(body))
                else:
                    self._answer(reply, 404, _error_body(404))
                return
            reply = self._receive(body)
            if path != "/v1/chat/completions":
                self._answer(reply, 404, _error_body(404))
                return
            status, payload = server.chat_payload(body, reply)
            seconds = server.service_seconds(reply, status, payload)
            if not server.gate.run(seconds, lambda: client_gone(self.connection)):
                self.close_connection = True  # its client left while it waited
                return
            self._answer(reply, status, payload, wait=False)

        def _upload(self, raw: bytes) -> None:
            fields = _multipart(self.headers.get("Content-Type", ""), raw)
            form = {k: v[1].decode("utf-8", "replace") for k, v in fields.items() if k != "file"}
            reply = self._receive(form, scheduled=False)
            if "file" not in fields:
                self._answer(reply, 400, _error_body(400))
                return
            filename, data = fields["file"]
            purpose = fields.get("purpose", ("", b"batch"))[1].decode("utf-8")
            self._answer(reply, 200, server.add_file(filename, data, purpose))

        def _answer(
            self,
            reply: FakeReply,
            status: int,
            payload: Any,
            content_type: str = "application/json",
            *,
            wait: bool = True,
        ) -> None:
            if wait:
                time.sleep(server.latency + reply.delay)
            if reply.drop:
                self.close_connection = True
                return
            data = reply.raw if reply.raw is not None else json.dumps(payload).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", content_type)
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
