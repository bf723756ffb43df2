#!/usr/bin/env bash
# Builds the installable program: a wheel and an sdist in dist/, checked by installing the
# wheel into a throw-away virtual environment and running `orderdesk --version`.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv /tmp/orderdesk-build && /tmp/orderdesk-build/bin/pip install -q build
/tmp/orderdesk-build/bin/python -m build --outdir dist .
python3 -m venv /tmp/orderdesk-try && /tmp/orderdesk-try/bin/pip install -q dist/orderdesk-*.whl
/tmp/orderdesk-try/bin/orderdesk --version
echo "Desktop entry: install resources/orderdesk.desktop to ~/.local/share/applications/"
