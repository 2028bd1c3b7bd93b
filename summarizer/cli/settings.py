"""The run's :class:`~summarizer.config.Config`, built once from the flags, then the
environment, then the defaults; the one ``os.environ`` read of the program is the
caller's (:func:`summarizer.cli.commands.run_command` passes it in).
"""

from __future__ import annotations

import codecs
import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TypeVar

from summarizer.cli.options import RunOptions
from summarizer.config import Config, Environment, FetchConfig, LLMConfig, env_path
from summarizer.errors import InputError

T = TypeVar("T")
_LLM = LLMConfig()
_CONFIG = Config()
_FETCH = FetchConfig()


def first(*values: T | None, default: T) -> T:
    """The first value that is not None (a flag, then the environment), else ``default``."""
    return next((v for v in values if v is not None), default)


def parse_day(value: str | None, flag: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise InputError(f"{flag} {value!r} is not a date: write YYYY-MM-DD") from exc


def parse_encoding(name: str | None) -> str | None:
    """``--encoding NAME`` as Python's codec name; a name Python does not know, or one
    that is not a text encoding, is an :class:`InputError`."""
    if name is None:
        return None
    try:
        info = codecs.lookup(name)
    except LookupError:
        info = None
    if info is None or not getattr(info, "_is_text_encoding", True):
        raise InputError(f"--encoding {name!r}: not a text encoding; try cp1252, cp1250, cp1254")
    return info.name


def parse_published(values: Sequence[str] | None) -> dict[str, dt.date]:
    """``ID=YYYY-MM-DD`` pairs into a mapping; a bad pair is a usage error."""
    out: dict[str, dt.date] = {}
    for item in values or ():
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise InputError(f"--published {item!r}: write ID=YYYY-MM-DD (ID is the file stem)")
        day = parse_day(value.strip(), f"--published {key.strip()}=")
        assert day is not None
        out[key.strip()] = day
    return out


def check_combinations(options: RunOptions, since_last: bool) -> None:
    """Flags that exclude each other are a usage error before any work."""
    if options.no_store and (options.store is not None or since_last):
        raise InputError(
            "--no-store excludes --store and --since-last: the previous run lives in the store"
        )
    if options.record is not None and options.replay is not None:
        raise InputError("--record and --replay exclude each other: pick one")
    if (options.batch or options.batch_id) and (
        options.no_cache or options.record is not None or options.replay is not None
    ):
        raise InputError(
            "--batch needs the response cache: drop --no-cache (and --record/--replay)"
        )


def cache_dir(flag: Path | None, env: Mapping[str, str]) -> Path:
    """--cache-dir, else SUMMARIZER_CACHE_DIR, else the platform cache folder."""
    # Imported here for start-up time only: --help needs no cache module (nor jinja2).
    from summarizer.transport.cache import default_cache_dir

    return flag or env_path(env, "SUMMARIZER_CACHE_DIR") or default_cache_dir(env)


def store_path(flag: Path | None, env: Mapping[str, str]) -> Path:
    """--store, else SUMMARIZER_STORE, else the platform data folder."""
    # Imported here for start-up time only: --help needs no run store (sqlite).
    from summarizer.store.persist import default_store_path

    return flag or env_path(env, "SUMMARIZER_STORE") or default_store_path(env)


def _llm(options: RunOptions, environment: Environment, env: Mapping[str, str]) -> LLMConfig:
    return LLMConfig(
        model=first(options.model, environment.model, default=_LLM.model),
        base_url=first(options.base_url, environment.base_url, default=_LLM.base_url),
        api_key=environment.api_key,
        structured=first(options.structured, default=_LLM.structured),
        max_input_tokens=first(options.max_input_tokens, default=_LLM.max_input_tokens),
        pack_tokens=first(options.pack_tokens, default=_LLM.pack_tokens),
        timeout=first(options.timeout, default=_LLM.timeout),
        max_attempts=first(options.max_attempts, default=_LLM.max_attempts),
        max_total_wait=first(options.max_wait, default=_LLM.max_total_wait),
        concurrency=first(options.concurrency, default=_LLM.concurrency),
        rpm=options.rpm,
        tpm=options.tpm,
        cache_dir=cache_dir(options.cache_dir, env),
        no_cache=options.no_cache,
        batch=options.batch,
        batch_id=options.batch_id,
        record=options.record,
        replay=options.replay,
        dry_run=options.dry_run,
        price_in=options.price_in,
        price_out=options.price_out,
    )


def _fetch(options: RunOptions, env: Mapping[str, str]) -> FetchConfig:
    """How URL inputs are downloaded: --fetch-timeout, and the environment's proxies."""
    return FetchConfig(
        timeout=first(options.fetch_timeout, default=_FETCH.timeout), proxies=proxies_from(env)
    )


_PROXY = "_proxy"


def proxies_from(env: Mapping[str, str]) -> dict[str, str]:
    """Proxies by scheme from ``*_proxy`` variables, as ``urllib.request`` reads them.

    Hand-written because ``urllib.request.getproxies_environment`` costs every run the
    import of ssl and http.client (about 20 ms) when only URL inputs use proxies. Same
    rules: any case, the lower-case name wins; under CGI (``REQUEST_METHOD`` set) an
    upper-case ``HTTP_PROXY`` is ignored (a client can set it through a header); an
    empty lower-case variable removes the scheme. ``no_proxy`` is kept as ``no``.
    """
    proxies: dict[str, str] = {}
    for name, value in env.items():
        if value and name.lower().endswith(_PROXY):
            proxies[name.lower()[: -len(_PROXY)]] = value
    if "REQUEST_METHOD" in env:
        proxies.pop("http", None)
    for name, value in env.items():
        if name.endswith(_PROXY):
            scheme = name.lower()[: -len(_PROXY)]
            if value:
                proxies[scheme] = value
            else:
                proxies.pop(scheme, None)
    return proxies


def build_config(
    options: RunOptions, env: Mapping[str, str], *, since_last: bool = False
) -> Config:
    """Flags first, then the environment ``env``, then the defaults of :mod:`summarizer.config`."""
    check_combinations(options, since_last)
    environment = Environment.read(env)
    config = Config(
        engine=first(options.engine, environment.engine, default=_CONFIG.engine),
        llm=_llm(options, environment, env),
        fetch=_fetch(options, env),
        published=parse_published(options.published),
        encoding=parse_encoding(options.encoding),
        day=parse_day(options.day, "--day"),
        max_dates=options.max_dates,
        per_date=options.per_date,
        quiet=options.quiet,
        verbose=options.verbose,
        debug=options.debug,
        store=None if options.no_store else store_path(options.store, env),
        since_last=since_last,
        workers=options.workers,
    )
    if config.llm.dry_run and config.llm.model:
        return config  # a dry run makes no model call: no API key needed
    return config.validate()
