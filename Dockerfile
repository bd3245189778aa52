# The ownerscope app image (used by docker-compose.yml; see there).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# Unicode fonts for the PDF report (DejaVu Sans; a CJK fallback)
RUN apt-get update && apt-get install -y --no-install-recommends fonts-dejavu-core fonts-droid-fallback \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /src
COPY pyproject.toml README.md ./
COPY ownerscope ./ownerscope
# the `fast` extra adds neo4j-rust-ext (Bolt encoding in Rust: ingest into Neo4j 1.2x faster on new data,
# 3.4x on re-ingest; BENCHMARKS.md)
RUN pip install ".[fast]" && rm -rf /src

RUN useradd --create-home --uid 10001 ownerscope
USER ownerscope
WORKDIR /home/ownerscope
ENV OWNERSCOPE_HOME=/home/ownerscope/data
EXPOSE 8050
CMD ["ownerscope", "serve", "--host", "0.0.0.0", "--port", "8050"]
