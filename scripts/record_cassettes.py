"""Record the llm-engine cassettes under cassettes/ from a running server.

Run through ``scripts/record_cassettes.sh``, which starts llama-cpp-python's
server with SmolLM2-135M, calls this script, records the seeds brief with the
CLI and stops the server. Usage: ``python scripts/record_cassettes.py [BASE_URL]
[SCENARIO ...]`` (default: every scenario in tests/llm_scenarios.py, ``ALL_SCENARIOS``).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

import llm_scenarios


def main(argv: list[str]) -> int:
    base_url = argv[0] if argv else llm_scenarios.RECORD_URL
    names = argv[1:] or list(llm_scenarios.ALL_SCENARIOS)
    for name in names:
        llm_scenarios.record(name, base_url)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
