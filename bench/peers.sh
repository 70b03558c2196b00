#!/usr/bin/env bash
# netforge's bench and the same network in PyTorch (Debian's python3-torch) and in DL4J (bench/dl4j), back to back
# on this machine, then the ratios of training-step throughputs. A peer that cannot run here is named and skipped.
# Not run by CI. Usage: bench/peers.sh [MODEL] [BATCH] [STEPS]   (MODEL: mini-alexnet or alexnet2012)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
model=${1:-mini-alexnet}
batch=${2:-128}
steps=${3:-10}
threads=$(nproc)

train_rate() { grep '^train step' | sed -E 's/.*: ([0-9.]+) img\/s.*/\1/'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

ours=$("$here/bin/netforge" bench --model "$model" --batch "$batch" --steps "$steps" 2>/dev/null)
echo "$ours"
a=$(train_rate <<<"$ours")

if /usr/bin/python3 -c 'import torch' 2>/dev/null; then
  pytorch=$(/usr/bin/python3 "$here/bench/peers.py" --model "$model" --batch "$batch" --steps "$steps" --threads "$threads")
  echo "$pytorch"
  echo "training step: netforge / PyTorch = $(ratio "$a" "$(train_rate <<<"$pytorch")")"
else
  echo "PyTorch skipped: python3-torch is missing (apt-get install python3-torch)" >&2
fi

# DL4J is built apart from netforge (its own pom), so that netforge's build never sees DL4J's dependencies.
dl4j="$here/bench/dl4j"
if mvn -B -q -Dstyle.color=never -f "$dl4j/pom.xml" compile dependency:build-classpath -Dmdep.outputFile="$dl4j/target/classpath" >&2; then
  # ND4J's native code takes its thread count from OpenMP; the heap is small since its arrays live off-heap.
  deeplearning4j=$(OMP_NUM_THREADS=$threads java -Xmx4g -cp "$dl4j/target/classes:$(cat "$dl4j/target/classpath")" \
    dev.netforge.bench.dl4j.Dl4jBench --model "$model" --batch "$batch" --steps "$steps" 2>/dev/null)
  echo "$deeplearning4j"
  echo "training step: netforge / DL4J = $(ratio "$a" "$(train_rate <<<"$deeplearning4j")")"
else
  echo "DL4J skipped: its build in $dl4j failed (above)" >&2
fi
