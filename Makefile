# Paroles : deux commandes suffisent sur une Debian neuve.
#   make run   → environnement, installation, migrations, archive de démonstration, site + travailleur
#   make test  → installation et suite de tests complète

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: install run test bench fixtures clean-demo translations messages

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e '.[test]'
	@touch $(STAMP)

install: $(STAMP)

# Catalogues de traduction compilés en Python pur (polib) : aucun besoin de GNU gettext.
translations: $(STAMP)
	@$(PY) manage.py compile_translations -v0

# Après avoir modifié des textes : extraction (demande GNU gettext, paquet Debian « gettext »).
messages: $(STAMP)
	$(PY) manage.py update_translations

run: $(STAMP) translations
	@echo "Migrations de la base…"
	@$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py load_demo --if-empty
	$(PY) manage.py run_paroles --host $(HOST) --port $(PORT)

test: $(STAMP) translations
	$(PY) -m pytest $(PYTEST_ARGS) || [ $$? -eq 5 ]  # 5 = aucun test collecté : pas un échec

bench: $(STAMP)
	$(PY) bench/renditions.py
	$(PY) bench/transcription.py
	$(PY) bench/wer.py
	$(PY) bench/pages.py
	$(PY) bench/dashboard.py

fixtures: $(STAMP)
	$(PY) media_library/fixtures/make_fixtures.py
