#!/usr/bin/env bash
# `make lint-oca` (also run by `make test`): OCA conformance of the add-ons with the hooks and
# pinned versions of .pre-commit-config.yaml (pylint-odoo with OCA's 18.0 configuration,
# oca-checks-odoo-module, oca-checks-po). Installs the pinned tools of requirements-lint.txt
# into .venv-oca-lint/ when missing or out of date, then fails on any finding.
# Arguments narrow the check to files or folders: bash scripts/lint_oca.sh addons/customer_scoring
source "$(dirname "$0")/lib.sh"

VENV="$ROOT/.venv-oca-lint"
stamp="$VENV/.requirements-lint.cksum"
want="$(cksum <"$ROOT/requirements-lint.txt")"
if [ ! -x "$VENV/bin/python" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    log "Installing the OCA linters of requirements-lint.txt into $VENV"
    rm -rf "$VENV"
    "$PYTHON" -m venv "$VENV" || die "could not create $VENV (python3 -m venv; Debian: apt-get install python3-venv)"
    # pip's notes about this machine's extra local indexes are noise here.
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r "$ROOT/requirements-lint.txt" \
        2> >(grep -v '^WARNING: Location' >&2) || die "pip install -r requirements-lint.txt failed"
    echo "$want" >"$stamp"
fi
log "OCA linters (pylint-odoo, oca-checks-odoo-module, oca-checks-po)"
"$VENV/bin/python" "$ROOT/scripts/lint_oca.py" --bin "$VENV/bin" "$@"
