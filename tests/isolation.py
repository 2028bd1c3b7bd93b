"""The environment a test gives a subprocess when it does not simply inherit ``os.environ``.

conftest.py points HOME and the XDG folders at a tmp folder for every test; a
subprocess started with an environment of its own keeps them through
:func:`isolated_env`, so it cannot fall back to the user's real home.
"""

from __future__ import annotations

import os

PRIVATE_DIRS = ("HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME")


def isolated_env(**extra: str) -> dict[str, str]:
    """PATH, HOME and the XDG folders of this test (all tmp), plus ``extra``."""
    env = {name: os.environ[name] for name in ("PATH", *PRIVATE_DIRS) if name in os.environ}
    return {**env, **extra}
