#!/usr/bin/env bash
# netforge's bench and the same network in PyTorch (Debian's python3-torch) and in DL4J (bench/dl4j), back to back
# on this machine, then the ratios of training-step throughputs. A peer that cannot run here is named and skipped.
# Not run by CI.
# Usage: bench/peers.sh [MODEL] [BATCH] [STEPS]   (MODEL: mini-alexnet, alexnet2012 or alexnet-torchvision)
#        bench/peers.sh goals [STEPS] [BATCH] [ROUNDS]  issue 17's goals in one run: each network against PyTorch (batch
#                                                 128, 2 alternating rounds unless given), each round's ratios and
#                                                 netforge's fraction of peak beside the bars, then per network its
#                                                 ratios' range and median and in how many rounds it met its bar;
#                                                 installs Debian's python3-torch, tcmalloc and OpenBLAS first
#                                                 where they are missing
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
threads=$(nproc)

train_rate() { grep '^train step' | sed -E 's/.*: ([0-9.]+) img\/s.*/\1/'; }
forward_rate() { grep '^forward' | sed -E 's/.*: ([0-9.]+) img\/s.*/\1/'; }
peak_share() { grep '^train step' | sed -E 's/.* ([0-9.]+)% of peak.*/\1/'; }
# How many of bench's boxing warnings name the pass $1 ("train step" or "forward").
boxed() { grep -c "^warning: $1.* allocated per step" || true; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
# "training step N×–M× PyTorch, median K×, bar B× met in X of Y rounds" for bar $1 and the rounds' ratios after it.
tally() {
  local bar=$1
  shift
  printf '%s\n' "$@" | sort -g | awk -v bar="$bar" '
    { r[NR] = $1; met += ($1 >= bar) }
    END {
      median = NR % 2 ? r[(NR + 1) / 2] : (r[NR / 2] + r[NR / 2 + 1]) / 2
      printf "training step %s×–%s× PyTorch, median %.2f×, bar %s× met in %d of %d rounds\n", r[1], r[NR], median, bar, met, NR
    }'
}
netforge() { "$here/bin/netforge" bench --model "$1" --batch "$2" --steps "$3" 2>/dev/null; }
# PyTorch at its best here: as many threads as cores, OpenBLAS left to pick its own kernels, and tcmalloc, as
# PyTorch's CPU tuning guide advises: under glibc's malloc PyTorch returns its large buffers to the kernel and faults
# them in again every step (AlexNetTorchvision's step took 2.8x as long, a third of its CPU time in the kernel, on Zen 5).
tcmalloc=/usr/lib/x86_64-linux-gnu/libtcmalloc_minimal.so.4
pytorch() {
  env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE ${tcmalloc_preload:+LD_PRELOAD=$tcmalloc_preload} \
    /usr/bin/python3 "$here/bench/peers.py" --model "$1" --batch "$2" --steps "$3" --threads "$threads"
}
has_pytorch() { /usr/bin/python3 -c 'import torch' 2>/dev/null; }
# What keeps PyTorch from its best here, one line each (none when nothing does).
pytorch_handicaps() {
  [[ -f $tcmalloc ]] || echo "tcmalloc is missing (apt-get install libtcmalloc-minimal4): PyTorch would run on glibc's malloc"
  /usr/bin/python3 -c 'import torch; torch.mm(torch.ones(8, 8), torch.ones(8, 8))
import sys; sys.exit(any("openblas" in l or "libmkl" in l for l in open("/proc/self/maps")))' &&
    echo "PyTorch runs on the reference BLAS (apt-get install libopenblas0-pthread)" || true
}
# The Debian packages that PyTorch at its best needs here and that are missing, one per line: PyTorch itself, tcmalloc,
# and an OpenBLAS for PyTorch's BLAS to resolve to (any of Debian's builds will do; pthread's is the one installed).
missing_peer_packages() {
  has_pytorch || echo python3-torch
  [[ -f $tcmalloc ]] || echo libtcmalloc-minimal4
  dpkg-query -W -f '${Status}\n' 'libopenblas0-*' 2>/dev/null | grep -q '^install ok installed' || echo libopenblas0-pthread
}
# The goals are ratios to PyTorch, so a goals run installs what it lacks (as bin/main-job installs the data set:
# apt-get, as root or through sudo) rather than stopping on a fresh machine; elsewhere what is missing is only named.
install_peer_packages() {
  local packages
  packages=$(missing_peer_packages)
  [[ -n $packages ]] || return 0
  local sudo=""
  [[ $(id -u) -eq 0 ]] || sudo=sudo
  if ! command -v apt-get >/dev/null || { [[ -n $sudo ]] && ! command -v sudo >/dev/null; }; then
    echo "cannot install the peers' packages here (no apt-get, or neither root nor sudo): $(echo $packages)" >&2
    return 0
  fi
  echo "Installing what PyTorch needs to run at its best: $(echo $packages)" >&2
  $sudo apt-get update -qq >&2
  # shellcheck disable=SC2086 # one word per package
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq $packages >&2
}
[[ ${1:-} != goals ]] || install_peer_packages
tcmalloc_preload=$([[ -f $tcmalloc ]] && echo "$tcmalloc" || true)

if [[ ${1:-} == goals ]]; then
  has_pytorch || { echo "PyTorch is missing (apt-get install python3-torch): the goals are ratios to it" >&2; exit 1; }
  handicaps=$(pytorch_handicaps)
  [[ -z $handicaps ]] || { echo "$handicaps; the goals are ratios to PyTorch at its best" >&2; exit 1; }
  steps=${2:-5}
  batch=${3:-128}
  rounds=${4:-2}
  summary=()
  tallies=()
  # network, PyTorch's counterpart, training-step bar, forward bar (- for none), fraction-of-peak bar (- for none)
  for goal in "alexnet-torchvision 1.5 1.5 -" "alexnet2012 3 - 60" "mini-alexnet 2.5 - -"; do
    read -r model train_bar forward_bar peak_bar <<<"$goal"
    # netforge and PyTorch in alternating rounds: this host's speed changes by the minute (the same step 1.4x slower),
    # so each ratio is of two commands run back to back, and every round is reported, none picked.
    ratios=()
    boxed_rounds=0
    for round in $(seq "$rounds"); do
      ours=$(netforge "$model" "$batch" "$steps")
      echo "$ours"
      theirs=$(pytorch "$model" "$batch" "$steps")
      echo "$theirs"
      ratios+=("$(ratio "$(train_rate <<<"$ours")" "$(train_rate <<<"$theirs")")")
      line="$model, round $round: training step ${ratios[-1]}× PyTorch (bar ${train_bar}×)"
      line+=", forward $(ratio "$(forward_rate <<<"$ours")" "$(forward_rate <<<"$theirs")")×"
      [[ $forward_bar == - ]] || line+=" (bar ${forward_bar}×)"
      line+=", netforge at $(peak_share <<<"$ours")% of peak"
      [[ $peak_bar == - ]] || line+=" (bar ${peak_bar}%)"
      [[ $(boxed 'train step' <<<"$ours") == 0 ]] || {
        line+=" — netforge's training step ran boxed vectors this round (bench's warning above): not its speed"
        boxed_rounds=$((boxed_rounds + 1))
      }
      [[ $(boxed forward <<<"$ours") == 0 ]] || line+=" — netforge's forward pass ran boxed vectors this round (bench's warning above): its forward ratio is not its speed"
      summary+=("$line")
    done
    tallies+=("$model: $(tally "$train_bar" "${ratios[@]}")$([[ $boxed_rounds == 0 ]] || echo " ($boxed_rounds of them boxed)")")
  done
  echo "== issue 17's goals, batch $batch, $threads threads, $(date -u '+%F %H:%M') UTC"
  printf '%s\n' "${summary[@]}"
  # A bar the host's swing decides round by round is only met when every round meets it: the tally says how often.
  printf '%s\n' "${tallies[@]}"
  exit 0
fi

model=${1:-mini-alexnet}
batch=${2:-128}
steps=${3:-10}
ours=$(netforge "$model" "$batch" "$steps")
echo "$ours"
a=$(train_rate <<<"$ours")

if has_pytorch; then
  pytorch_handicaps >&2
  theirs=$(pytorch "$model" "$batch" "$steps")
  echo "$theirs"
  echo "training step: netforge / PyTorch = $(ratio "$a" "$(train_rate <<<"$theirs")")"
else
  echo "PyTorch skipped: python3-torch is missing (apt-get install python3-torch)" >&2
fi

# DL4J is built apart from netforge (its own pom), so that netforge's build never sees DL4J's dependencies.
dl4j="$here/bench/dl4j"
if [[ $model == alexnet-torchvision ]]; then
  echo "DL4J skipped: bench/dl4j has no alexnet-torchvision" >&2
elif mvn -B -q -Dstyle.color=never -f "$dl4j/pom.xml" compile dependency:build-classpath -Dmdep.outputFile="$dl4j/target/classpath" >&2; then
  # ND4J's native code takes its thread count from OpenMP; the heap is small since its arrays live off-heap.
  deeplearning4j=$(OMP_NUM_THREADS=$threads java -Xmx4g -cp "$dl4j/target/classes:$(cat "$dl4j/target/classpath")" \
    dev.netforge.bench.dl4j.Dl4jBench --model "$model" --batch "$batch" --steps "$steps" 2>/dev/null)
  echo "$deeplearning4j"
  echo "training step: netforge / DL4J = $(ratio "$a" "$(train_rate <<<"$deeplearning4j")")"
else
  echo "DL4J skipped: its build in $dl4j failed (above)" >&2
fi
