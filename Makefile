# Every target sets up .venv itself: on a fresh clone `make demo` and `make test` are the whole set-up.
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
MO := bot/locales/zh_CN/LC_MESSAGES/messages.mo bot/locales/en/LC_MESSAGES/messages.mo

.PHONY: demo test test-hours run bench i18n lint clean

$(STAMP): pyproject.toml
	@command -v $(PY) >/dev/null 2>&1 || { echo "need $(PY) on PATH"; exit 2; }
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@# /stats charts need a font with Chinese glyphs: Debian's WenQuanYi Micro Hei unless one is there.
	fc-list :lang=zh 2>/dev/null | grep -q . || \
		{ apt-get update -qq && apt-get install -y -qq --no-install-recommends fonts-wqy-microhei; }
	@# The web board's browser tests and the demo's screenshots: Debian's Chromium, driven by
	@# Playwright (never Playwright's own browser download). MULIN_CHROMIUM may name another.
	test -n "$$MULIN_CHROMIUM" || command -v chromium >/dev/null 2>&1 || \
		{ apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium; }
	@# ... and a colour emoji font, so the screenshots show 📍 and 💡 as a phone would.
	fc-list 2>/dev/null | grep -qi emoji || \
		{ apt-get update -qq && apt-get install -y -qq --no-install-recommends fonts-noto-color-emoji; }
	touch $(STAMP)

bot/locales/%/LC_MESSAGES/messages.mo: bot/locales/%/LC_MESSAGES/messages.po $(STAMP)
	$(BIN)/pybabel compile --statistics -d bot/locales -D messages -l $*

demo: $(STAMP) $(MO)
	$(BIN)/python -m emulator.demo

test: $(STAMP) $(MO)
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/python -m pytest

# The time-sensitive tests with the clock moved to 00:30, 08:05, 09:00 and 23:59 local, on a
# Monday and a 15th (needs libfaketime: apt-get install faketime). CI runs it after `make test`.
test-hours: $(STAMP) $(MO)
	$(BIN)/python scripts/clock_runs.py

run: $(STAMP) $(MO)
	$(BIN)/python -m bot run

bench: $(STAMP) $(MO)
	$(BIN)/python -m bench

# The pybabel cycle: extract msgids from bot/, merge into both catalogs, compile.
i18n: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _ -k N_ -k n_:1,2 -k p_:1c,2 \
		--no-location --sort-output --project=mulin -o bot/locales/messages.pot .
	$(BIN)/pybabel update -i bot/locales/messages.pot -d bot/locales -D messages --no-fuzzy-matching --ignore-obsolete
	$(BIN)/python scripts/po.py fill-en
	$(BIN)/pybabel compile -d bot/locales -D messages
	$(BIN)/python scripts/po.py missing

clean:
	rm -rf $(VENV) $(MO)
