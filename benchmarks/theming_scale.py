"""How long the theming engine takes as the number of contributions grows (issue 6's goals).

- *suggest* (lexical) for 10,000, 100,000 and 1,000,000 contributions (goals: 5 s, 60 s, 3 min);
- *assign* 10,000 new contributions to 30 themes once their vectors are made (goal: 2 s);
- the baseline, measured in the same run: reading every text once into words
  (``engine.text.words``), the least any theming must do; each figure is also given as a
  multiple of it, since these machines vary by ±25 % between runs.

The texts are made from our evaluation set (``insights/evaluation/comments.tsv``): each is one of
its comments with three words from elsewhere in the set added, so that no two are the same and
they are as long as real ones. No database is needed.

    .venv/bin/python benchmarks/theming_scale.py [--sizes 10000 100000 1000000]
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from sidebyside.insights.engine.embedders import Lexical  # noqa: E402
from sidebyside.insights.engine.semantic import Known  # noqa: E402
from sidebyside.insights.engine.text import words  # noqa: E402
from sidebyside.insights.engine.themes import assign, suggest  # noqa: E402
from sidebyside.insights.evaluate import read_tsv  # noqa: E402

EVALUATION = ROOT / "sidebyside" / "insights" / "evaluation" / "comments.tsv"


def made_up(n: int, seed: int = 0) -> list[str]:
    _, texts = read_tsv(EVALUATION)
    rng = random.Random(seed)
    vocabulary = [w for t in texts for w in t.split()]
    return [" ".join([*rng.choice(texts).split(), *rng.sample(vocabulary, 3)]) for _ in range(n)]


def timed(action: object) -> float:
    started = time.perf_counter()
    action()  # type: ignore[operator]
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    args = parser.parse_args()
    print("| work | contributions | seconds | × reading them once (baseline) | goal |")
    print("|---|---|---|---|---|")
    goals = {10_000: "5 s", 100_000: "60 s", 1_000_000: "180 s"}
    for n in args.sizes:
        texts = made_up(n)
        baseline = timed(lambda texts=texts: [words(t) for t in texts])
        took = timed(lambda texts=texts: suggest(texts, count=12, seed=0))
        print(
            f"| suggest, lexical | {n:,} | {took:.1f} | {took / baseline:.0f} | {goals.get(n, '')} |",
            flush=True,
        )

    # Assign: 30 themes of 3 examples each, then 10,000 new contributions, vectors made beforehand.
    texts = made_up(10_090, seed=1)
    examples = {f"theme {t}": texts[3 * t : 3 * t + 3] for t in range(30)}
    new = texts[90:]
    vectors = Lexical(seed=0).embed(texts)
    ready = Known(dict(zip(texts, vectors, strict=True)), fallback=None, name="lexical")
    baseline = timed(lambda: [words(t) for t in new])
    took = timed(lambda: assign(new, examples, embedder=ready))
    answers = assign(new, examples, embedder=ready)
    print(f"| assign to 30 themes, once embedded | {len(new):,} | {took:.2f} | {took / baseline:.1f} | 2 s |")
    sure = sum(a.theme is not None for a in answers)
    print(
        f"(placed {sure:,}, not sure {len(answers) - sure:,}; vectors {vectors.shape[1]} wide, {np.float32})"
    )
    print(f"peak memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
