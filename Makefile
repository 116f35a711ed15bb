# The README's two commands: `make run` and `make test`. Both create .venv when it is missing.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
# Debian packages the tests need: a virtual X server, a D-Bus session bus and a notification daemon for the
# desktop-notification tests, the X libraries Qt's xcb platform plugin loads under Xvfb, and the brokers the
# Celery tests start themselves (redis-server, rabbitmq-server: no service is used, nothing runs as a daemon).
DEB_TEST_PACKAGES := xvfb xauth dbus dbus-x11 dunst libnotify-bin x11-utils redis-server rabbitmq-server \
	libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libdbus-1-3 libxcb-cursor0 \
	libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 libxcb-xinerama0 libxcb-shape0 \
	libxcb-randr0 libxcb-xfixes0 libxcb-xkb1 \
	$(DEB_WEBENGINE_PACKAGES)
# What Qt WebEngine (libQt6WebEngineCore and QtWebEngineProcess, found with ldd) loads beyond the lines above:
# the browser fetcher's helper and the interactive browser window. `make run` needs them as well. (Debian
# 12 names; on 13 libasound2 is libasound2t64 and libglib2.0-0 is libglib2.0-0t64.)
DEB_WEBENGINE_PACKAGES := libnss3 libnspr4 libxcomposite1 libxdamage1 libxrandr2 libxtst6 libxkbfile1 \
	libasound2 libgbm1 libdrm2 libxcb-dri3-0 libwayland-server0 libglib2.0-0 libx11-6 libxext6 libxfixes3 \
	libxrender1 libfreetype6 libpng16-16 libbrotli1 libkrb5-3 libgssapi-krb5-2 libglx0
DEB_BENCH_PACKAGES := redis-server rabbitmq-server
# What the window needs on a desktop: the libraries Qt's xcb platform plugin loads (the same list
# pricewatch/desktop/preflight.py checks before Qt starts).
DEB_RUN_PACKAGES := libegl1 libgl1 libfontconfig1 libfreetype6 libxkbcommon0 libdbus-1-3 libx11-6 libxcb1 \
	libxcb-cursor0 libxkbcommon-x11-0 libxcb-icccm4 libxcb-util1 libxcb-image0 libxcb-keysyms1 libxcb-randr0 \
	libxcb-render-util0 libxcb-render0 libxcb-shm0 libxcb-sync1 libxcb-xfixes0 libxcb-shape0 libxcb-xkb1 \
	libx11-xcb1 $(DEB_WEBENGINE_PACKAGES)

.PHONY: run test lint bench screenshots translations translations-qm deb-run-packages deb-test-packages deb-bench-packages clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# Stamps: pip runs again only when pyproject.toml changed (the package itself is an editable install).
$(VENV)/.installed-run: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(VENV)/.installed-run $@

run: $(VENV)/.installed-run deb-run-packages
	$(VENV)/bin/pricewatch

test: $(VENV)/.installed-test deb-test-packages
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest

lint: $(PY)
	$(PY) -m pip install --quiet ruff mypy lxml-stubs import-linter
	$(VENV)/bin/ruff check pricewatch tests bench
	$(VENV)/bin/ruff format --check pricewatch tests bench
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

bench: $(PY) deb-bench-packages
	$(PY) -m pip install --quiet -e '.[test,bench]'
	$(PY) bench/extraction.py
	$(PY) bench/task_overhead.py
	$(PY) bench/check_throughput.py
	QT_QPA_PLATFORM=offscreen $(PY) bench/gui_responsiveness.py
	$(PY) bench/task_feed.py
	QT_QPA_PLATFORM=offscreen $(PY) bench/smart_filters.py
	$(PY) bench/api_load.py
	$(PY) bench/scale_out.py
	QT_QPA_PLATFORM=offscreen $(PY) bench/browser_fetch.py
	$(PY) bench/decompression_bomb.py
	$(PY) bench/soak.py  # about 10 minutes: serve killed with SIGKILL while prices move

screenshots: $(PY) deb-test-packages
	$(PY) -m pip install --quiet -e .
	$(PY) bench/screenshots.py

# The window's translations: lupdate gathers every tr()/translate() text of the package into the .ts sources
# (translators edit those, in Qt Linguist or by hand; no line numbers, so unrelated edits leave them alone),
# lrelease compiles them into the .qm files the package ships. Both are committed: `pip install .` then
# needs no Qt tools. tests/gui/test_translations.py fails when a .qm is older than its .ts.
TS_FILES := $(foreach lang,de tr,resources/translations/pricewatch_$(lang).ts)
# English needs only the plural forms of counted texts: "%n product(s) added" reads "1 product added".
ENGLISH_TS := resources/translations/pricewatch_en.ts
QM_DIR ?= pricewatch/resources/translations

translations: $(PY)
	$(VENV)/bin/pyside6-lupdate $$(find pricewatch -name '*.py' | sort) -locations none -no-obsolete \
		-ts $(TS_FILES)
	$(VENV)/bin/pyside6-lupdate $$(find pricewatch -name '*.py' | sort) -locations none -no-obsolete \
		-pluralonly -target-language en_US -ts $(ENGLISH_TS)
	$(MAKE) --no-print-directory translations-qm

translations-qm: $(PY)
	for ts in $(TS_FILES) $(ENGLISH_TS); do \
		$(VENV)/bin/pyside6-lrelease -nounfinished -removeidentical $$ts \
			-qm $(QM_DIR)/$$(basename $$ts .ts).qm || exit 1; done

# Installs Debian packages only when running as root (CI, a fresh machine) and only those missing. For
# `make run` a normal user gets the one command that installs them, and make stops (REQUIRED=1).
deb-run-packages:
	@$(MAKE) --no-print-directory _deb PACKAGES="$(DEB_RUN_PACKAGES)" REQUIRED=1

deb-test-packages:
	@$(MAKE) --no-print-directory _deb PACKAGES="$(DEB_TEST_PACKAGES)"

deb-bench-packages:
	@$(MAKE) --no-print-directory _deb PACKAGES="$(DEB_BENCH_PACKAGES)"

_deb:
	@command -v dpkg >/dev/null 2>&1 || exit 0; \
	missing=""; for p in $(PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" != 0 ] && [ -n "$(REQUIRED)" ]; then \
		echo "PriceWatch needs Debian packages that are not installed. Install them with:"; \
		echo "    sudo apt-get install$$missing"; exit 1; fi; \
	if [ "$$(id -u)" != 0 ]; then echo "warning: missing Debian packages:$$missing (run as root to install)"; exit 0; fi; \
	echo "installing Debian packages:$$missing"; \
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
