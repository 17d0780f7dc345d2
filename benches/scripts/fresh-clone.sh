#!/usr/bin/env bash
# Times the README's commands as a new user meets them: a fresh clone of this repository's
# HEAD (commit first), crates already downloaded (`cargo fetch` is not timed), then the
# README's run command, the test suite, and the switches between them, counting the
# "Compiling" lines of each. After the first two, a command compiles only targets no earlier
# command built (the dev-profile sim-cli binary once, sim-benches' binaries once); a crate
# compiled again is a rebuild to fix.
#
#   benches/scripts/fresh-clone.sh            # prints one line per command
#
# docs/performance.md ("Build times") records what it printed, with the date and load.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
git clone -q "$repo" "$work/k8s-netsim"
cd "$work/k8s-netsim"
export CARGO_TARGET_DIR="$work/target"
cargo fetch -q

step() {
  local start end compiled
  start=$(date +%s.%N)
  compiled=$("$@" 2>&1 >/dev/null | grep -c '^ *Compiling ' || true)
  end=$(date +%s.%N)
  printf '%7.1f s  %3d compiled  %s\n' "$(echo "$end - $start" | bc)" "$compiled" "$*"
}

echo "$(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(git rev-parse --short HEAD)"
step cargo run --release -p sim-cli -- run scenarios/guestbook.ron
step cargo test --workspace
step cargo run --release -p sim-cli -- run scenarios/guestbook.ron
step cargo run -p sim-cli -- run scenarios/guestbook.ron
step cargo build --workspace
step cargo test --workspace
step cargo build -p sim-cli
step cargo run --release -p sim-cli -- run scenarios/guestbook.ron
