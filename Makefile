# Two commands for a fresh machine: `make report` and `make test`.
# Each creates .venv and installs the package on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
DATA ?= data/samples
OUT ?= reports

.PHONY: report test bench app clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $(STAMP)

report: $(STAMP)
	$(BIN)/imaging-value export --data $(DATA) --out $(OUT)

test: $(STAMP)
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) $(OUT)/*.json $(OUT)/*.csv $(OUT)/*.html
