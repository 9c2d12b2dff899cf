"""Measure the theming engine on texts people have already themed.

    python -m sidebyside.insights.evaluate FILE.tsv [--seed N] [--shots 3] [--rounds 20]
        [--embedder auto|semantic|lexical] [--small-model] [--models-dir DIR]
        [--model-dir DIR --model-sha256 X --tokenizer-sha256 Y]

FILE.tsv is UTF-8, tab-separated, with a header line ``theme<TAB>text``. Prints:

- NMI and ARI of *suggest* (asked for as many themes as the file has) against the file's themes;
- the accuracy of *assign* with SHOTS examples per theme (the rest to be placed; "not sure"
  counts as wrong), averaged over ROUNDS random choices of examples. As in the app, where a
  theme's name and description help place contributions, each theme's name in the file counts
  as one more example (``--no-names``: the examples alone).

No database and no Django settings are needed. ``auto`` (the default) uses the meaning model
when it is installed (``engine.semantic``): the larger one when it has been made in
``--models-dir`` (``var/models``; ``engine.mpnet``) unless ``--small-model``, and says which
embedder and model it used.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

from sidebyside.insights.engine.embedders import Embedder, Lexical
from sidebyside.insights.engine.semantic import Known, load, locate
from sidebyside.insights.engine.themes import assign, suggest


class BadFile(ValueError):
    pass


@dataclass(frozen=True)
class Scores:
    nmi: float
    ari: float
    accuracy: float
    rows: int
    themes: int


def read_tsv(path: Path) -> tuple[list[str], list[str]]:
    """(themes, texts) from a ``theme<TAB>text`` file; a clear error for anything else."""
    try:
        raw = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise BadFile(f"There is no file at {path}") from None
    except UnicodeDecodeError:
        raise BadFile(f"{path} is not UTF-8 text") from None
    rows = list(csv.reader(raw.splitlines(), delimiter="\t", quoting=csv.QUOTE_NONE))
    if not rows or [cell.strip().lower() for cell in rows[0]] != ["theme", "text"]:
        raise BadFile("The first line must be the header: theme<TAB>text")
    themes, texts = [], []
    for number, row in enumerate(rows[1:], start=2):
        if not row or not "".join(row).strip():
            continue
        if len(row) != 2 or not row[0].strip() or not row[1].strip():
            raise BadFile(f"Line {number} must be a theme, a tab and a text")
        themes.append(row[0].strip())
        texts.append(row[1].strip())
    if len(set(themes)) < 2:
        raise BadFile("The file needs texts in at least two themes")
    return themes, texts


def _descriptions(names: Sequence[str]) -> dict[str, str]:
    """A theme's name in words ("mental_health" → "mental health"), as people name themes in the
    app; a name with no words in it ("T3") adds nothing."""
    return {name: name.replace("_", " ").replace("-", " ") for name in names}


def score(
    themes: Sequence[str],
    texts: Sequence[str],
    *,
    seed: int = 0,
    shots: int = 3,
    rounds: int = 20,
    embedder: Embedder | None = None,
    use_names: bool = True,
) -> Scores:
    names = sorted(set(themes))
    suggested = suggest(texts, count=len(names), seed=seed, embedder=embedder)
    nmi = normalized_mutual_info_score(themes, suggested.labels)
    ari = adjusted_rand_score(themes, suggested.labels)

    by_theme: dict[str, list[int]] = defaultdict(list)
    for i, theme in enumerate(themes):
        by_theme[theme].append(i)
    right = total = 0
    for round_ in range(rounds):
        rng = random.Random(seed * 1000 + round_)  # noqa: S311 - choosing examples, not secrets
        shown = {name: rng.sample(by_theme[name], min(shots, len(by_theme[name]) - 1)) for name in names}
        held = sorted(set(range(len(texts))) - {i for chosen in shown.values() for i in chosen})
        examples = {name: [texts[i] for i in chosen] for name, chosen in shown.items()}
        answers = assign(
            [texts[i] for i in held],
            examples,
            seed=seed,
            embedder=embedder,
            descriptions=_descriptions(names) if use_names else None,
        )
        right += sum(answer.theme == themes[i] for answer, i in zip(answers, held, strict=True))
        total += len(held)
    return Scores(nmi=nmi, ari=ari, accuracy=right / total, rows=len(texts), themes=len(names))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m sidebyside.insights.evaluate", description=__doc__.split("\n")[0]
    )
    parser.add_argument("file", type=Path, help="theme<TAB>text, with a header line")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--shots", type=int, default=3, help="examples per theme for assign")
    parser.add_argument("--rounds", type=int, default=20, help="random choices of examples to average")
    parser.add_argument("--embedder", choices=["auto", "semantic", "lexical"], default="auto")
    parser.add_argument(
        "--no-names", action="store_true", help="assign from the examples alone, not the themes' names too"
    )
    parser.add_argument(
        "--small-model", action="store_true", help="all-MiniLM-L6-v2 even if the larger is made"
    )
    parser.add_argument("--models-dir", default="var/models", help="where the larger model is made")
    parser.add_argument("--model-dir", default="", help="a folder with model.onnx and tokenizer.json")
    parser.add_argument("--model-sha256", default="")
    parser.add_argument("--tokenizer-sha256", default="")
    args = parser.parse_args(argv)
    try:
        themes, texts = read_tsv(args.file)
    except BadFile as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    embedder: Embedder = Lexical(seed=args.seed)
    model = ""
    if args.embedder != "lexical":
        found = locate(
            folder=args.model_dir,
            model_sha256=args.model_sha256,
            tokenizer_sha256=args.tokenizer_sha256,
            larger_in="" if args.small_model else args.models_dir,
        )
        found, loaded = load(found, threads=2)
        if loaded is not None:
            # Each text is embedded once, however many rounds use it.
            embedder = Known({}, loaded, name="semantic")
            model = loaded.model_id
        elif args.embedder == "semantic":
            print(f"error: {found.reason}", file=sys.stderr)
            return 2
        else:
            print(f"note: {found.reason}; using the word-based embedder", file=sys.stderr)
    scores = score(
        themes,
        texts,
        seed=args.seed,
        shots=args.shots,
        rounds=args.rounds,
        embedder=embedder,
        use_names=not args.no_names,
    )
    print(f"embedder\t{embedder.name}")
    if model:
        print(f"model\t{model}")
    print(f"rows\t{scores.rows}")
    print(f"themes\t{scores.themes}")
    print(f"NMI\t{scores.nmi:.3f}")
    print(f"ARI\t{scores.ari:.3f}")
    print(f"{args.shots}-shot accuracy\t{scores.accuracy:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
