# One image for every role (web, worker, beat); the command picks the role.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app
COPY pyproject.toml README.md ./
COPY audio ./audio
COPY service ./service
COPY workers ./workers
RUN pip install . && useradd --create-home bantin && mkdir -p /data && chown bantin /data
USER bantin
ENV BANTIN_VAR_DIR=/data AUDIO_DIR=/data/audio CACHE_DIR=/data/cache
EXPOSE 8000
CMD ["gunicorn", "-c", "python:service.web.gunicorn_conf", "service.web.app:create_app()"]
