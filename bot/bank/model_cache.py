"""A prepared copy of the embedding model whose word-embedding table is stored in half precision.

The table (30,522 words x 384 floats) is half the model's weights, and each text only reads the
rows of its own words. Kept as float16 and cast back to float32 right after the lookup, it takes
23 MB less memory, while the vectors stay the same to within 3e-5 (cosine 0.9999999 with the
original's; `tests/bank/test_model_cache.py`). The transformer layers are untouched. An int8
copy of the whole model was measured and rejected: it cost German answers 0.055 of Pearson r
against human grades on SAF (`bench/calibrate.py`).

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
PREPARATION = "fp16-lookup-tables-1"  # change it when `_prepare` changes: old copies are ignored
TABLE_MIN_VALUES = 1 << 20  # smaller tables aren't worth a cast
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
    tables = _halve_lookup_tables(graph_model.graph)
    if not tables:
        raise ValueError("no lookup table to store in half precision")
    scratch = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", dir=folder.parent))
    try:
        onnx.save(graph_model, str(scratch / PREPARED_NAME))
        try:
            os.rename(scratch, folder)
        except OSError:
            if not (folder / PREPARED_NAME).is_file():  # not another process's copy: a failure
                raise
        log.info("embedding model: prepared copy in %s (float16: %s)", folder, ", ".join(tables))
    finally:
        with contextlib.suppress(OSError):
            shutil.rmtree(scratch)


def _halve_lookup_tables(graph) -> list[str]:
    """Store each big initializer that only `Gather` nodes read from in float16, with a cast
    back to float32 after each of those lookups. Returns the tables' names."""
    import numpy as np
    from onnx import TensorProto, helper, numpy_helper

    readers: dict[str, list] = {}
    for node in graph.node:
        for position, name in enumerate(node.input):
            readers.setdefault(name, []).append((node, position))
    halved = []
    for index, initializer in enumerate(graph.initializer):
        nodes = readers.get(initializer.name, [])
        is_table = nodes and all(n.op_type == "Gather" and pos == 0 for n, pos in nodes)
        values = np.prod(initializer.dims) if initializer.dims else 0
        if not is_table or values < TABLE_MIN_VALUES:
            continue
        if initializer.data_type != TensorProto.FLOAT:
            continue
        table = numpy_helper.to_array(initializer).astype(np.float16)
        graph.initializer[index].CopyFrom(numpy_helper.from_array(table, initializer.name))
        for node, _ in nodes:
            looked_up = node.output[0]
            node.output[0] = f"{looked_up}/float16"
            cast = helper.make_node(
                "Cast", [node.output[0]], [looked_up], to=TensorProto.FLOAT, name=f"{looked_up}/up"
            )
            graph.node.insert(list(graph.node).index(node) + 1, cast)
        halved.append(initializer.name)
    return halved
