#!/usr/bin/env bash
# Create/refresh the project virtualenv (.venv in the repo root) and install cogov
# in editable mode.
#
#   bash scripts/bootstrap.sh                      # core deps only
#   bash scripts/bootstrap.sh dev,sweep            # with extras
#   bash scripts/bootstrap.sh dev,sweep,dashboard,browser,notebooks
#
# Idempotent: the install is skipped when .venv/.cogov-stamp records the same hash of
# pyproject.toml + extras + interpreter. Set COGOV_PYTHON=/path/to/python3.12 to force
# an interpreter, COGOV_FORCE=1 to force a reinstall.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO_ROOT"

VENV="$REPO_ROOT/.venv"
STAMP="$VENV/.cogov-stamp"
EXTRAS="${1:-}"
EXTRAS="${EXTRAS// /}"

log() { echo "[bootstrap] $*" >&2; }

# Prints "MAJOR MINOR" if $1 runs and can make venvs; fails otherwise.
py_version() {
    "$1" -c 'import sys, venv, ensurepip; print(sys.version_info[0], sys.version_info[1])' \
        2>/dev/null </dev/null
}

find_python() {
    local candidates=() c ver major minor first_ok=""
    if [[ -n "${COGOV_PYTHON:-}" ]]; then
        candidates+=("$COGOV_PYTHON")
    fi
    for c in python3.14 python3.13 python3.12 python3; do
        if command -v "$c" >/dev/null 2>&1; then
            candidates+=("$(command -v "$c")")
        fi
    done
    shopt -s nullglob
    for c in /root/.pyenv/versions/*/bin/python3.1[2-9]* \
             "${PYENV_ROOT:-$HOME/.pyenv}"/versions/*/bin/python3.1[2-9]* \
             /usr/local/bin/python3.1* /usr/bin/python3.1*; do
        if [[ "$c" != *-config && -x "$c" ]]; then candidates+=("$c"); fi
    done
    shopt -u nullglob

    for c in "${candidates[@]}"; do
        # pyenv shims may exist on PATH but fail with "command not found": actually run it.
        ver="$(py_version "$c")" || continue
        read -r major minor <<<"$ver"
        if (( major == 3 && minor >= 12 )); then
            if [[ -n "${COGOV_PYTHON:-}" && "$c" == "$COGOV_PYTHON" ]]; then
                echo "$c"; return 0
            fi
            if (( minor == 12 )); then
                echo "$c"; return 0        # preferred
            fi
            if [[ -z "$first_ok" ]]; then first_ok="$c"; fi
        fi
    done
    if [[ -n "$first_ok" ]]; then
        echo "$first_ok"; return 0
    fi
    return 1
}

venv_ok() {
    [[ -x "$VENV/bin/python" ]] || return 1
    "$VENV/bin/python" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' \
        >/dev/null 2>&1 </dev/null
}

# pip on this kind of machine warns about configured-but-missing local index dirs; hide
# just that noise, keep everything else (errors included) and pip's exit status.
pip_quiet() {
    { "$VENV/bin/python" -m pip "$@" 2>&1; } \
        | { grep -v "is ignored: it is neither a file nor a directory" || true; }
}

# --- 1. virtualenv -------------------------------------------------------------------
if ! venv_ok; then
    if ! PY="$(find_python)"; then
        cat >&2 <<'EOF'
[bootstrap] ERROR: no working Python >= 3.12 found (Mesa 3.5 needs it).
  Looked at: python3.14/3.13/3.12/python3 on PATH, ~/.pyenv/versions/*/bin/python3.1[2-9]*,
             /usr/local/bin/python3.1*, /usr/bin/python3.1*
  Install one, e.g.:  pyenv install 3.12   or   apt-get install python3.12 python3.12-venv
  or point COGOV_PYTHON at an interpreter:  COGOV_PYTHON=/path/to/python3.12 bash scripts/bootstrap.sh
EOF
        exit 1
    fi
    if [[ -e "$VENV" ]]; then
        log "existing .venv is broken or older than Python 3.12; recreating"
        rm -rf "$VENV"
    fi
    log "creating .venv with $PY ($("$PY" -V 2>&1))"
    "$PY" -m venv "$VENV"
fi

# --- 2. install (skipped when the stamp matches) ----------------------------------------
spec="."
if [[ -n "$EXTRAS" ]]; then spec=".[$EXTRAS]"; fi

want_stamp="$(
    {
        cat pyproject.toml
        echo "extras=$EXTRAS"
        "$VENV/bin/python" -VV
        # editable-install layout depends on these (sim/ may appear after the first run)
        if [[ -d sim ]]; then echo "sim-present"; fi
        if [[ -f sim/__init__.py ]]; then echo "sim-init-present"; fi
    } | sha256sum | cut -d' ' -f1
)"

installed_ok() {
    [[ -z "${COGOV_FORCE:-}" ]] || return 1
    [[ -f "$STAMP" && "$(cat "$STAMP")" == "$want_stamp" ]] || return 1
    # The editable install must still resolve `sim` (run isolated from the repo cwd).
    if [[ -d sim ]]; then
        (cd / && "$VENV/bin/python" -I -c \
            'import importlib.util, sys; sys.exit(importlib.util.find_spec("sim") is None)') \
            >/dev/null 2>&1 </dev/null || return 1
    fi
    return 0
}

# The day's kernels are compiled once per source tree and cached (sim/jit.py): ~30 s
# the first time, ~0.3 s after. Done here so the first run or test does not wait.
warm_kernels() {
    if [[ -f sim/__init__.py ]]; then
        "$VENV/bin/python" -c 'import sim; print(f"[bootstrap] kernels ready in {sim.jit.warm():.1f} s")' \
            </dev/null >&2
    fi
}

if installed_ok; then
    log "up to date (extras: ${EXTRAS:-none}); skipping pip install"
    warm_kernels
    exit 0
fi

rm -f "$STAMP"
log "upgrading pip"
pip_quiet install -q --upgrade pip
log "installing -e '$spec' (this can take a few minutes on a cold venv)"
pip_quiet install -q --progress-bar off -e "$spec"
echo "$want_stamp" >"$STAMP"
log "done ($("$VENV/bin/python" -V 2>&1), extras: ${EXTRAS:-none})"
warm_kernels
