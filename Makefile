# Set-up and the two everyday commands. Each target creates .venv and installs what it needs;
# torch goes in first, from the CPU wheel, so nothing pulls a CUDA build.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.medforge-installed
PYTEST_ARGS ?=

.PHONY: demo test lint install browser clean-work

# dagster-k8s 0.29.27 pins dagster 1.13.27 (we pin 1.13.28): it goes in without its dependencies,
# which the dev extra pins (kubernetes, google-auth); tests/pipelines/test_deploy.py loads it.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q -U pip
	$(BIN)/python -m pip install -q torch==2.13.0
	$(BIN)/python -m pip install -q -e '.[dev,ray]'
	$(BIN)/python -m pip install -q --no-deps dagster-k8s==0.29.27
	touch $(STAMP)

# Label Studio lives in its own venv (it would downgrade openai and pyarrow here); the review
# integration tests start it on 127.0.0.1.
LABEL_STUDIO := .venv-labelstudio/bin/label-studio
$(LABEL_STUDIO): | $(STAMP)
	$(BIN)/python -m annotation.server install

# The browser test of the review view drives Debian's Chromium (fonts-noto-cjk: Chinese and Japanese
# items render as text in its screenshots, not as boxes).
BROWSER := /usr/bin/chromedriver
$(BROWSER):
	apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium chromium-driver fonts-noto-cjk

browser: $(BROWSER)

install: $(STAMP) $(LABEL_STUDIO) $(BROWSER)

demo: $(STAMP)
	$(BIN)/medforge demo

# pytest exit code 5 means no tests were collected: that is a failure here, never a pass.
test: $(STAMP) $(LABEL_STUDIO) $(BROWSER)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/python -m pytest $(PYTEST_ARGS); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests: failing"; exit 1; fi; exit $$rc

lint: $(STAMP)
	$(BIN)/ruff check . && $(BIN)/ruff format --check . && $(BIN)/lint-imports

clean-work:
	rm -rf .medforge/work
