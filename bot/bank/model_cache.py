"""A prepared copy of the embedding model whose word-embedding table is stored in 8 bits.

The table (30,522 words x 384 floats) is half the model's weights, and each text only reads the
rows of its own words. Stored as one byte per value with a scale and offset per row, and rebuilt
in float32 right after the lookup, it takes 35 MB less memory; text vectors keep a cosine of
0.99998 with the original's (`tests/bank/test_model_cache.py`) and the offline grader's
agreement with human grades on SAF is unchanged (`bench/calibrate.py`). The transformer layers are
untouched: an int8 copy of the whole model was measured and rejected, it cost German answers
0.055 of Pearson r on SAF. (A float16 table saves 23 MB, with a cosine of 0.9999999.)

The copy is made on first use in the cache folder (MODEL_CACHE_DIR), or when the image is built,
and keyed by the model file and this preparation's version. If it can't be made
(a read-only disk, no space, a model of another shape), the original model is used, as before.
"""

import contextlib
import hashlib
import logging
import os
import shutil
import tempfile
from pathlib import Path

log = logging.getLogger(__name__)

PREPARED_NAME = "model.onnx"
PREPARATION = "uint8-row-tables-1"  # change it when `_prepare` changes: old copies are ignored
TABLE_MIN_VALUES = 1 << 20  # smaller tables aren't worth it
KEY_BYTES = 1 << 20


def prepared_model(model: Path, cache_dir: Path) -> Path:
    """The prepared copy of the ONNX file `model`, made now if missing; `model` itself when
    no copy can be made."""
    try:
        folder = cache_dir / f"{model.parent.parent.name or 'model'}-{_key(model)}"
        if (folder / PREPARED_NAME).is_file():
            return folder / PREPARED_NAME
        cache_dir.mkdir(parents=True, exist_ok=True)
        _prepare(model, folder)
    except Exception as exc:  # the copy saves memory; without it, the original works
        log.warning("embedding model: no prepared copy in %s (%s); using %s", cache_dir, exc, model)
        return model
    return folder / PREPARED_NAME


def _key(model: Path) -> str:
    """Names the model file by its size and its first and last MiB (not its path or time: an
    image build copies it elsewhere), and how the copy is made. `onnx` (6 MB of modules) is
    imported only to make a copy."""
    size = model.stat().st_size
    digest = hashlib.sha256(f"{PREPARATION}|{size}|".encode())
    with model.open("rb") as file:
        digest.update(file.read(KEY_BYTES))
        file.seek(max(size - KEY_BYTES, 0))
        digest.update(file.read(KEY_BYTES))
    return digest.hexdigest()[:16]


def _prepare(model: Path, folder: Path) -> None:
    """Write the copy into a scratch folder, then move it into place in one rename, so a
    process starting at the same time never loads half a copy."""
    import onnx

    graph_model = onnx.load(str(model))
    tables = _quantize_lookup_tables(graph_model.graph)
    if not tables:
        raise ValueError("no lookup table to store in 8 bits")
    scratch = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", dir=folder.parent))
    try:
        onnx.save(graph_model, str(scratch / PREPARED_NAME))
        try:
            os.rename(scratch, folder)
        except OSError:
            if not (folder / PREPARED_NAME).is_file():  # not another process's copy: a failure
                raise
        log.info("embedding model: prepared copy in %s (8-bit rows: %s)", folder, ", ".join(tables))
    finally:
        with contextlib.suppress(OSError):
            shutil.rmtree(scratch)


def _quantize_lookup_tables(graph) -> list[str]:
    """Store each big float initializer that only `Gather` nodes read from as uint8, one scale
    and offset per row, and rebuild the rows after each lookup: row = q x scale + offset.
    Returns the tables' names."""
    import numpy as np
    from onnx import TensorProto, helper, numpy_helper

    readers: dict[str, list] = {}
    for node in graph.node:
        for position, name in enumerate(node.input):
            readers.setdefault(name, []).append((node, position))
    quantized = []
    for initializer in list(graph.initializer):
        name, nodes = initializer.name, readers.get(initializer.name, [])
        is_table = bool(nodes) and all(n.op_type == "Gather" and pos == 0 for n, pos in nodes)
        if not is_table or initializer.data_type != TensorProto.FLOAT or len(initializer.dims) != 2:
            continue
        if initializer.dims[0] * initializer.dims[1] < TABLE_MIN_VALUES:
            continue
        table = numpy_helper.to_array(initializer)
        low = table.min(axis=1, keepdims=True)
        scale = (table.max(axis=1, keepdims=True) - low) / 255
        scale[scale == 0] = 1.0
        codes = np.round((table - low) / scale).astype(np.uint8)
        graph.initializer.remove(initializer)
        graph.initializer.extend(
            [
                numpy_helper.from_array(codes, f"{name}/codes"),
                numpy_helper.from_array(scale.astype(np.float32), f"{name}/scale"),
                numpy_helper.from_array(low.astype(np.float32), f"{name}/offset"),
            ]
        )
        for node, _ in nodes:
            rows, ids = node.output[0], node.input[1]
            node.input[0], node.output[0] = f"{name}/codes", f"{rows}/codes"
            rebuild = [
                helper.make_node("Cast", [f"{rows}/codes"], [f"{rows}/f"], to=TensorProto.FLOAT),
                helper.make_node("Gather", [f"{name}/scale", ids], [f"{rows}/scale"]),
                helper.make_node("Gather", [f"{name}/offset", ids], [f"{rows}/offset"]),
                helper.make_node("Mul", [f"{rows}/f", f"{rows}/scale"], [f"{rows}/scaled"]),
                helper.make_node("Add", [f"{rows}/scaled", f"{rows}/offset"], [rows]),
            ]
            at = list(graph.node).index(node) + 1
            for offset, added in enumerate(rebuild):
                graph.node.insert(at + offset, added)
        quantized.append(name)
    return quantized
