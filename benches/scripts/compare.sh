#!/usr/bin/env bash
# Hold model, k8s-netsim against ns-3's three schedulers, interleaved: for each queue size,
# REPS rounds of (ns-3 Map, ns-3 Heap, ns-3 PriorityQueue, k8s-netsim) back to back, then the
# median of each. Interleaving keeps a noisy shared machine's drift out of the ratios.
# Usage: benches/scripts/compare.sh [REPS] [EVENTS]   (default 5 rounds of 3000000 events)
set -euo pipefail
cd "$(dirname "$0")/../.."
reps=${1:-5}
events=${2:-3000000}
shared=../shared/bench/ns3-hold
bash "$shared/run.sh" 1 >/dev/null            # installs libns3-dev and builds the ns-3 binary
ns3=${TMPDIR:-/tmp}/ns3-hold
cargo build --profile perf -q -p sim-benches
ours=target/perf/hold
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
rate() { grep -o '[0-9.]* M events/s' | cut -d' ' -f1; }
echo "# $(date -u +%FT%TZ), $(nproc) cores,$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2); $reps rounds of $events events; medians in M events/s"
printf '%-9s %8s %8s %8s %10s %s\n' pending ns3-Map ns3-Heap ns3-PQ k8s-netsim "ratio to fastest ns-3"
for pending in 1000 100000 1000000; do
  : >/tmp/cmp-map; : >/tmp/cmp-heap; : >/tmp/cmp-pq; : >/tmp/cmp-ours
  for _ in $(seq "$reps"); do
    "$ns3" ns3::MapScheduler "$pending" "$events" | rate >>/tmp/cmp-map
    "$ns3" ns3::HeapScheduler "$pending" "$events" | rate >>/tmp/cmp-heap
    "$ns3" ns3::PriorityQueueScheduler "$pending" "$events" | rate >>/tmp/cmp-pq
    "$ours" --pending "$pending" --events "$events" | rate >>/tmp/cmp-ours
  done
  map=$(median </tmp/cmp-map); heap=$(median </tmp/cmp-heap); pq=$(median </tmp/cmp-pq); us=$(median </tmp/cmp-ours)
  best=$(printf '%s\n' "$map" "$heap" "$pq" | sort -g | tail -1)
  printf '%-9s %8s %8s %8s %10s %.1fx\n' "$pending" "$map" "$heap" "$pq" "$us" "$(awk -v a="$us" -v b="$best" 'BEGIN {print a / b}')"
done
