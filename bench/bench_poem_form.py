"""Tang poems, seed 004: do generated quatrains keep the form, avoid copying and rhyme?

From 20 famous first lines typed in simplified script without punctuation (10 of five
characters, 10 of seven), a trained poems run writes the rest of a quatrain (`lines=4`),
5 samples each with fixed seeds, through the core writer (`rnntui.poetry.writing.PoemWriter`,
the form and rhyme rules on as by default; `--no-form --no-rhyme` turn them off to show
what the network does alone).

- form: every line of the quatrain has the first line's length, with ， ending lines 1 and
  3 and 。 (or ？/！) lines 2 and 4;
- copying: a generated line (lines 2-4, without its mark) that is a line of a training poem;
- rhyme: lines 2 and 4 (and 1 where it ends 平) end in one 平声 group of the 平水韵, no
  character twice (quatrains of four lines);
  beside it, the same rate over the run's own training quatrains (real Tang poems);
- acrostic: 春夏秋冬, each line starting with its character.

    .venv/bin/python bench/bench_poem_form.py --run RUN_DIR [--temperature 0.6] [--samples 5]

Figures measured are in the README (section "Poems: figures").
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

# 李白 静夜思, 王之涣 登鹳雀楼, 孟浩然 春晓, 柳宗元 江雪, 王维 相思, 王维 鹿柴, 贾岛 寻隐者不遇,
# 孟浩然 宿建德江, 杜甫 八阵图, 李商隐 登乐游原; 李白 早发白帝城, 张继 枫桥夜泊, 王昌龄 出塞,
# 李白 送孟浩然之广陵, 杜甫 绝句, 王维 九月九日忆山东兄弟, 王之涣 凉州词, 王维 渭城曲,
# 杜牧 山行, 杜牧 清明.
FIRST_LINES = ("床前明月光", "白日依山尽", "春眠不觉晓", "千山鸟飞绝", "红豆生南国",
               "空山不见人", "松下问童子", "移舟泊烟渚", "功盖三分国", "向晚意不适",
               "朝辞白帝彩云间", "月落乌啼霜满天", "秦时明月汉时关", "故人西辞黄鹤楼",
               "两个黄鹂鸣翠柳", "独在异乡为异客", "黄河远上白云间", "渭城朝雨浥轻尘",
               "远上寒山石径斜", "清明时节雨纷纷")
RIGHT_MARKS = ("，", "。？！", "，", "。？！")


def keeps_form(lines: list[str], size: int) -> bool:
    return len(lines) == 4 and all(len(line) == size + 1 and line[-1] in RIGHT_MARKS[n]
                                   for n, line in enumerate(lines))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--run", required=True, help="a trained poems run folder")
    parser.add_argument("--temperature", type=float, default=None,
                        help="default: the task's (0.6)")
    parser.add_argument("--samples", type=int, default=5, help="quatrains per first line")
    parser.add_argument("--no-rhyme", action="store_true")
    parser.add_argument("--no-form", action="store_true", help="the network alone keeps the form")
    parser.add_argument("--top-p", type=float, default=None)
    args = parser.parse_args()
    import numpy as np

    from rnntui.nn import load_network
    from rnntui.poetry.prepare import line_texts, poem_form
    from rnntui.poetry.writing import PoemWriter, WritingOptions, even_lines_rhyme
    from rnntui.runs import RunStore
    from rnntui.tasks import get_task
    from rnntui.tasks.corpus import poem_lines

    run = RunStore(Path(args.run).parent).open(Path(args.run))
    task = get_task("poems")
    hp = run.hparams
    train, _, origin = task.training_poems(hp, run.source, run.vocab())
    train_lines = {line for p in train for line in line_texts(p)}
    writer = PoemWriter(load_network(run.model_path), run.vocab(), hp.script)
    temperature = task.temperature if args.temperature is None else args.temperature
    options = WritingOptions(temperature=temperature, lines=4, rhyme=not args.no_rhyme,
                             form=not args.no_form,
                             top_p=args.top_p, length=64)
    form = copies = rhymed = quatrains = lines_written = 0
    examples = []
    for k, first in enumerate(FIRST_LINES):
        for s in range(args.samples):
            poem = writer.write(first, options, rng=np.random.default_rng(1000 * k + s))
            lines = poem.lines[:4]
            quatrains += 1
            form += keeps_form(lines, len(first))
            generated = [line.rstrip("，。？！；") for line in lines[1:]]
            lines_written += len(generated)
            copies += sum(line in train_lines for line in generated)
            rhymed += bool(len(lines) == 4 and even_lines_rhyme(lines))
            if s == 0 and k % 5 == 0:
                examples.append(poem.text)
    real = [p for p in train if poem_form(p) and len(poem_lines(p)) == 4]
    real_rate = sum(bool(even_lines_rhyme(poem_lines(p))) for p in real) / max(len(real), 1)
    acrostic = [writer.write("", WritingOptions(temperature=temperature, lines=4,
                                                acrostic="春夏秋冬", length=64),
                             rng=np.random.default_rng(s)) for s in range(args.samples)]
    acrostic_ok = sum([line[:1] for line in p.lines] == list("春夏秋冬") for p in acrostic)
    print(f"run {run.name} ({origin}, {len(train):,} training poems); temperature "
          f"{temperature}, top_p {args.top_p}, rhyme {'on' if options.rhyme else 'off'}; "
          f"{len(FIRST_LINES)} first lines x {args.samples}")
    print(f"form kept on every line: {form}/{quatrains} = {form / quatrains:.1%} (goal 97%)")
    print(f"generated lines that are training lines: {copies}/{lines_written} (goal 0)")
    print(f"lines 2 and 4 rhyme: {rhymed}/{quatrains} = {rhymed / quatrains:.1%} (goal 85%; "
          f"the run's {len(real):,} training quatrains: {real_rate:.1%})")
    print(f"acrostic 春夏秋冬: {acrostic_ok}/{len(acrostic)} start every line right, e.g. "
          f"{acrostic[0].text}")
    for text in examples:
        print(f"  e.g. {text}")


if __name__ == "__main__":
    main()
