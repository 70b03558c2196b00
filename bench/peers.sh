#!/usr/bin/env bash
# netforge's bench and the same network in PyTorch (Debian's python3-torch), back to back on this machine,
# then the ratio of training-step throughputs. Not run by CI. Usage: bench/peers.sh [MODEL] [BATCH] [STEPS]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
model=${1:-mini-alexnet}
batch=${2:-128}
steps=${3:-10}
if ! /usr/bin/python3 -c 'import torch' 2>/dev/null; then
  echo "PyTorch missing: apt-get install python3-torch" >&2
  exit 2
fi
ours=$("$here/bin/netforge" bench --model "$model" --batch "$batch" --steps "$steps" 2>/dev/null)
theirs=$(/usr/bin/python3 "$here/bench/peers.py" --model "$model" --batch "$batch" --steps "$steps" --threads "$(nproc)")
echo "$ours"
echo "$theirs"
a=$(grep '^train step' <<<"$ours" | sed -E 's/.*: ([0-9.]+) img\/s.*/\1/')
b=$(grep '^train step' <<<"$theirs" | sed -E 's/.*: ([0-9.]+) img\/s.*/\1/')
echo "training step: netforge / PyTorch = $(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.2f", a / b }')"
