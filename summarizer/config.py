"""Run configuration, built once at the CLI edge and passed down.

Nothing below the CLI reads ``os.environ``: the CLI reads it once into an
:class:`Environment` and builds the :class:`Config` from its flags, then that
environment, then the defaults here (``summarizer/cli/settings.py``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlparse

from summarizer.errors import ConfigError

OPENAI_HOST = "api.openai.com"


SECRET_QUERY_KEYS = frozenset({"api-key", "api_key", "apikey", "key", "token", "access_token"})


def masked_url(url: str) -> str:
    """``url`` as it may be shown: a password in it (``user:KEY@host``) and secret query
    parameters (``?api-key=KEY``) become ``***``."""
    parsed = urlparse(url)
    netloc = parsed.netloc
    if "@" in netloc:
        userinfo, host = netloc.rsplit("@", 1)
        user, has_password, _ = userinfo.partition(":")
        netloc = f"{user}:***@{host}" if has_password else f"***@{host}"
    query = parsed.query
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        query = urlencode(
            [(k, "***" if k.lower() in SECRET_QUERY_KEYS else v) for k, v in pairs], safe="*"
        )
    return parsed._replace(netloc=netloc, query=query).geturl()


class EngineChoice(StrEnum):
    AUTO = "auto"
    EXTRACTIVE = "extractive"
    LLM = "llm"


class StructuredMode(StrEnum):
    AUTO = "auto"
    JSON_SCHEMA = "json_schema"
    JSON_OBJECT = "json_object"
    PROMPT = "prompt"


@dataclass(frozen=True)
class LLMConfig:
    model: str | None = None
    base_url: str | None = None
    api_key: str | None = None
    structured: StructuredMode = StructuredMode.AUTO
    temperature: float = 0.0
    seed: int | None = 0
    max_output_tokens: int = 1024
    max_input_tokens: int = 3000
    # --pack-tokens N: fenced article tokens packed into one extract call (0: one article a call)
    pack_tokens: int = 2700
    timeout: float = 120.0
    max_attempts: int = 5
    max_total_wait: float = 120.0
    max_reasks: int = 2
    # --concurrency N: model calls in flight at most; None: the server's slot count when it
    # reports one (llama.cpp), else 4 (summarizer.transport.capacity); lowered on overload
    concurrency: int | None = None
    rpm: int | None = None  # --rpm: requests per minute, paced before the server refuses
    tpm: int | None = None  # --tpm: tokens per minute (prompt estimate + max_tokens)
    cache_dir: Path | None = None  # --cache-dir: the response cache's folder
    no_cache: bool = False  # --no-cache: neither read nor write the response cache
    batch: bool = False  # --batch: send the extract calls through the Batch API
    batch_id: str | None = None  # --batch-id ID: resume a submitted batch
    record: Path | None = None
    replay: Path | None = None
    dry_run: bool = False
    price_in: float | None = None  # --price-in: USD per million prompt tokens (cost estimate)
    price_out: float | None = None  # --price-out: USD per million completion tokens

    def is_local(self) -> bool:
        """True when the base URL points at this machine (no key needed)."""
        if not self.base_url:
            return False
        host = (urlparse(self.base_url).hostname or "").lower()
        return host in {"localhost", "127.0.0.1", "::1", "0.0.0.0"} or host.startswith("127.")

    def needs_key(self) -> bool:
        if self.replay is not None:
            return False
        if not self.base_url:
            return True
        host = (urlparse(self.base_url).hostname or "").lower()
        return host == OPENAI_HOST


@dataclass(frozen=True)
class FetchConfig:
    """How URLs given as inputs are downloaded (``summarizer brief https://...``)."""

    timeout: float = 20.0  # --fetch-timeout: seconds for the whole download of one URL
    max_bytes: int = 10_000_000  # a larger page or feed is refused
    user_agent: str = "summarizer (multi-source news summariser)"
    # Proxies by scheme, read at the CLI edge (``*_proxy`` variables); none by default.
    proxies: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Config:
    engine: EngineChoice = EngineChoice.AUTO
    llm: LLMConfig = field(default_factory=LLMConfig)
    fetch: FetchConfig = field(default_factory=FetchConfig)
    published: Mapping[str, dt.date] = field(default_factory=dict)  # --published ID=DATE
    encoding: str | None = None  # --encoding: of input files that are not UTF-8
    day: dt.date | None = None
    max_dates: int | None = None
    per_date: int | None = None
    # A daily brief (the brief command): --max-dates keeps the day its headline is from.
    daily: bool = False
    summary_sentences: int = 3
    quiet: bool = False
    verbose: bool = False
    debug: bool = False
    store: Path | None = None  # --store: the run history database; None with --no-store
    since_last: bool = False  # --since-last: show what changed since the previous run
    workers: int | None = None  # --workers: processes for the per-source stages; None: auto

    def resolved_engine(self) -> EngineChoice:
        """``auto`` is llm when a model is configured, else extractive."""
        if self.engine is EngineChoice.AUTO:
            return EngineChoice.LLM if self.llm.model else EngineChoice.EXTRACTIVE
        return self.engine

    def validate(self) -> Config:
        if self.resolved_engine() is EngineChoice.LLM:
            if not self.llm.model:
                raise ConfigError(
                    "the llm engine needs a model: pass --model NAME or set SUMMARIZER_MODEL"
                )
            if self.llm.needs_key() and not self.llm.api_key:
                raise ConfigError(
                    "no API key for the OpenAI host: set OPENAI_API_KEY, or pass --base-url "
                    "for a local OpenAI-compatible server"
                )
        return self


def env_path(env: Mapping[str, str], name: str) -> Path | None:
    """The path an environment variable names; None when it is unset or empty."""
    value = env.get(name)
    return Path(value) if value else None


@dataclass(frozen=True)
class Environment:
    """What the environment sets, read once by the CLI (flags win over every field).

    ``SUMMARIZER_ENGINE``, ``SUMMARIZER_MODEL``, ``OPENAI_BASE_URL`` (else
    ``SUMMARIZER_BASE_URL``), ``OPENAI_API_KEY``, ``SUMMARIZER_CACHE_DIR``,
    ``SUMMARIZER_STORE``; an empty variable counts as unset.
    """

    engine: EngineChoice | None = None
    model: str | None = None
    base_url: str | None = None
    api_key: str | None = None
    cache_dir: Path | None = None
    store: Path | None = None

    @classmethod
    def read(cls, env: Mapping[str, str]) -> Environment:
        """Parse ``env``; a ``SUMMARIZER_ENGINE`` that is not an engine is a ConfigError."""
        engine = env.get("SUMMARIZER_ENGINE") or None
        try:
            choice = EngineChoice(engine) if engine else None
        except ValueError as exc:
            raise ConfigError(
                f"SUMMARIZER_ENGINE={engine!r} is not one of auto, extractive, llm"
            ) from exc
        return cls(
            engine=choice,
            model=env.get("SUMMARIZER_MODEL") or None,
            base_url=env.get("OPENAI_BASE_URL") or env.get("SUMMARIZER_BASE_URL") or None,
            api_key=env.get("OPENAI_API_KEY") or None,
            cache_dir=env_path(env, "SUMMARIZER_CACHE_DIR"),
            store=env_path(env, "SUMMARIZER_STORE"),
        )
