"""``python -m sidebyside.insights.evaluate FILE.tsv``, on the small committed file."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from sidebyside.insights.engine import semantic
from sidebyside.insights.engine.semantic import UNSOUND
from sidebyside.insights.evaluate import BadFile, main, read_tsv, score

SMALL = Path(__file__).parent / "data" / "small.tsv"


def test_the_small_file_reads_as_three_themes() -> None:
    themes, texts = read_tsv(SMALL)
    assert len(texts) == 24
    assert len(set(themes)) == 3


def test_scores_are_in_range_and_the_same_every_time() -> None:
    themes, texts = read_tsv(SMALL)
    first = score(themes, texts, seed=0, rounds=3)
    assert first == score(themes, texts, seed=0, rounds=3)
    assert 0 <= first.nmi <= 1
    assert -1 <= first.ari <= 1
    assert 0 <= first.accuracy <= 1
    assert (first.rows, first.themes) == (24, 3)


def test_the_command_prints_the_figures(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(SMALL), "--rounds", "2"]) == 0
    out = capsys.readouterr().out
    for name in ("NMI\t", "ARI\t", "3-shot accuracy\t"):
        assert name in out


def test_the_command_says_which_embedder_it_used(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main([str(SMALL), "--rounds", "1"]) == 0
    assert "embedder\tsemantic" in capsys.readouterr().out  # the model is installed: used by default
    assert main([str(SMALL), "--rounds", "1", "--embedder", "lexical"]) == 0
    assert "embedder\tlexical" in capsys.readouterr().out
    assert main([str(SMALL), "--rounds", "1", "--small-model"]) == 0
    assert "model\tall-MiniLM-L6-v2-int8" in capsys.readouterr().out
    assert (
        main([str(SMALL), "--rounds", "1", "--models-dir", str(tmp_path)]) == 0
    )  # the larger not made there
    assert "model\tall-MiniLM-L6-v2-int8" in capsys.readouterr().out
    bad = ["--model-dir", str(tmp_path), "--model-sha256", "a" * 64, "--tokenizer-sha256", "b" * 64]
    assert main([str(SMALL), "--embedder", "semantic", *bad]) == 2
    assert "model file is missing" in capsys.readouterr().err
    assert main([str(SMALL), "--rounds", "1", *bad]) == 0  # auto: says so, and uses words only
    captured = capsys.readouterr()
    assert "using the word-based embedder" in captured.err
    assert "embedder\tlexical" in captured.out


def test_a_model_giving_wrong_answers_here_is_not_used(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(semantic, "tells_alike_from_unlike", lambda model: False)
    assert main([str(SMALL), "--embedder", "semantic", "--small-model"]) == 2
    assert capsys.readouterr().err == f"error: {UNSOUND}\n"
    assert main([str(SMALL), "--rounds", "1", "--small-model"]) == 0
    captured = capsys.readouterr()
    assert "embedder\tlexical" in captured.out
    assert captured.err == f"note: {UNSOUND}; using the word-based embedder\n"


def test_the_command_runs_as_a_module_without_django_settings() -> None:
    result = subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "-m", "sidebyside.insights.evaluate", str(SMALL), "--rounds", "1"],
        capture_output=True,
        text=True,
        check=False,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(Path(__file__).resolve().parents[3])},
    )
    assert result.returncode == 0, result.stderr
    assert "NMI" in result.stdout


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("text\ttheme\nx\ty\n", "header"),
        ("theme\ttext\nonly\tone theme\nonly\tstill one\n", "two themes"),
        ("theme\ttext\na\tfine\nb\n", "Line 3"),
    ],
)
def test_a_bad_file_says_what_is_wrong(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.tsv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(BadFile, match=message):
        read_tsv(path)


def test_a_missing_or_binary_file_is_a_message_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([str(tmp_path / "none.tsv")]) == 2
    assert "There is no file" in capsys.readouterr().err
    binary = tmp_path / "x.tsv"
    binary.write_bytes(b"\xff\xfe\x00\x81")
    assert main([str(binary)]) == 2
