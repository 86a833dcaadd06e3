# The placement service: `placement serve` on port 8000, configured by PLACEMENT_* variables.
# Build: docker build -t penempatan .   Run with PostgreSQL: see compose.yaml.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
COPY pyproject.toml constraints.txt README.md ./
COPY placement ./placement
COPY solvers ./solvers
COPY api ./api
COPY benchmarks ./benchmarks
RUN pip install -c constraints.txt . \
    && useradd --system --uid 10001 --home-dir /app placement \
    && mkdir -p /app/placement-data \
    && chown placement /app/placement-data

USER placement
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/readyz', timeout=4)"]
ENTRYPOINT ["placement"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8000"]
