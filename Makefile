# Two commands for a fresh machine: `make report` and `make test`.
# Each creates .venv and installs the package on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
DATA ?= data/samples
OUT ?= reports
JOBS ?=
CHROMIUM := /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: report test bench app notebook-outputs clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $(STAMP)

# Debian's chromium, for the browser tests (never a browser download of the test tool's own).
$(CHROMIUM):
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium

# The main job: the board's report pack (portfolio, every request, comparison, index.html),
# plus the answers as JSON and CSV for other tools.
report: $(STAMP)
	$(BIN)/imaging-value report --all --data $(DATA) --out $(OUT) $(if $(JOBS),--jobs $(JOBS))
	$(BIN)/imaging-value export --data $(DATA) --out $(OUT)/data

test: $(STAMP) $(CHROMIUM)
	$(BIN)/python -m pytest --nbval-lax tests notebooks

bench: $(STAMP) $(CHROMIUM)
	$(BIN)/python bench/run.py
	$(BIN)/python bench/bench_render.py
	$(BIN)/python bench/bench_latency.py
	$(BIN)/python bench/bench_valuation.py

# The explorer as a local web app (Voila on 127.0.0.1 only; PORT=8866 by default).
app: $(STAMP)
	$(BIN)/python -m imaging_value.app $(if $(PORT),--port $(PORT))

# After changing the framework's answers on purpose: store the new checked summaries in the notebooks.
notebook-outputs: $(STAMP)
	$(BIN)/python -m imaging_value.nbstore notebooks/01-portfolio.ipynb notebooks/02-request.ipynb notebooks/03-compare.ipynb

clean:
	rm -rf $(VENV)
	find $(OUT) -mindepth 1 ! -name README.md -exec rm -rf {} +
