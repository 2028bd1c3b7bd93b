"""URLs as input, against a real HTTP server on 127.0.0.1 (in a thread): an HTML article,
an RSS feed (by content type and sniffed), a 404, a 500, a slow endpoint, a non-text
type and a refused connection. Failures are one line naming the URL; the rest go on."""

from __future__ import annotations

import datetime as dt
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest
from typer.testing import CliRunner

from summarizer import cli
from summarizer.config import Config, FetchConfig
from summarizer.errors import EXIT_OK, EXIT_PARTIAL, EXIT_USAGE, InputError
from summarizer.models import DateOrigin
from summarizer.pipeline import run
from summarizer.stages.fetch import fetch_url, is_url, url_slug
from summarizer.stages.ingest import ingest

ARTICLE = (Path(__file__).parent / "fixtures" / "articles" / "valley_flood.html").read_bytes()
RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Valley Courier</title><link>http://x/</link>
<item><title>Flood warnings lifted in Bewdley</title><link>https://valleycourier.example/lifted</link>
<pubDate>Fri, 16 Feb 2024 10:00:00 GMT</pubDate>
<description>&lt;p&gt;The Environment Agency lifted the last severe flood warnings in Bewdley
on Friday, three days after the River Severn burst its banks.&lt;/p&gt;&lt;p&gt;About 200
residents returned home on Thursday, the council said.&lt;/p&gt;</description></item>
</channel></rss>
"""
NOTES = (
    "date: 2024-02-15\nRiver levels in Bewdley fell by 40 centimetres overnight, the agency said.\n"
)
SLOW_SECONDS = 3.0
TIMEOUT = 0.5


class _Handler(BaseHTTPRequestHandler):
    routes: ClassVar[dict[str, tuple[int, str, bytes]]] = {
        "/news/severn-floods.html": (200, "text/html; charset=utf-8", ARTICLE),
        "/feeds/courier.rss": (200, "application/rss+xml", RSS),
        "/feeds/courier-as-text": (200, "text/plain", RSS),
        "/notes.txt": (200, "text/plain; charset=utf-8", NOTES.encode("utf-8")),
        "/missing": (404, "text/html", b"<h1>Not found</h1>"),
        "/error": (500, "text/html", b"<h1>Oops</h1>"),
        "/photo.png": (200, "image/png", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8),
    }

    def do_GET(self) -> None:
        try:
            if self.path == "/slow":
                time.sleep(SLOW_SECONDS)
            if self.path == "/trickle":
                self._trickle()
                return
            status, kind, body = self.routes.get(self.path, (200, "text/html", ARTICLE))
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except OSError:  # the client gave up (the slow endpoint): nothing to do
            pass

    def _trickle(self) -> None:
        """A byte every 0.1 s: each read is quick, the whole page never arrives in time."""
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", "100000")
        self.end_headers()
        for _ in range(int(SLOW_SECONDS * 10)):
            self.wfile.write(b"x")
            self.wfile.flush()
            time.sleep(0.1)

    def log_message(self, format: str, *args: object) -> None:  # quiet test output
        return


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture
def fetch() -> FetchConfig:
    return FetchConfig(timeout=TIMEOUT)


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --------------------------------------------------------------------------- pure helpers


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://example.com/a", True),
        ("http://127.0.0.1:8000/", True),
        ("HTTPS://EXAMPLE.COM", True),
        ("ftp://example.com/a", False),
        ("file:///etc/passwd", False),
        ("https://", False),
        ("seeds/000.txt", False),
        (Path("https:/example.com"), False),
    ],
)
def test_is_url(value: object, expected: bool) -> None:
    assert is_url(value) is expected


@pytest.mark.parametrize(
    ("url", "slug"),
    [
        ("https://www.example.com/news/storm-hits.html", "example-com-storm-hits"),
        ("http://127.0.0.1:8765/feeds/courier.rss", "127-0-0-1-courier"),
        ("https://example.org/", "example-org"),
        ("https://example.org/story?id=42", "example-org-story-id-42"),
    ],
)
def test_url_slug(url: str, slug: str) -> None:
    assert url_slug(url) == slug


# --------------------------------------------------------------------------- ingest


def test_html_page_is_ingested_like_an_html_file(server: str, fetch: FetchConfig) -> None:
    url = f"{server}/news/severn-floods.html"
    (source,) = ingest([url], fetch=fetch).sources
    from_file = ingest([Path(__file__).parent / "fixtures" / "articles" / "valley_flood.html"])
    assert source.text == from_file.sources[0].text  # the same trafilatura text
    assert source.id == "127-0-0-1-severn-floods"
    assert source.path == url
    assert source.published == dt.date(2024, 2, 14)
    assert source.published_from is DateOrigin.HTML_META
    assert source.outlet == "Valley Courier"
    assert source.url == "https://valleycourier.example/news/severn-floods"  # canonical


@pytest.mark.parametrize("path", ["/feeds/courier.rss", "/feeds/courier-as-text"])
def test_feed_urls_become_entries(server: str, fetch: FetchConfig, path: str) -> None:
    result = ingest([f"{server}{path}"], fetch=fetch)
    assert result.failures == ()
    (entry,) = result.sources
    assert entry.id.startswith("127-0-0-1-courier") and entry.id.endswith(
        "flood-warnings-lifted-in-bewdley"
    )
    assert entry.title == "Flood warnings lifted in Bewdley"
    assert entry.outlet == "Valley Courier"
    assert entry.published == dt.date(2024, 2, 16)
    assert entry.published_from is DateOrigin.FEED
    assert (
        entry.text.splitlines()[1]
        == "About 200 residents returned home on Thursday, the council said."
    )


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/missing", "the server answered HTTP 404 Not Found; check the address"),
        ("/error", "the server answered HTTP 500 Internal Server Error; try again later"),
        (
            "/slow",
            f"no complete answer within {TIMEOUT:g} s; try again later or raise --fetch-timeout",
        ),
        ("/trickle", f"no complete answer within {TIMEOUT:g} s"),
        ("/photo.png", "the server sent image/png, not an HTML page or a feed"),
    ],
    ids=["404", "500", "slow", "trickle", "not-text"],
)
def test_failures_are_one_line_and_the_rest_go_on(
    server: str, fetch: FetchConfig, path: str, expected: str
) -> None:
    bad, good = f"{server}{path}", f"{server}/news/severn-floods.html"
    result = ingest([bad, good], fetch=fetch)
    assert [s.path for s in result.sources] == [good]
    (failure,) = result.failures
    assert failure.path == bad
    assert failure.reason.startswith(f"{bad}: {expected}")
    assert "\n" not in failure.reason


def test_refused_connection_says_what_to_do(fetch: FetchConfig) -> None:
    url = f"http://127.0.0.1:{_closed_port()}/story"
    (failure,) = ingest([url], fetch=fetch).failures
    assert failure.stage == "fetch"
    assert failure.reason.startswith(f"{url}: cannot fetch it (")
    assert "check the address and the network connection" in failure.reason
    assert "save the page and pass the file" in failure.reason


def test_plain_text_is_read_like_a_txt_file(server: str, fetch: FetchConfig) -> None:
    (source,) = ingest([f"{server}/notes.txt"], fetch=fetch).sources
    assert source.text == NOTES
    assert source.published == dt.date(2024, 2, 15)
    assert source.published_from is DateOrigin.HEADER
    assert source.id == "127-0-0-1-notes"


def test_size_cap(server: str) -> None:
    with pytest.raises(InputError, match=r"larger than 0\.001 MB"):
        fetch_url(f"{server}/news/severn-floods.html", FetchConfig(max_bytes=1000))


def test_the_same_url_is_fetched_once(server: str, fetch: FetchConfig) -> None:
    url = f"{server}/news/severn-floods.html"
    assert len(ingest([url, url], fetch=fetch).sources) == 1


def test_quotes_index_the_fetched_text(server: str) -> None:
    config = Config(fetch=FetchConfig(timeout=5))
    report = run([f"{server}/news/severn-floods.html", f"{server}/feeds/courier.rss"], config)
    texts = {sr.source.id: sr.source.text for sr in report.sources}
    assert len(texts) == 2 and report.events
    for event in report.events:
        for ev in event.evidence:
            assert texts[ev.source][ev.start : ev.end] == ev.quote


# --------------------------------------------------------------------------- the command


def test_cli_partial_failure(server: str, tmp_path: Path) -> None:
    out = tmp_path / "brief.json"
    args = ["brief", f"{server}/news/severn-floods.html", f"{server}/feeds/courier.rss"]
    args += [f"{server}/missing", f"{server}/slow", "--fetch-timeout", str(TIMEOUT)]
    result = CliRunner().invoke(cli.app, [*args, "--format", "json", "-o", str(out)])
    assert result.exit_code == EXIT_PARTIAL, result.output
    failed = [line for line in result.stderr.splitlines() if "failed (fetch)" in line]
    assert len(failed) == 2
    assert f"{server}/missing: the server answered HTTP 404" in failed[0]
    assert f"{server}/slow: no complete answer within {TIMEOUT:g} s" in failed[1]
    text = out.read_text(encoding="utf-8")
    assert "127-0-0-1-severn-floods" in text and "flood-warnings-lifted-in-bewdley" in text


def test_cli_all_urls_failing_is_a_usage_error(server: str) -> None:
    result = CliRunner().invoke(cli.app, ["timeline", f"{server}/missing"])
    assert result.exit_code == EXIT_USAGE
    assert "no article could be read" in result.stderr


def test_cli_url_keeps_its_double_slash(server: str) -> None:
    """typer must not turn the URL into a Path (which would collapse ``//``)."""
    result = CliRunner().invoke(cli.app, ["timeline", f"{server}/feeds/courier.rss"])
    assert result.exit_code == EXIT_OK, result.output
    assert "Flood warnings lifted" in result.stdout or "Environment Agency" in result.stdout
