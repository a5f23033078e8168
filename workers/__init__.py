"""Celery workers: the composition root (`celery_app`), thin tasks, and the pipeline."""
