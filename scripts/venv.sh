# Sourced by ./calendar-service and ./run-tests: make sure .venv exists and holds the pinned
# packages of the requirements file named in $1. Reinstalls only when that file changes.
# Needs Python 3.11 or newer as python3 (or set PYTHON=/path/to/python3.11).
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
requirements="$root/$1"
venv="${CALENDAR_SERVICE_VENV:-$root/.venv}"
python="${PYTHON:-python3}"

if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    echo "calendar_service needs Python 3.11 or newer; set PYTHON=/path/to/python3.11" >&2
    exit 2
fi
if [ ! -x "$venv/bin/python" ]; then
    echo "setting up $venv (first run) ..." >&2
    "$python" -m venv "$venv"
fi
stamp="$venv/.installed-$(basename "$requirements")"
wanted="$(cat "$requirements" "$root/requirements.txt" | sha256sum | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$wanted" ]; then
    echo "installing $(basename "$requirements") into $venv ..." >&2
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements" >&2
    echo "$wanted" > "$stamp"
fi
