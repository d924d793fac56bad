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

.PHONY: install run test test-cache lint faults bench fixtures clean-demo constraints translations messages

# constraints.txt : les versions exactes que la CI a testées (pip freeze de l'environnement de la CI, sans
# le projet). Une machine neuve installe les mêmes. Après un changement de dépendance dans pyproject.toml :
# installer, tester, puis `make constraints`.
$(STAMP): pyproject.toml constraints.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -c constraints.txt -e '.[test]'
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
	@# La CI lance ce second passage à part, en même temps que la suite (SKIP_TEST_CACHE=1, voir .ci/run).
	@if [ "$(SKIP_TEST_CACHE)" != "1" ]; then $(MAKE) --no-print-directory test-cache; fi

# La suite du consentement et la matrice une seconde fois, cache des pages allumé (SQLite) : 0 fuite.
test-cache: $(STAMP)
	@echo "== Suite du consentement et matrice, cache des pages allumé =="
	PAROLES_PAGE_CACHE=1 $(PY) -m pytest -q -p no:cacheprovider -m "not browser" consent/tests

# Les couches et l'absence de cercles d'imports (contrats import-linter dans pyproject.toml).
lint: $(STAMP)
	$(VENV)/bin/lint-imports

faults: $(STAMP)
	$(PY) -m pytest -m faults -q $(PYTEST_ARGS)

constraints: $(STAMP)
	@{ echo "# Versions exactes testées par la CI (pip freeze, sans le projet) : \`make\` installe avec \`pip install -c constraints.txt\`."; \
	   echo "# Régénérer avec \`make constraints\` après un changement de dépendance."; \
	   $(PIP) freeze --exclude-editable | grep -v '^-e'; } > constraints.txt

bench: $(STAMP)
	$(PY) bench/renditions.py
	$(PY) bench/transcription.py
	$(PY) bench/wer.py
	$(PY) bench/pages.py
	$(PY) bench/dashboard.py

fixtures: $(STAMP)
	$(PY) demo/data/make_recordings.py
