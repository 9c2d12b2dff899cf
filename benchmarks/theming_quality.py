"""How well the theming engine finds the themes people found (issue 6's quality bar).

Runs ``sidebyside.insights.evaluate`` on our own evaluation set
(``sidebyside/insights/evaluation/comments.tsv``: 360 short comments in 12 themes, written for
the project) or on any ``theme<TAB>text`` file given, with every embedder installed, over a few
seeds, and prints NMI and ARI for *suggest* and the accuracy of *assign* with 3 examples per
theme, with the time each took. The meaning models' rows are there when they are installed:
the small one (all-MiniLM-L6-v2) and the larger one when it has been made in var/models
(all-mpnet-base-v2, ``python -m sidebyside.insights.engine.mpnet``), each with its embedding
speed, sentences a second, measured on the file's texts with one thread and with two. Each
assign row is given with the themes' names as one more example (as the app does with a theme's
name and description) and without.

Then *split*, as the theme page's "how the machine would split it" does (``suggest`` asked for
two groups): every two themes put together as one, all of one with all of the other and all of
one with ten of the other, and the share of their comments the machine puts in the group of
their own theme (0.5 is no better than chance).

    .venv/bin/python benchmarks/theming_quality.py [FILE.tsv] [--seeds 10]

No database is needed.
"""

from __future__ import annotations

import argparse
import itertools
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sidebyside.insights.engine.embedders import Lexical  # noqa: E402
from sidebyside.insights.engine.semantic import Known, Semantic, locate  # noqa: E402
from sidebyside.insights.engine.themes import suggest  # noqa: E402
from sidebyside.insights.evaluate import read_tsv, score  # noqa: E402

DEFAULT = ROOT / "sidebyside" / "insights" / "evaluation" / "comments.tsv"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("file", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--seeds", type=int, default=10)  # fewer: NMI moves by ±0.01
    args = parser.parse_args()
    themes, texts = read_tsv(args.file)
    print(f"{args.file.name}: {len(texts)} texts in {len(set(themes))} themes, seeds 0..{args.seeds - 1}")
    embedders: list[tuple[str, Any]] = [("lexical", lambda seed: Lexical(seed=seed))]
    small, larger = locate(), locate(larger_in=str(ROOT / "var" / "models"))
    for found in (small, larger) if larger.files != small.files else (small,):
        if found.files is None:
            print(f"no meaning model: {found.reason}")
            continue
        files = found.files
        for threads in (1, 2):
            model = Semantic(files, threads=threads)
            model.embed(texts[:32])  # warm up
            started = time.perf_counter()
            model.embed(texts)
            print(
                f"{files.model_id}, {threads} thread(s): {len(texts) / (time.perf_counter() - started):.0f} sentences/s"
            )
        shared = Known({}, Semantic(files, threads=2), name="semantic")
        embedders.append((f"semantic ({files.model_id})", lambda seed, shared=shared: shared))
    print(
        "| embedder | NMI | ARI | 3-shot accuracy (names too) | 3-shot (examples only) | seconds per seed |"
    )
    print("|---|---|---|---|---|---|")
    for name, make in embedders:
        results, bare, took = [], [], []
        for seed in range(args.seeds):
            started = time.perf_counter()
            results.append(score(themes, texts, seed=seed, embedder=make(seed)))
            took.append(time.perf_counter() - started)
            bare.append(score(themes, texts, seed=seed, embedder=make(seed), use_names=False).accuracy)
        nmi = statistics.mean(r.nmi for r in results)
        ari = statistics.mean(r.ari for r in results)
        accuracy = statistics.mean(r.accuracy for r in results)
        print(
            f"| {name} | {nmi:.3f} | {ari:.3f} | {accuracy:.3f} | {statistics.mean(bare):.3f} "
            f"| {statistics.mean(took):.1f} |"
        )
    print()
    print("| embedder | split: two whole themes | split: a theme and ten of another |")
    print("|---|---|---|")
    for name, make in embedders:
        even, uneven = split_purity(themes, texts, make(0))
        print(f"| {name} | {even:.3f} | {uneven:.3f} |")


def split_purity(themes: list[str], texts: list[str], embedder: Any) -> tuple[float, float]:
    by_theme: dict[str, list[int]] = {}
    for i, theme in enumerate(themes):
        by_theme.setdefault(theme, []).append(i)
    rng = random.Random(0)

    def purity(first: list[int], second: list[int]) -> float:
        found = suggest([texts[i] for i in first + second], count=2, embedder=embedder)
        truth = [0] * len(first) + [1] * len(second)
        same = sum(label == t for label, t in zip(found.labels, truth, strict=True))
        return max(same, len(truth) - same) / len(truth)

    names = sorted(by_theme)
    even = [purity(by_theme[a], by_theme[b]) for a, b in itertools.combinations(names, 2)]
    uneven = [
        purity(by_theme[a], rng.sample(by_theme[b], min(10, len(by_theme[b]))))
        for a, b in itertools.permutations(names, 2)
    ]
    return statistics.mean(even), statistics.mean(uneven)


if __name__ == "__main__":
    main()
