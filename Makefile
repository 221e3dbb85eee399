# Canyu: `make run` serves the site on the embedded set-up; `make test` runs the suite; `make check` runs
# Django's checks and the linters.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Development, tests and CI install requirements-dev.txt (which includes requirements.txt);
# production installs what Canyu needs to run alone: make REQUIREMENTS=requirements.txt ...
REQUIREMENTS ?= requirements-dev.txt
STAMP := $(VENV)/.installed-$(shell $(PYTHON) -c "import hashlib;print(hashlib.sha1(b''.join(open(f,'rb').read() for f in ('requirements.txt','$(REQUIREMENTS)'))).hexdigest()[:12])")
PORT ?= 8000
# `make test` runs the suite in this many processes at once (pytest-xdist; what each keeps to itself:
# tests/parallel.py); 0 runs it in one. PYTEST_ARGS adds options or picks tests: PYTEST_ARGS=forum.
PYTEST_WORKERS ?= 2
MO := locale/zh_Hans/LC_MESSAGES/django.mo

.PHONY: run test install messages compilemessages check lint format bench bench-storm bench-growth bench-releases bench-ideas bench-reports bench-summary bench-honour bench-quiz bench-search clean

# The demo has five reporters: a lower Popcorn Award minimum than production's lets it show a winner.
run: export VOTING_AWARD_MIN_REPORTS ?= 3
run: install compilemessages
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py reindex --if-empty
	$(BIN)/python manage.py seed_demo
	@echo "Canyu is at http://127.0.0.1:$(PORT)/ (with a worker and beat: the weekly loop runs by itself)"
	$(BIN)/python manage.py serve 127.0.0.1:$(PORT)

# Where PYTHONDONTWRITEBYTECODE is set, every pytest worker and every manage.py or celery process a test
# starts would compile the project again (and pytest rewrite the tests' asserts, some 5 s a worker):
# the compiled files are kept under var/pycache instead.
test: export PYTHONDONTWRITEBYTECODE :=
test: export PYTHONPYCACHEPREFIX ?= $(CURDIR)/var/pycache
test: install compilemessages
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

install: $(STAMP)

$(STAMP): requirements.txt $(REQUIREMENTS)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r $(REQUIREMENTS)
	rm -f $(VENV)/.installed-*
	touch $@

# Compiled catalogues are built, not committed (Babel: no GNU gettext needed).
compilemessages: $(MO)

$(MO): locale/zh_Hans/LC_MESSAGES/django.po $(STAMP)
	$(BIN)/pybabel compile --domain=django --directory=locale --locale=zh_Hans --statistics

# Re-extract strings after changing templates or code (needs GNU gettext).
messages: install
	$(BIN)/python manage.py makemessages --locale=zh_Hans --no-obsolete --ignore=.venv --ignore=var --ignore=bench
	$(MAKE) compilemessages

# The forum benchmark (PostgreSQL, Redis and Debian's wrk on this machine): see bench/README.md.
bench: install compilemessages
	$(BIN)/python bench/forum_bench.py $(BENCH_ARGS)

# The hot thread read under 0, 2, 10 and 30 replies/s through the reply form, with a Celery worker
# (PostgreSQL, Redis, wrk): see bench/README.md.
bench-storm: install compilemessages
	$(BIN)/python bench/storm_bench.py $(BENCH_ARGS)

# Page 1 against the deep pages at 40 000, 400 000 and 1 000 000 posts (PostgreSQL, Redis): see bench/README.md.
bench-growth: install compilemessages
	$(BIN)/python bench/growth_bench.py $(BENCH_ARGS)

# Publishing a release to 100 000 followers (PostgreSQL and Redis): see bench/README.md.
bench-releases: install
	$(BIN)/python bench/release_bench.py $(BENCH_ARGS)

# The ideas lists with 50 000 ideas and 2 000 000 votes (PostgreSQL, Redis, wrk): see bench/README.md.
bench-ideas: install compilemessages
	$(BIN)/python bench/ideas_bench.py $(BENCH_ARGS)

# Tallying and freezing 100 000 four-cell reports, and submitting under 50 concurrent fans (PostgreSQL, Redis).
bench-reports: install
	$(BIN)/python bench/report_bench.py $(BENCH_ARGS)

# The product managers' summary of a release with 100 000 reports, live and frozen (PostgreSQL, Redis).
bench-summary: install compilemessages
	$(BIN)/python bench/summary_bench.py $(BENCH_ARGS)

# 100 000 quiz attempts, the live ones by 50 concurrent fans, then the freeze (PostgreSQL, Redis):
# `make bench-quiz ATTEMPTS=1000000` for a million.
ATTEMPTS ?= 100000
bench-quiz: install
	$(BIN)/python bench/quiz_bench.py --attempts $(ATTEMPTS) $(BENCH_ARGS)

# Search over 1 000 000 posts of Chinese and English (PostgreSQL, Redis, wrk): see bench/README.md.
bench-search: install compilemessages
	$(BIN)/python bench/search_bench.py $(BENCH_ARGS)

check: install
	$(BIN)/python manage.py check
	$(MAKE) --no-print-directory lint

# ruff's rules on the whole tree, mypy (django-stubs) on the process modules, and the import contract
# between apps (import-linter): pyproject.toml says which rules, which modules and which direction.
# The tree is formatted with ruff (`make format`); FORMAT_CHECK=no skips the format check.
FORMAT_CHECK ?= yes
lint: install
	$(BIN)/ruff check .
	@if [ "$(FORMAT_CHECK)" = yes ]; then echo "$(BIN)/ruff format --check ."; $(BIN)/ruff format --check .; fi
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache

# The fixes ruff is sure of, then the formatter, on the whole tree.
format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) var $(MO) .mypy_cache .ruff_cache

# Points, levels and medals: recount of a large ledger, leaderboards of many fans (PostgreSQL): bench/README.md.
bench-honour: install
	$(BIN)/python bench/honour_bench.py $(BENCH_ARGS)
