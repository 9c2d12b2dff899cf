"""How well the theming engine finds the themes people found (issue 6's quality bar).

Runs ``sidebyside.insights.evaluate`` on our own evaluation set
(``sidebyside/insights/evaluation/comments.tsv``: 360 short comments in 12 themes, written for
the project) or on any ``theme<TAB>text`` file given, with every embedder installed, over a few
seeds, and prints NMI and ARI for *suggest* and the accuracy of *assign* with 3 examples per
theme, with the time each took.

    .venv/bin/python benchmarks/theming_quality.py [FILE.tsv] [--seeds 3]

No database is needed.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sidebyside.insights.engine.embedders import Lexical  # noqa: E402
from sidebyside.insights.evaluate import read_tsv, score  # noqa: E402

DEFAULT = ROOT / "sidebyside" / "insights" / "evaluation" / "comments.tsv"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("file", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--seeds", type=int, default=3)
    args = parser.parse_args()
    themes, texts = read_tsv(args.file)
    print(f"{args.file.name}: {len(texts)} texts in {len(set(themes))} themes, seeds 0..{args.seeds - 1}")
    print("| embedder | NMI | ARI | 3-shot accuracy | seconds per seed |")
    print("|---|---|---|---|---|")
    for name, make in (("lexical", lambda seed: Lexical(seed=seed)),):
        results, took = [], []
        for seed in range(args.seeds):
            started = time.perf_counter()
            results.append(score(themes, texts, seed=seed, embedder=make(seed)))
            took.append(time.perf_counter() - started)
        nmi = statistics.mean(r.nmi for r in results)
        ari = statistics.mean(r.ari for r in results)
        accuracy = statistics.mean(r.accuracy for r in results)
        print(f"| {name} | {nmi:.3f} | {ari:.3f} | {accuracy:.3f} | {statistics.mean(took):.1f} |")


if __name__ == "__main__":
    main()
