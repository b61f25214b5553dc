# runstrong's web page as a service: `docker compose up` (compose.yaml) runs it on
# PostgreSQL; alone, it keeps a SQLite file in the /data volume.
#   docker build -t runstrong .
#   docker run -p 8000:8000 -v runstrong-data:/data runstrong
# Settings come from the environment (runstrong serve --help lists them all):
# RUNSTRONG_DATABASE_URL, RUNSTRONG_WORKERS, RUNSTRONG_PUBLIC_URL, RUNSTRONG_CLUSTER.

FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md catalog.csv ./
COPY planner ./planner
COPY constraints ./constraints
# the lean install plus the PostgreSQL driver, in a venv copied whole to the final image
RUN python -m venv /opt/runstrong && /opt/runstrong/bin/pip install --no-cache-dir '.[postgres]'

FROM python:3.11-slim
COPY --from=build /opt/runstrong /opt/runstrong
RUN useradd --system --uid 10001 --user-group --home-dir /data --create-home runstrong
ENV PATH=/opt/runstrong/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    RUNSTRONG_PORT=8000 \
    RUNSTRONG_WORKERS=2 \
    RUNSTRONG_DATABASE_URL=/data/runstrong.sqlite3
USER runstrong
WORKDIR /data
VOLUME ["/data"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:' + os.environ['RUNSTRONG_PORT'] + '/healthz', timeout=4)"]
# exec form: the server is PID 1 and gets docker's SIGTERM itself
CMD ["runstrong", "serve", "--host", "0.0.0.0"]
