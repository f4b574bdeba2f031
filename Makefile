# Two commands for a fresh machine: `make report` and `make test`.
# Each creates .venv and installs the locked dependencies and the package on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
# Exact versions and hashes of every dependency, for Python 3.11 on Linux (`make lock` remakes it).
LOCK := requirements.lock
# uv installs the lock (bootstrapped into the venv from the package index); INSTALLER=pip forces pip.
INSTALLER ?= uv
TEST_WORKERS ?= auto
DATA ?= data/samples
OUT ?= reports
JOBS ?=
CHROMIUM := /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: report test test-fast lint bench bench-setup lock app notebook-outputs clean

# The lock's packages with their hashes checked, then the package itself (editable, nothing more).
# uv is tried first; where it cannot be installed, pip does the same from the same lock.
$(STAMP): $(LOCK) pyproject.toml
	$(PYTHON) -m venv $(VENV)
	@if [ "$(INSTALLER)" = uv ] && $(BIN)/python -m pip install --quiet --disable-pip-version-check uv; then \
	  echo "installing $(LOCK) with uv"; \
	  $(BIN)/uv pip install --quiet --python $(BIN)/python --compile-bytecode --require-hashes -r $(LOCK) && \
	  $(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .; \
	else \
	  echo "installing $(LOCK) with pip"; \
	  $(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r $(LOCK) && \
	  $(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .; \
	fi
	touch $(STAMP)

# After changing the dependencies in pyproject.toml: remake the lock, then commit it with
# pyproject.toml and environment.yml (tests/test_lock.py checks the three agree). Versions already
# locked are kept where they still fit; `make lock UPGRADE=1` moves every package to its newest release.
lock:
	[ -x $(BIN)/uv ] || { $(PYTHON) -m venv $(VENV) && $(BIN)/python -m pip install --quiet uv; }
	$(BIN)/uv pip compile pyproject.toml --extra test --generate-hashes --python-version 3.11 \
	  --python-platform linux $(if $(UPGRADE),--upgrade) --quiet -o $(LOCK)

# Debian's chromium, for the browser tests (never a browser download of the test tool's own).
$(CHROMIUM):
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium

# The main job: the board's report pack (the board paper, portfolio, every request, comparison, every summit,
# index.html), plus the answers as JSON and CSV for other tools. PDF=1: a PDF beside each report too (needs
# chromium). BOARD=1: the board paper alone (three printed pages or fewer). PLOTLY=shared: one plotly.min.js
# beside the reports, for a pack published together (default: each report self-contained, for e-mail).
report: $(STAMP) $(if $(PDF),$(CHROMIUM))
	$(BIN)/imaging-value report $(if $(BOARD),--board,--all) --data $(DATA) --out $(OUT) $(if $(JOBS),--jobs $(JOBS)) $(if $(PDF),--pdf) $(if $(PLOTLY),--plotly $(PLOTLY))
	$(BIN)/imaging-value export --data $(DATA) --out $(OUT)/data

# In parallel (pytest-xdist): one process per core by default; TEST_WORKERS=0 runs them in this one.
# --dist loadgroup keeps each notebook's cells, and the browser tests, each in one process.
test: lint $(CHROMIUM)
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadgroup --nbval-lax tests notebooks

# The unit tier, for the edit loop: everything but the browser, kernel, papermill, Voila, wheel and
# whole-process tests (marked slow in conftest.py). No lint, no chromium needed.
test-fast: $(STAMP)
	$(BIN)/python -m pytest -n $(TEST_WORKERS) -m "not slow" tests

# The structure and the style: the layers contract (imports inside functions included), ruff's lint and
# format check, and mypy on the lower layers (core, maths, model). Part of `make test`.
lint: $(STAMP)
	$(BIN)/lint-imports --no-cache
	$(BIN)/ruff check lib tests bench
	$(BIN)/ruff format --check lib tests bench
	$(BIN)/mypy

# The package as a user installs it (CI runs this after the tests): a wheel built from a clean copy of
# the tree, installed with the lock in a fresh environment in a temporary folder, renders one report.
.PHONY: check-installed
check-installed: $(STAMP)
	[ -x $(BIN)/uv ] || $(BIN)/python -m pip install --quiet uv
	$(BIN)/python .ci/check_installed.py

bench: $(STAMP) $(CHROMIUM)
	$(BIN)/python bench/bench_cli.py
	$(BIN)/python bench/run.py
	$(BIN)/python bench/bench_render.py
	$(BIN)/python bench/bench_latency.py
	$(BIN)/python bench/bench_valuation.py
	$(BIN)/python bench/valuation_reference.py --choose
	$(BIN)/python bench/bench_summit.py
	$(BIN)/python bench/bench_register.py
	$(BIN)/python bench/bench_negotiation.py

# First `make report` on a clean clone: the old unlocked pip install against the lock with uv.
bench-setup:
	$(PYTHON) bench/bench_setup.py

# The explorer as a local web app (Voila on 127.0.0.1 only; PORT=8866, MAX_PAGES=4 by default).
app: $(STAMP)
	$(BIN)/python -m imaging_value.explore.app $(if $(PORT),--port $(PORT)) $(if $(MAX_PAGES),--max-pages $(MAX_PAGES))

# After changing the framework's answers on purpose: store the new checked summaries in the notebooks.
notebook-outputs: $(STAMP)
	$(BIN)/python -m imaging_value.render.nbstore notebooks/01-portfolio.ipynb notebooks/02-request.ipynb notebooks/03-compare.ipynb notebooks/04-summit.ipynb notebooks/08-negotiation.ipynb

clean:
	rm -rf $(VENV)
	find $(OUT) -mindepth 1 ! -name README.md -exec rm -rf {} +
