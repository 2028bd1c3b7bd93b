"""Offline token counting and sentence-boundary chunking."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest
import tiktoken.load
from hypothesis import given, settings
from hypothesis import strategies as st

from summarizer.models import Sentence
from summarizer.transport import tokens
from summarizer.transport.tokens import (
    FALLBACK_ENCODING,
    TOKENS_PER_MESSAGE,
    TOKENS_REPLY_PRIMING,
    OfflineEncodingError,
    count_messages,
    count_tokens,
    split_by_tokens,
)

QUAKE = "A magnitude 6.4 earthquake struck off Hualien early on Wednesday."


@pytest.fixture
def empty_tiktoken_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """tiktoken sees an empty cache: nothing but the bundled cl100k is available."""
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(tmp_path))
    tokens.load_encoding.cache_clear()
    tokens.encoding_for.cache_clear()
    yield
    tokens.load_encoding.cache_clear()
    tokens.encoding_for.cache_clear()


@pytest.mark.parametrize(
    ("model", "approximate"),
    [
        ("gpt-4", False),  # cl100k_base: bundled, exact
        ("gpt-3.5-turbo", False),
        ("text-embedding-3-small", False),
        ("local", True),  # a llama.cpp alias: unknown tokenizer
        ("SmolLM2-135M-Instruct", True),
        (None, True),
    ],
)
def test_count_tokens_encoding_choice(model: str | None, approximate: bool) -> None:
    count = count_tokens(QUAKE, model)
    assert count.encoding == FALLBACK_ENCODING
    assert count.approximate is approximate
    assert ("approximate" in count.note) is approximate
    reference = tiktoken.get_encoding(FALLBACK_ENCODING).encode(QUAKE)
    assert count.n == len(reference)


@pytest.mark.parametrize(
    ("text", "n"),
    [("hello world", 2), ("", 0), ("tiktoken is great!", 6)],  # OpenAI cookbook's example
)
def test_count_tokens_values(text: str, n: int) -> None:
    assert count_tokens(text, "gpt-4").n == n


def test_bundled_encoding_is_cl100k() -> None:
    """The cookbook's token ids for cl100k_base: the bundled file is the real thing."""
    encoding = tiktoken.get_encoding(FALLBACK_ENCODING)
    assert encoding.encode("tiktoken is great!") == [83, 1609, 5963, 374, 2294, 0]


def test_o200k_model_without_cached_file_falls_back_offline(
    empty_tiktoken_cache: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    reads: list[str] = []
    original = tiktoken.load.read_file

    def spy(blobpath: str) -> bytes:
        reads.append(blobpath)
        return original(blobpath)

    monkeypatch.setattr(tiktoken.load, "read_file", spy)
    count = count_tokens("Flood barriers held in Passau overnight.", "gpt-4o")
    assert not [r for r in reads if "://" in r]  # no download was even attempted
    assert count.approximate is True
    assert count.encoding == FALLBACK_ENCODING
    assert "approximate" in count.note


def test_special_token_text_is_counted_not_rejected() -> None:
    assert count_tokens("an article quoting <|endoftext|> literally", "gpt-4").n > 0


def test_downloads_are_refused_while_loading() -> None:
    with tokens._no_downloads(), pytest.raises(OfflineEncodingError):
        tiktoken.load.read_file("https://openaipublic.blob.core.windows.net/encodings/x.tiktoken")
    assert tiktoken.load.read_file.__name__ == "read_file"  # restored afterwards


@pytest.mark.parametrize(
    ("messages", "expected"),
    [
        # the OpenAI API reports 8 prompt tokens for this request on gpt-4 and gpt-3.5-turbo
        ([{"role": "user", "content": "Hello"}], 8),
        # user + 9 content tokens (Who/ won/ the/ Lower/ Sax/ony/ state/ election/?), 3 per
        # message, 3 priming the reply
        ([{"role": "user", "content": "Who won the Lower Saxony state election?"}], 16),
        (
            [
                {"role": "system", "content": "You summarise news."},
                {"role": "user", "content": "Quarterly revenue rose 12 percent to $4.1bn."},
                {"role": "assistant", "content": '{"events": []}'},
            ],
            39,
        ),
    ],
    ids=["hello", "one-message", "three-messages"],
)
def test_count_messages_matches_the_api_count(
    messages: list[dict[str, str]], expected: int
) -> None:
    count = count_messages(messages, "gpt-4")
    assert (count.n, count.approximate) == (expected, False)
    assert (TOKENS_PER_MESSAGE, TOKENS_REPLY_PRIMING) == (3, 3)  # the documented overhead


def test_count_messages_counts_names() -> None:
    plain = [{"role": "user", "content": "Rain totals topped 300 mm."}]
    named = [{"role": "user", "name": "desk", "content": "Rain totals topped 300 mm."}]
    extra = count_messages(named, "gpt-4").n - count_messages(plain, "gpt-4").n
    assert extra == count_tokens("desk", "gpt-4").n + 1


# --------------------------------------------------------------------------- chunking

FLOOD = [
    "Heavy rain swelled the Oder through Tuesday night.",
    "Authorities in Opole ordered 2,000 residents to leave low-lying streets.",
    "The river peaked at 7.9 metres on Wednesday morning, the highest since 1997.",
    "Volunteers filled sandbags outside the cathedral.",
    "Rail services between Wroclaw and Opole were suspended.",
    "The prime minister said emergency funds of 1 billion zloty would be released.",
    "Forecasters expect the crest to reach Wroclaw by Friday.",
]


def sentences(texts: list[str]) -> list[Sentence]:
    out, pos = [], 0
    for i, text in enumerate(texts):
        out.append(Sentence(source_id="flood", index=i, start=pos, end=pos + len(text), text=text))
        pos += len(text) + 1
    return out


def cost(sentence: Sentence) -> int:
    return count_tokens(sentence.text).n + 1


def check_chunks(
    chunks: list[list[Sentence]], given: list[Sentence], budget: int, overlap: int
) -> None:
    seen = [s.index for chunk in chunks for s in chunk]
    assert sorted(set(seen)) == [s.index for s in given]  # every sentence, none invented
    for chunk in chunks:
        indices = [s.index for s in chunk]
        assert indices == sorted(indices) and len(set(indices)) == len(indices)
        assert sum(cost(s) for s in chunk) <= budget or len(chunk) == 1
    for prev, nxt in itertools.pairwise(chunks):
        repeated = [s.index for s in nxt if s.index <= prev[-1].index]
        assert len(repeated) <= overlap
        assert repeated == [s.index for s in prev][len(prev) - len(repeated) :]
        assert nxt[-1].index > prev[-1].index  # progress


@pytest.mark.parametrize(
    ("budget", "overlap", "n_chunks"),
    [
        (10_000, 1, 1),  # fits: one chunk
        (60, 1, None),
        (60, 0, None),
        (45, 2, None),
        (25, 1, None),
    ],
)
def test_split_by_tokens_table(budget: int, overlap: int, n_chunks: int | None) -> None:
    given_sentences = sentences(FLOOD)
    chunks = split_by_tokens(given_sentences, budget, overlap)
    check_chunks(chunks, given_sentences, budget, overlap)
    if n_chunks is not None:
        assert len(chunks) == n_chunks
    else:
        assert len(chunks) > 1


def test_split_overlaps_one_sentence() -> None:
    chunks = split_by_tokens(sentences(FLOOD), 60, 1)
    for prev, nxt in itertools.pairwise(chunks):
        assert nxt[0] == prev[-1]


def test_split_without_overlap_is_a_partition() -> None:
    given_sentences = sentences(FLOOD)
    chunks = split_by_tokens(given_sentences, 40, 0)
    assert [s for chunk in chunks for s in chunk] == given_sentences


def test_oversized_sentence_goes_alone() -> None:
    long = "The ministry listed " + ", ".join(f"district {i}" for i in range(80)) + "."
    given_sentences = sentences([FLOOD[0], long, FLOOD[1]])
    chunks = split_by_tokens(given_sentences, 30, 1)
    assert [given_sentences[1]] in chunks
    check_chunks(chunks, given_sentences, 30, 1)


@pytest.mark.parametrize(("budget", "overlap"), [(0, 1), (10, -1)])
def test_split_rejects_bad_arguments(budget: int, overlap: int) -> None:
    with pytest.raises(ValueError):
        split_by_tokens(sentences(FLOOD), budget, overlap)


def test_split_empty() -> None:
    assert split_by_tokens([], 100) == []


@settings(max_examples=60, deadline=None)
@given(
    texts=st.lists(st.text(min_size=1, max_size=80), min_size=1, max_size=25),
    budget=st.integers(min_value=1, max_value=120),
    overlap=st.integers(min_value=0, max_value=3),
)
def test_split_properties(texts: list[str], budget: int, overlap: int) -> None:
    given_sentences = sentences(texts)
    check_chunks(
        split_by_tokens(given_sentences, budget, overlap), given_sentences, budget, overlap
    )
