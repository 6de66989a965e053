"""`rnntui score` on poem files of growing size: peak memory (max RSS) and CPU time of the
scoring process, to check that memory does not grow with the file and time grows linearly.

The files are made here from the characters of ../shared/data/tang_poems.txt as two-line poems
of 5 + 5 characters (the shape that once took 3.9 GB for 290 KB: 8,000 poems of one length in
one (8000, 13, V) array), plus one file that is a single long line. Each size is scored in a
child process (`rnntui score RUN FILE --samples 0`), its peak RSS and user CPU read from
`resource.getrusage(RUSAGE_CHILDREN)`.

    .venv/bin/python bench/bench_score_memory.py --run RUN            # a trained poems run
    .venv/bin/python bench/bench_score_memory.py --run RUN --sizes 0.3,1,3,10 --one-line 1.2

Figures measured are in the README (section "Reliability").
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "data" / "tang_poems.txt"


def characters() -> list[str]:
    if not CORPUS.is_file():
        sys.exit(f"needs {CORPUS} (../shared/data, see its README)")
    text = CORPUS.read_text(encoding="utf-8")
    return [c for c in text if "\u4e00" <= c <= "\u9fff"]


def poem_file(path: Path, megabytes: float, chars: list[str]) -> Path:
    """Two-line poems 'XXXXX，XXXXX。' (37 bytes a line) up to about `megabytes`."""
    lines, i = [], 0
    for _ in range(int(megabytes * 1e6 / 37)):
        seg = chars[i:i + 10]
        i = (i + 10) % (len(chars) - 10)
        lines.append("".join(seg[:5]) + "，" + "".join(seg[5:]) + "。")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def one_line(path: Path, megabytes: float, chars: list[str]) -> Path:
    path.write_text("".join(chars[:int(megabytes * 1e6 / 3)]) + "\n", encoding="utf-8")
    return path


def score(run: str, path: Path, timeout: float) -> tuple[int, float, float, float]:
    """(exit status, peak RSS in MB, user CPU seconds, wall seconds) of one scoring."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    try:
        code = subprocess.run([sys.executable, "-m", "rnntui.cli", "score", run, str(path),
                               "--samples", "0"], capture_output=True, timeout=timeout
                              ).returncode
    except subprocess.TimeoutExpired:
        code = 124
    wall = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    # ru_maxrss of the children is the largest of any child so far: sizes go up, so it is
    # this one's.
    return code, after.ru_maxrss / 1024, after.ru_utime - before.ru_utime, wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--run", required=True, help="a trained poems run (name or folder)")
    parser.add_argument("--sizes", default="0.3,1,3", help="file sizes in MB, ascending")
    parser.add_argument("--one-line", type=float, default=0.0, metavar="MB",
                        help="also a file of one line of this size")
    parser.add_argument("--timeout", type=float, default=900)
    args = parser.parse_args()
    chars = characters()
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    with tempfile.TemporaryDirectory() as folder:
        files = [poem_file(Path(folder) / f"poems-{mb}.txt", float(mb), chars)
                 for mb in args.sizes.split(",")]
        if args.one_line:
            files.append(one_line(Path(folder) / "one-line.txt", args.one_line, chars))
        print(f"{'file':<20}{'bytes':>12}{'exit':>6}{'peak RSS':>12}{'user CPU':>10}{'wall':>9}")
        for path in files:
            code, rss, cpu, wall = score(args.run, path, args.timeout)
            print(f"{path.name:<20}{path.stat().st_size:>12,}{code:>6}{rss:>9,.0f} MB"
                  f"{cpu:>9.1f}s{wall:>8.1f}s", flush=True)


if __name__ == "__main__":
    main()
