#!/usr/bin/env bash
# Run HERE (a machine with pip and the network), once, before bench/gpu/run.sh goes to a GPU
# machine that has PyTorch, JAX and CUDA but no registry (the device machine of
# /work/.library/device): downloads into .whl/ (ignored by git) the wheels that rnntui's
# engine needs there and that such a machine lacks: Keras and its two small dependencies,
# and platformdirs. Python 3.12, x86-64 Linux. Versions: what the team tests on.
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=${PYTHON:-python3}
mkdir -p .whl
$PY -m pip download -q --no-deps --only-binary=:all: --python-version 3.12 --implementation cp \
    --platform manylinux_2_28_x86_64 --platform manylinux_2_27_x86_64 \
    --platform manylinux_2_17_x86_64 --platform manylinux2014_x86_64 \
    --platform manylinux1_x86_64 -d .whl \
    keras==3.15.1 namex==0.1.0 optree==0.20.0 platformdirs==4.14.9
ls -l .whl
