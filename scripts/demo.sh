#!/bin/bash
# demo.sh - `make demo [DEMO=name]`: install what is missing, build, boot
# the VM and run the teaching demos on live page tables.
#   KERNEL=6.1|6.12 (default 6.12), LEVELS=4|5 (default 5)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)

"$top/scripts/deps.sh"
exec "$top/scripts/vm" -q --kernel "${KERNEL:-6.12}" --levels "${LEVELS:-5}" \
	-- ptscope-demo "$@"
