# syntax=docker/dockerfile:1
# Two stages: build the venv and fetch the embedding model, then a slim runtime as a non-root user.

FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY knowledge ./knowledge
COPY prompts ./prompts
RUN pip install .
# The all-MiniLM-L6-v2 ONNX model, fetched now so no request ever waits for a download.
RUN HOME=/tmp/model-home python -c "from chromadb.utils.embedding_functions import ONNXMiniLM_L6_V2; ONNXMiniLM_L6_V2()._download_model_if_not_exists()" \
 && mkdir -p /opt/model \
 && cp -r /tmp/model-home/.cache/chroma/onnx_models/all-MiniLM-L6-v2/onnx/. /opt/model/ \
 && test -f /opt/model/model.onnx
# Its prepared copy (bot/bank/model_cache.py: a float16 word-embedding table, 23 MB less RSS).
RUN python -c "from pathlib import Path; from bot.bank.model_cache import prepared_model; \
print(prepared_model(Path('/opt/model/model.onnx'), Path('/opt/model-cache')))" \
 && ls /opt/model-cache/*/model.onnx

FROM python:3.11-slim
RUN useradd --create-home --uid 10001 bot && mkdir -p /data && chown bot:bot /data
COPY --from=build /opt/venv /opt/venv
COPY --from=build /opt/model /opt/model
COPY --from=build /opt/model-cache /opt/model-cache
# MALLOC_ARENA_MAX: glibc gives each thread that embeds its own heap, kept for good; two heaps
# save ~45 MB of RSS (bench/footprint.py).
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    EMBEDDING_MODEL_DIR=/opt/model \
    MODEL_CACHE_DIR=/opt/model-cache \
    DATA_DIR=/data \
    PORT=3000 \
    MALLOC_ARENA_MAX=2
USER bot
WORKDIR /home/bot
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s \
  CMD python -c "import os, urllib.request; urllib.request.urlopen(f'http://127.0.0.1:{os.environ.get(\"PORT\", \"3000\")}/healthz', timeout=4)"
ENTRYPOINT ["interview-bot", "run"]
