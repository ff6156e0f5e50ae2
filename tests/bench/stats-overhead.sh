#!/bin/sh
# stats-overhead.sh - run the statistics overhead benchmark in the VM on
# each kernel and print its table.  See tests/bench/stats-overhead.c.
#
#   tests/bench/stats-overhead.sh [ROUNDS [MIB]]
#
# Runs under TCG, so absolute times are an emulator's; the ratios are what
# the benchmark is for.  KERNELS overrides the list ("6.1 6.12").
cd "$(dirname "$0")/../.." || exit 2
rounds=${1:-7}
mib=${2:-1024}
status=0
for k in ${KERNELS:-6.1 6.12}; do
	echo "== kernel $k, 5-level paging, 2 vCPUs (TCG)"
	scripts/vm -q --kernel "$k" -- stats-overhead "$rounds" "$mib" || status=1
done
exit $status
