"""Prompt templates: load ``prompts/*.j2`` and render them with StrictUndefined.

Templates live in the top-level ``prompts/`` folder, installed as the package
``summarizer.prompts`` (see ``[tool.setuptools.package-dir]`` in pyproject.toml),
and are loaded through :mod:`importlib.resources` so that both editable and
regular installs work.

Article text only ever enters a template as a variable (never as template
source) and passes through the ``fence`` filter, which neutralises anything that
would close or open the ``<article>`` fence around it. A missing variable raises
:class:`jinja2.UndefinedError` instead of rendering as empty text.

Each template has a ``system`` and a ``user`` block: :func:`render_messages`
turns them into chat messages; :func:`render_prompt` renders the whole template
as one string (for tests and token estimates).
"""

from __future__ import annotations

import hashlib
import json
import re
from functools import lru_cache
from importlib import resources
from typing import Any

import jinja2
from jinja2 import meta

from summarizer.transport.backend import Message

PROMPTS_PACKAGE = "summarizer.prompts"
_FENCE_TAG = re.compile(r"<(\s*/?\s*)(article|timeline|claims)\b", re.IGNORECASE)


def fence(text: object) -> str:
    """Article text made safe to sit inside an ``<article>`` fence.

    Any ``<article``, ``</article`` (and the other fence tags) inside the text
    loses its ``<``, so the text cannot close its own fence.
    """
    # str() of a StrictUndefined raises UndefinedError: a missing variable stays an error.
    return _FENCE_TAG.sub(lambda m: f"‹{m.group(1)}{m.group(2)}", str(text))


def _tojson_compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _template_source(name: str) -> str:
    return resources.files(PROMPTS_PACKAGE).joinpath(f"{name}.j2").read_text(encoding="utf-8")


class _PromptLoader(jinja2.BaseLoader):
    """Loads ``NAME`` from ``prompts/NAME.j2`` via importlib.resources."""

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str | None, None]:
        try:
            source = _template_source(template)
        except FileNotFoundError as exc:
            raise jinja2.TemplateNotFound(template) from exc
        return source, None, None


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """The shared jinja2 environment (StrictUndefined, no autoescape: plain text)."""
    env = jinja2.Environment(
        loader=_PromptLoader(),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=False,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["fence"] = fence
    env.filters["compact_json"] = _tojson_compact
    return env


def render_prompt(name: str, **variables: Any) -> str:
    """The whole template ``prompts/NAME.j2`` rendered with ``variables``."""
    return environment().get_template(name).render(**variables).strip()


def _render_block(template: jinja2.Template, block: str, variables: dict[str, Any]) -> str:
    context = template.new_context(variables)
    return "".join(template.blocks[block](context)).strip()


def render_messages(name: str, **variables: Any) -> tuple[Message, ...]:
    """Chat messages from the template's ``system`` and ``user`` blocks."""
    template = environment().get_template(name)
    # Render the whole template once so that StrictUndefined checks every variable.
    template.render(**variables)
    return (
        {"role": "system", "content": _render_block(template, "system", variables)},
        {"role": "user", "content": _render_block(template, "user", variables)},
    )


def template_variables(name: str) -> frozenset[str]:
    """The variables ``prompts/NAME.j2`` uses (for the tests that pin them)."""
    env = environment()
    ast = env.parse(_template_source(name))
    return frozenset(meta.find_undeclared_variables(ast))


def template_hash(name: str) -> str:
    """A short hash of the template source, for cache keys."""
    return hashlib.sha256(_template_source(name).encode("utf-8")).hexdigest()[:16]
