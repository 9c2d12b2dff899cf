"""The larger meaning model: the ONNX graph written here computes what MPNet computes, the parts
are checked before anything is made from them, and the model made is the one measured."""

from __future__ import annotations

import json
import math
import os
import struct
from pathlib import Path
from typing import Any

import numpy as np
import onnxruntime
import pytest

from sidebyside.insights.engine import mpnet
from sidebyside.insights.engine.semantic import Semantic, locate, tells_alike_from_unlike

HIDDEN, HEADS, LAYERS, INNER, VOCAB, POSITIONS = 16, 2, 2, 32, 40, 64
MODELS = Path(__file__).resolve().parents[3] / "var" / "models"


def tiny_weights(seed: int = 0) -> dict[str, np.ndarray]:
    """A small MPNet with random weights, named as the real one's are."""
    rng = np.random.default_rng(seed)

    def r(*shape: int, scale: float = 0.3) -> np.ndarray:
        return (rng.standard_normal(shape) * scale).astype(np.float32)

    w = {
        "embeddings.word_embeddings.weight": r(VOCAB, HIDDEN),
        "embeddings.position_embeddings.weight": r(POSITIONS, HIDDEN),
        "embeddings.LayerNorm.weight": 1 + r(HIDDEN, scale=0.1),
        "embeddings.LayerNorm.bias": r(HIDDEN, scale=0.1),
        "encoder.relative_attention_bias.weight": r(32, HEADS),
    }
    for i in range(LAYERS):
        p = f"encoder.layer.{i}."
        for part in "qkvo":
            w[p + f"attention.attn.{part}.weight"] = r(HIDDEN, HIDDEN)
            w[p + f"attention.attn.{part}.bias"] = r(HIDDEN, scale=0.1)
        w[p + "attention.LayerNorm.weight"] = 1 + r(HIDDEN, scale=0.1)
        w[p + "attention.LayerNorm.bias"] = r(HIDDEN, scale=0.1)
        w[p + "intermediate.dense.weight"] = r(INNER, HIDDEN)
        w[p + "intermediate.dense.bias"] = r(INNER, scale=0.1)
        w[p + "output.dense.weight"] = r(HIDDEN, INNER)
        w[p + "output.dense.bias"] = r(HIDDEN, scale=0.1)
        w[p + "output.LayerNorm.weight"] = 1 + r(HIDDEN, scale=0.1)
        w[p + "output.LayerNorm.bias"] = r(HIDDEN, scale=0.1)
    return w


def write_safetensors(path: Path, tensors: dict[str, np.ndarray]) -> None:
    header, blobs, offset = {}, [], 0
    for name, value in tensors.items():
        raw = np.ascontiguousarray(value, dtype="<f4").tobytes()
        header[name] = {
            "dtype": "F32",
            "shape": list(value.shape),
            "data_offsets": [offset, offset + len(raw)],
        }
        blobs.append(raw)
        offset += len(raw)
    encoded = json.dumps(header).encode()
    path.write_bytes(struct.pack("<Q", len(encoded)) + encoded + b"".join(blobs))


def reference(w: dict[str, np.ndarray], ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """MPNet's encoder written out plainly, one step after another, to compare the graph with."""

    def norm(x: np.ndarray, p: str) -> np.ndarray:
        mean = x.mean(-1, keepdims=True)
        var = ((x - mean) ** 2).mean(-1, keepdims=True)
        return (x - mean) / np.sqrt(var + 1e-5) * w[p + ".weight"] + w[p + ".bias"]

    def dense(x: np.ndarray, p: str) -> np.ndarray:
        return x @ w[p + ".weight"].T + w[p + ".bias"]

    batch, length = ids.shape
    positions = np.cumsum(mask, axis=1) * mask + 1
    x = norm(
        w["embeddings.word_embeddings.weight"][ids] + w["embeddings.position_embeddings.weight"][positions],
        "embeddings.LayerNorm",
    )
    bias = np.zeros((HEADS, length, length), dtype=np.float32)
    buckets = mpnet.relative_buckets(length)
    for q in range(length):
        for k in range(length):
            bias[:, q, k] = w["encoder.relative_attention_bias.weight"][buckets[q, k]]
    size = HIDDEN // HEADS
    erf = np.vectorize(math.erf)
    for layer in range(LAYERS):
        p = f"encoder.layer.{layer}."
        out = np.zeros_like(x)
        for b in range(batch):
            for h in range(HEADS):
                cut = slice(h * size, (h + 1) * size)
                q = dense(x[b], p + "attention.attn.q")[:, cut]
                k = dense(x[b], p + "attention.attn.k")[:, cut]
                v = dense(x[b], p + "attention.attn.v")[:, cut]
                scores = q @ k.T / math.sqrt(size) + bias[h] + np.where(mask[b] == 1, 0.0, -1e9)[None, :]
                weights = np.exp(scores - scores.max(-1, keepdims=True))
                weights /= weights.sum(-1, keepdims=True)
                out[b][:, cut] = weights @ v
        attended = norm(dense(out, p + "attention.attn.o") + x, p + "attention.LayerNorm")
        inner = dense(attended, p + "intermediate.dense")
        gelu = inner * 0.5 * (1 + erf(inner / math.sqrt(2)))
        x = norm(dense(gelu, p + "output.dense") + attended, p + "output.LayerNorm")
    return x.astype(np.float32)


def run(model_path: Path, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
    session = onnxruntime.InferenceSession(str(model_path), providers=["CPUExecutionProvider"])
    return session.run(None, {"input_ids": ids, "attention_mask": mask})[0]


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, np.ndarray], Path]:
    import onnx

    folder = tmp_path_factory.mktemp("tiny")
    write_safetensors(folder / "model.safetensors", tiny_weights())
    weights = mpnet.read_safetensors(folder / "model.safetensors")
    onnx.save(mpnet.graph(weights), str(folder / "full.onnx"))
    return weights, folder / "full.onnx"


def test_distances_fall_in_mpnets_buckets() -> None:
    buckets = mpnet.relative_buckets(200)
    assert buckets[0, 0] == 0
    assert buckets[5, 0] == 5  # the key 5 pieces before the query: one bucket per distance
    assert buckets[0, 5] == 16 + 5  # 5 after: the other half
    assert buckets[20, 0] == 10  # past 7, wider steps: 8 + ⌊ln(20/8) / ln(128/8) · 8⌋
    assert buckets[0, 20] == 16 + 10
    assert buckets[199, 0] == 15  # beyond 128, the last bucket of each half
    assert buckets[0, 199] == 31


def test_the_graph_computes_what_mpnet_computes(tiny: tuple[dict[str, np.ndarray], Path]) -> None:
    weights, model = tiny
    ids = np.array([[0, 5, 9, 13, 2, 1, 1], [0, 7, 3, 22, 31, 17, 2]], dtype=np.int64)
    mask = np.array([[1, 1, 1, 1, 1, 0, 0], [1, 1, 1, 1, 1, 1, 1]], dtype=np.int64)
    got = run(model, ids, mask)
    assert got.shape == (2, 7, HIDDEN)
    np.testing.assert_allclose(got, reference(weights, ids, mask), atol=2e-4)
    # A text padded in a batch reads as it does alone.
    alone = run(model, ids[:1, :5], mask[:1, :5])
    np.testing.assert_allclose(got[0, :5], alone[0], atol=2e-4)


def test_quantising_keeps_each_blocks_last_layer_and_the_attention_in_floats(
    tiny: tuple[dict[str, np.ndarray], Path], tmp_path: Path
) -> None:
    import onnx

    _, model = tiny
    mpnet.quantise(model, tmp_path / "int8.onnx")
    quantised = onnx.load(str(tmp_path / "int8.onnx"))
    float_products = {n.input[1] for n in quantised.graph.node if n.op_type == "MatMul"}
    # Per layer: the two attention products and output.dense stay MatMul; q, k, v, o and
    # intermediate are 8-bit.
    assert len(float_products) == 3 * LAYERS
    assert sum("output.dense" in name for name in float_products) == LAYERS
    assert all(n.op_type != "MatMul" or "attn." not in n.input[1] for n in quantised.graph.node)
    ids = np.array([[0, 5, 9, 13, 2]], dtype=np.int64)
    mask = np.ones_like(ids)
    full, small = run(model, ids, mask).ravel(), run(tmp_path / "int8.onnx", ids, mask).ravel()
    assert float(full @ small / np.linalg.norm(full) / np.linalg.norm(small)) > 0.95
    # Seven bits in each 8-bit weight: two products of an 8-bit input and a weight always add up
    # within 16 bits, on processors without VNNI too (255 · 64 · 2 < 32,768).
    stored = [
        onnx.numpy_helper.to_array(i)
        for i in quantised.graph.initializer
        if i.data_type == onnx.TensorProto.INT8
    ]
    assert len(stored) == 2 * 5 * LAYERS  # each weight matrix and its zero points
    assert all(int(w.min()) >= -64 and int(w.max()) <= 64 for w in stored)


class Vectors:
    """A stand-in for the model: the same unit vectors for the check's texts, or all alike."""

    def __init__(self, files: Any) -> None:
        self.path = files.model

    def embed(self, texts: list[str]) -> np.ndarray:
        if self.path.name == "broken.onnx":
            return np.full((len(texts), len(texts)), len(texts) ** -0.5, dtype=np.float32)
        return np.array([np.eye(len(texts))[i] for i in range(len(texts))], dtype=np.float32)


def test_a_model_far_from_the_full_one_on_this_processor_is_not_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    monkeypatch.setattr(mpnet, "Semantic", lambda files: calls.append(files.model.name) or Vectors(files))
    monkeypatch.setattr(mpnet, "tells_alike_from_unlike", lambda model: model.path.name != "broken.onnx")
    tokenizer = tmp_path / "tokenizer.json"
    assert mpnet.check_on_this_processor(tmp_path / "full.onnx", tmp_path / "made.onnx", tokenizer) == 1.0
    with pytest.raises(mpnet.BuildError, match="too far from the full model's on this processor"):
        mpnet.check_on_this_processor(tmp_path / "full.onnx", tmp_path / "broken.onnx", tokenizer)
    assert calls == ["full.onnx", "made.onnx", "full.onnx", "broken.onnx"]


def test_a_file_that_is_not_weights_is_refused(tmp_path: Path) -> None:
    (tmp_path / "short").write_bytes(b"abc")
    (tmp_path / "junk").write_bytes(struct.pack("<Q", 4) + b"\xff\xfe{x")
    header = json.dumps({"w": {"dtype": "Q9", "shape": [1], "data_offsets": [0, 4]}}).encode()
    (tmp_path / "odd").write_bytes(struct.pack("<Q", len(header)) + header + b"\0" * 4)
    for name in ("short", "junk", "odd"):
        with pytest.raises(mpnet.BuildError):
            mpnet.read_safetensors(tmp_path / name)


def test_nothing_is_made_from_parts_that_are_missing_or_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    package, inside, _ = mpnet.PARTS[0]
    monkeypatch.setattr(mpnet, "PARTS", (("no-such-model-part", "part.001", "0" * 64),))
    assert mpnet.main(["--into", str(tmp_path)]) == 1
    assert "no-such-model-part is not installed" in capsys.readouterr().err
    stopped = mpnet.files_in(tmp_path).model.parent / ".building-stopped"
    stopped.mkdir(parents=True)  # what a build killed part-way leaves
    (stopped / "full.onnx").write_bytes(b"half")
    monkeypatch.setattr(mpnet, "PARTS", ((package, inside, "0" * 64),))  # the real part, another checksum
    with pytest.raises(mpnet.BuildError, match="checksum differs"):
        mpnet.build(tmp_path)
    assert not any(tmp_path.rglob("*.onnx"))  # nothing half-made left behind, then or before


def test_a_folder_with_other_files_is_not_taken_for_the_model(tmp_path: Path) -> None:
    files = mpnet.files_in(tmp_path)
    files.model.parent.mkdir(parents=True)
    files.model.write_bytes(b"not the model")
    files.tokenizer.write_text("{}")
    assert not mpnet.is_built(tmp_path)
    found = locate(larger_in=str(tmp_path))
    assert found.files is not None
    assert found.files.model_id != mpnet.MODEL_ID  # the small one


def _built() -> bool:
    if mpnet.is_built(MODELS):
        return True
    if os.environ.get("CI"):  # the setup script makes it: in CI its absence is a failure
        pytest.fail(f"The larger model was not made in {MODELS}")
    pytest.skip("the larger model has not been made here (bin/test's setup makes it)")


def test_the_model_made_from_the_pinned_parts_is_found_first_and_reads_meaning() -> None:
    _built()
    found = locate(larger_in=str(MODELS))
    assert found.files == mpnet.files_in(MODELS)
    operator = locate(larger_in=str(MODELS), folder=str(MODELS / mpnet.MODEL_ID), model_sha256="0" * 64)
    assert operator.files is None  # an operator's folder, once set, is the only one looked at
    model = Semantic(mpnet.files_in(MODELS))
    assert model.dimensions == 768
    assert tells_alike_from_unlike(model)  # on this processor too (ADR 23)
    v = model.embed(
        [
            "Nobody ever told us what happened to what we said",
            "We never heard back after the meeting",
            "The hostel room had damp and mould",
        ]
    )
    assert float(v[0] @ v[1]) > float(v[0] @ v[2]) + 0.2
    assert np.allclose(np.linalg.norm(v, axis=1), 1, atol=1e-5)


def test_run_again_the_command_only_checks_what_is_there(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _built()

    def no_build(folder: Path) -> None:
        raise AssertionError("the model is there: nothing is to be made again")

    monkeypatch.setattr(mpnet, "build", no_build)
    assert mpnet.main(["--into", str(MODELS)]) == 0
    assert capsys.readouterr().out == f"already there: {mpnet.files_in(MODELS).model}\n"


def test_the_app_uses_the_larger_model_unless_told_not_to(settings: Any) -> None:
    from sidebyside.insights import embeddings

    _built()
    settings.INSIGHTS_MODELS_DIR = MODELS
    found = embeddings.located().files
    assert found is not None
    assert found.model_id == mpnet.MODEL_ID
    settings.INSIGHTS_LARGER_MODEL = False
    found = embeddings.located().files
    assert found is not None
    assert found.model_id == "all-MiniLM-L6-v2-int8"
