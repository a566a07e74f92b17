# sozialraum — the two set-up commands of the README: `make demo` and `make test`.
# Both create .venv on first use and install what they need.  `make test` also
# installs the system packages its browser and QGIS suites need (apt-get, when
# run as root); otherwise it prints the exact command and those suites are
# reported as skipped.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
OUT    ?= out/demo
PYTEST_ARGS ?=

# Debian packages for the browser tests (web maps, PDF) and the QGIS plugin tests.
SYS_BROWSER := chromium chromium-driver
SYS_QGIS    := python3-qgis qgis-providers qgis python3-venv
SYS_PDF     := poppler-utils
SYS_POSTGIS := postgresql postgresql-15-postgis-3

QGIS_VENV  := .venv-qgis
QGIS_STAMP := $(QGIS_VENV)/.installed

.PHONY: demo browser test bench lint venv sysdeps clean docs qgis-venv plugin

venv: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,dev,docs]'
	@# bytecode of the library, as pip writes it for a regular install (an editable one has none):
	@# a run does not compile its modules again where Python may not write them (PYTHONDONTWRITEBYTECODE)
	@$(PY) -m compileall -q src >/dev/null
	@touch $(STAMP)

# The demo prints PDFs, which needs a browser: as root it installs Debian's Chromium;
# otherwise (or if that fails) it runs without PDFs and says how to get them.
DEMO_RUN   := $(PY) -m sozialraum run examples/musterland/monitor.toml --out $(OUT)
HAS_BROWSER = $(PY) -c "from sozialraum.report.pdf import find_chromium; find_chromium()" >/dev/null 2>&1

demo: $(STAMP) browser
	@if $(HAS_BROWSER); then \
	  echo "$(DEMO_RUN)"; $(DEMO_RUN); \
	else \
	  echo "Kein Browser für PDF-Dateien gefunden: die Demo läuft ohne PDF (sudo apt-get install -y chromium, dann make demo)."; \
	  $(DEMO_RUN) --ohne pdf; \
	fi

browser: $(STAMP)
	@$(HAS_BROWSER) \
	  || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 \
	       && echo "Installiere Chromium für die PDF-Dateien der Demo" \
	       && export DEBIAN_FRONTEND=noninteractive \
	       && { apt-get install -y -qq --no-install-recommends $(SYS_BROWSER) >/dev/null 2>&1 \
	            || { apt-get update -qq && apt-get install -y -qq --no-install-recommends $(SYS_BROWSER) >/dev/null; }; }; } \
	  || true

sysdeps:
	@missing=""; \
	test -x /usr/bin/chromium || missing="$$missing $(SYS_BROWSER)"; \
	{ test -x /usr/bin/python3 && /usr/bin/python3 -c "import qgis.core" 2>/dev/null; } || missing="$$missing $(SYS_QGIS)"; \
	command -v pdftotext >/dev/null 2>&1 || missing="$$missing $(SYS_PDF)"; \
	ls /usr/share/postgresql/*/extension/postgis.control >/dev/null 2>&1 || missing="$$missing $(SYS_POSTGIS)"; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "Installiere Systempakete:$$missing"; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get install -y -qq --no-install-recommends $$missing >/dev/null 2>&1 \
	    || { apt-get update -qq && apt-get install -y -qq --no-install-recommends $$missing; } \
	    || echo "WARNUNG: apt-get konnte$$missing nicht installieren; die betroffenen Tests werden übersprungen."; \
	else \
	  echo "Systempakete fehlen:$$missing"; \
	  echo "  Installieren mit: sudo apt-get install -y --no-install-recommends$$missing"; \
	  echo "  Bis dahin werden die Browser-, PDF-, QGIS- bzw. PostGIS-Tests als übersprungen gemeldet."; \
	fi

# QGIS's own Python (Debian's /usr/bin/python3) with the library and the pins QGIS needs
qgis-venv:
	@if /usr/bin/python3 -c "import qgis.core" 2>/dev/null; then $(MAKE) --no-print-directory $(QGIS_STAMP); \
	else echo "QGIS fehlt für /usr/bin/python3: QGIS-Plugin-Tests werden übersprungen."; fi

$(QGIS_STAMP): pyproject.toml
	@test -x $(QGIS_VENV)/bin/python || /usr/bin/python3 -m venv --system-site-packages $(QGIS_VENV)
	$(QGIS_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(QGIS_VENV)/bin/python -m pip install --quiet -e '.[test]' 'numpy<2' 'attrs>=23.2' 'pyarrow<26'
	@touch $(QGIS_STAMP)

# the installable plugin ZIP (dist/)
plugin:
	$(PYTHON) qgis_plugin/build.py

test: $(STAMP) sysdeps qgis-venv
	$(PY) -m pytest $(PYTEST_ARGS)

bench: $(STAMP)
	$(PY) benchmarks/run.py

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests benchmarks examples
	$(VENV)/bin/ruff format --check src tests benchmarks examples

docs: $(STAMP)
	$(VENV)/bin/mkdocs build --strict

clean:
	rm -rf out dist .pytest_cache .ruff_cache .hypothesis test-artifacts
