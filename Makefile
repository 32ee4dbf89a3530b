# Two commands a newcomer needs: `make run` and `make test`. Both build .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DATA ?= yoriai-data
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

# The suite runs on this many worker processes (pytest-xdist): the benchmark machine has 2
# cores, and the browser tests spend much of their time waiting on Chromium and the server.
TEST_WORKERS ?= 2

.PHONY: run test typecheck bench clean screenshots

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	rm -f $(VENV)/.installed-*
	touch $@

run: $(STAMP)
	$(BIN)/yoriai demo --if-empty --map --data $(DATA)
	$(BIN)/yoriai serve --data $(DATA)

# The JavaScript type check: TypeScript's tsc --checkJs over the JSDoc types of the browser
# client (tsconfig.json), installed from package-lock.json with npm ci. It needs node, which
# CI has (.ci/run); where there is none, make test says it skipped it and goes on.
NODE_STAMP := node_modules/.installed-$(shell cat package-lock.json | cksum | cut -d' ' -f1)

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

typecheck: $(NODE_STAMP)
	node_modules/.bin/tsc -p tsconfig.json

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy
	@if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then \
		$(MAKE) --no-print-directory typecheck; \
	else echo "JavaScript type check skipped: node and npm are not installed"; fi
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile

bench: $(STAMP)
	$(BIN)/python bench/broadcast.py

clean:
	rm -rf $(VENV) build *.egg-info node_modules

# The pictures in README.md and docs/guide*.md, taken by the browser tests of the real
# pages (Chromium needs a Japanese font to draw them: Debian's fonts-noto-cjk).
DOC_PICTURES := phone-join-375 phone-confirm-375 phone-companions-375 phone-practice-375 \
	screen-join screen-confirm screen-companions screen-activity screen-practice screen-future \
	console-companions console-practice \
	screen-tables screen-tables-sharing console-tables phone-tables-375 \
	screen-map phone-map-375 console-map
screenshots: $(STAMP)
	dpkg -s fonts-noto-cjk >/dev/null 2>&1 || \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-cjk)
	$(BIN)/python -m pytest tests/browser/test_guide_pictures.py \
		tests/browser/test_guide_pictures_tables.py tests/browser/test_guide_pictures_map.py -q
	mkdir -p docs/images
	for p in $(DOC_PICTURES); do cp artifacts/screenshots/guide-$$p.png docs/images/$$p.png; done
