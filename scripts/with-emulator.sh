#!/usr/bin/env bash
# Run a command with the local MediaStore endpoint up, then stop the endpoint whatever the outcome.
#
#   scripts/with-emulator.sh COMMAND [ARGS...]
#
# Starts `mediastore-emulator` on 127.0.0.1:$MEDIASTORE_EMULATOR_PORT (default 4599), waits for its
# ready line, and runs COMMAND with MEDIASTORE_EMULATOR_URL (and MEDIASTORE_ENDPOINT_URL) set to its
# base URL.  If MEDIASTORE_EMULATOR_URL is already set, that endpoint is used and nothing is started.
# Extra endpoint options can be given in MEDIASTORE_EMULATOR_ARGS (e.g. "--create-delay 0").
set -euo pipefail

if [[ $# -eq 0 ]]; then
    echo "usage: $0 COMMAND [ARGS...]" >&2
    exit 2
fi

if [[ -n "${MEDIASTORE_EMULATOR_URL:-}" ]]; then
    export MEDIASTORE_ENDPOINT_URL="${MEDIASTORE_ENDPOINT_URL:-$MEDIASTORE_EMULATOR_URL}"
    exec "$@"
fi

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
emulator="${MEDIASTORE_EMULATOR:-$here/.venv/bin/mediastore-emulator}"
port="${MEDIASTORE_EMULATOR_PORT:-4599}"
ready_timeout="${MEDIASTORE_EMULATOR_READY_TIMEOUT:-30}"

if [[ ! -x "$emulator" ]]; then
    echo "with-emulator: $emulator not found; run 'make setup' (it installs tests/emulator)" >&2
    exit 1
fi

log_dir="$here/.build"
mkdir -p "$log_dir"
# One log per run; kept when something failed, so the endpoint's side of a failure can be read.
log="$log_dir/emulator-$port.$$.log"

# shellcheck disable=SC2086  # MEDIASTORE_EMULATOR_ARGS is a list of options
"$emulator" --host 127.0.0.1 --port "$port" ${MEDIASTORE_EMULATOR_ARGS:-} >"$log" 2>&1 &
emulator_pid=$!

stop_emulator() {
    if kill -0 "$emulator_pid" 2>/dev/null; then
        kill -TERM "$emulator_pid" 2>/dev/null || true
        for _ in $(seq 1 50); do
            kill -0 "$emulator_pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL "$emulator_pid" 2>/dev/null || true
    fi
    wait "$emulator_pid" 2>/dev/null || true
}
on_exit() {
    local status=$?
    stop_emulator
    if [[ $status -eq 0 ]]; then
        rm -f "$log"
    else
        echo "with-emulator: the endpoint's log is $log" >&2
    fi
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

url=""
for _ in $(seq 1 $((ready_timeout * 10))); do
    if ! kill -0 "$emulator_pid" 2>/dev/null; then
        echo "with-emulator: mediastore-emulator exited before it was ready (port $port in use?):" >&2
        cat "$log" >&2
        exit 1
    fi
    line="$(grep -m1 '^mediastore-emulator listening on ' "$log" || true)"
    if [[ -n "$line" ]]; then
        url="${line##* }"
        break
    fi
    sleep 0.1
done
if [[ -z "$url" ]]; then
    echo "with-emulator: no ready line from mediastore-emulator within ${ready_timeout}s:" >&2
    cat "$log" >&2
    exit 1
fi

echo "with-emulator: local endpoint at $url (pid $emulator_pid, log $log)"
export MEDIASTORE_EMULATOR_URL="$url"
export MEDIASTORE_ENDPOINT_URL="$url"
set +e
"$@"
status=$?
set -e
exit "$status"
