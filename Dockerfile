# The credentials service in production: gunicorn (sync workers) behind your TLS proxy,
# PostgreSQL (see compose.yaml). No secrets are baked in: CREDENTIALS_KEY_PASSPHRASE,
# CREDENTIALS_SECRET_KEY and CREDENTIALS_DATABASE_URL come from the environment at run
# time (deploy/env.example). `serve --production` refuses to start without them.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN groupadd --system --gid 10001 credentials \
 && useradd --system --uid 10001 --gid credentials --home-dir /srv/credentials --no-create-home \
      --shell /usr/sbin/nologin credentials

WORKDIR /srv/credentials
COPY pyproject.toml README.md ./
COPY credentials ./credentials
COPY issuer ./issuer
COPY verifier ./verifier
RUN pip install . && rm -rf build ./*.egg-info

COPY deploy/entrypoint.sh /usr/local/bin/credentials-entrypoint
# The key store (encrypted private keys) and the instance folder live on volumes; 0700,
# owned by the service user. (chmod here, not COPY --chmod: that needs BuildKit.)
RUN chmod 0755 /usr/local/bin/credentials-entrypoint \
 && mkdir -p /srv/credentials/keys /srv/credentials/instance \
 && chown credentials:credentials /srv/credentials/keys /srv/credentials/instance \
 && chmod 0700 /srv/credentials/keys /srv/credentials/instance

ENV CREDENTIALS_KEYS_DIR=/srv/credentials/keys \
    CREDENTIALS_INSTANCE_DIR=/srv/credentials/instance \
    CREDENTIALS_LOG_FORMAT=json \
    WORKERS=2
VOLUME ["/srv/credentials/keys", "/srv/credentials/instance"]

USER credentials
EXPOSE 5000

# Liveness only (/healthz touches no database); orchestrators probe /readyz for readiness.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:5000/healthz', timeout=4)"]

# Runs `credentials init` (create or upgrade the database), then
# `credentials serve --production --host 0.0.0.0 --workers ${WORKERS:-2}`.
ENTRYPOINT ["credentials-entrypoint"]
