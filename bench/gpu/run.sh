#!/usr/bin/env bash
# The GPU figure of issue 25 in one go, on a GPU machine as it is:
#
#   bench/gpu/run.sh            # the real sizes: LSTM 32 and 256, batch 128 and 512
#   bench/gpu/run.sh --quick    # tiny sizes: checks the script end to end (any CPU)
#   BENCH_ARGS="--units 32 --batch 128" bench/gpu/run.sh --quick   # tinier still
#
# What it does, with no network: installs the wheels carried in .whl/ (bench/gpu/prepare.sh
# fetched them) into /tmp/site when there are any; records nvidia-smi and `rnntui doctor
# --json`; then runs bench/bench_gpu_lstm.py (rnntui's engine, plain Keras on the same
# backend, a plain PyTorch nn.LSTM loop) on each Keras backend in $BENCH_BACKENDS (default:
# tensorflow where it is installed, else torch), one after the other, each under a share of
# $BENCH_LIMIT seconds (default 480: inside a 10-minute call). Everything it writes goes to
# $OUT (default ./bench-gpu-out): nvidia-smi.txt, doctor.json, bench-BACKEND.log and
# bench-BACKEND.json, summary.txt. Whatever happens, it exits 0 with what it has.
set -u
cd "$(dirname "$0")/../.."
ROOT=$PWD
OUT=${OUT:-$ROOT/bench-gpu-out}
mkdir -p "$OUT"
PY=${PYTHON:-python3}
LIMIT=${BENCH_LIMIT:-480}
QUICK=()
[ "${1:-}" = "--quick" ] && QUICK=(--quick)
export PYTHONUNBUFFERED=1 TF_CPP_MIN_LOG_LEVEL=2
export RNNTUI_HOME=${RNNTUI_HOME:-$(mktemp -d)}
started=$(date +%s)

if ls .whl/*.whl >/dev/null 2>&1; then
    $PY -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade \
        --target /tmp/site .whl/*.whl > "$OUT/pip.log" 2>&1 \
        && export PYTHONPATH=/tmp/site${PYTHONPATH:+:$PYTHONPATH} \
        || echo "installing the carried wheels failed: see pip.log" | tee -a "$OUT/summary.txt"
fi
export PYTHONPATH=$ROOT${PYTHONPATH:+:$PYTHONPATH}

{ nvidia-smi || echo "(no nvidia-smi)"; } > "$OUT/nvidia-smi.txt" 2>&1
timeout 90 $PY -m rnntui.cli doctor --json --timeout 60 > "$OUT/doctor.json" 2> "$OUT/doctor.err" \
    || echo "rnntui doctor failed or timed out: see doctor.err" | tee -a "$OUT/summary.txt"

if [ -z "${BENCH_BACKENDS:-}" ]; then
    if $PY -c "import tensorflow" > /dev/null 2>&1; then BENCH_BACKENDS=tensorflow
    else BENCH_BACKENDS=torch; fi
fi
read -r -a backends <<< "$BENCH_BACKENDS"
for i in "${!backends[@]}"; do
    backend=${backends[$i]}
    left=$(( LIMIT - ($(date +%s) - started) ))
    share=$(( left / (${#backends[@]} - i) ))
    if [ "$share" -lt 30 ]; then
        echo "$backend: skipped, ${left} s left" | tee -a "$OUT/summary.txt"; continue
    fi
    echo "== $backend (at most ${share} s)" | tee -a "$OUT/summary.txt"
    timeout --kill-after=10 "$share" $PY bench/bench_gpu_lstm.py "${QUICK[@]}" \
        --backend "$backend" --child-timeout "$share" --out "$OUT/bench-$backend.json" \
        ${BENCH_ARGS:-} \
        > "$OUT/bench-$backend.log" 2>&1
    code=$?
    grep -v '^{' "$OUT/bench-$backend.log" | tail -n 25 | tee -a "$OUT/summary.txt"
    [ $code -eq 0 ] || echo "$backend: exit $code (124: out of time)" | tee -a "$OUT/summary.txt"
done
echo "done in $(( $(date +%s) - started )) s; files in $OUT" | tee -a "$OUT/summary.txt"
exit 0
