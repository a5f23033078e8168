# The two commands: `make run` and `make test`. Everything installs with pip into .venv.
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | sha1sum | cut -c1-12)

.PHONY: run test prod-check install lint bench clean

$(BIN)/python:
	$(PY) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/bantin run

test: install
	$(BIN)/pytest -q

# The production processes (nginx, gunicorn, worker, beat) natively, over this machine's
# PostgreSQL and Redis, and the whole flow through them (tests/prod).
prod-check: install
	BANTIN_PROD_CHECK=1 \
	DATABASE_URL=$${DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/test} \
	REDIS_URL=$${REDIS_URL:-redis://127.0.0.1:6379/0} \
	$(BIN)/pytest -q tests/prod

lint: install
	$(BIN)/ruff check audio service workers tests bench
	$(BIN)/mypy audio service workers
	$(BIN)/lint-imports

bench: install  # `make bench BENCH=--quick`: small settings, an end-to-end check
	$(BIN)/pip install --quiet vietnormalizer sea-g2p g2p-hamster  # the normalizer's rivals
	$(BIN)/python bench/normalize.py $(BENCH)
	$(BIN)/python bench/pipeline.py $(BENCH)
	$(BIN)/python bench/encode.py $(BENCH)
	$(BIN)/python bench/mp3_quality.py $(BENCH)
	$(BIN)/python bench/first_audio.py $(BENCH)
	$(BIN)/python bench/burst.py $(BENCH)
	$(BIN)/python bench/memory.py $(BENCH)
	$(BIN)/python bench/scaling.py $(BENCH)
	$(BIN)/python bench/load.py $(BENCH)
	$(BIN)/python bench/report.py

clean:
	rm -rf var/audio var/cache var/bantin.db* var/redis
