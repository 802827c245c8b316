# hallops: `make demo` runs a demo hall, `make test` runs the whole suite.
# Both do every install step themselves on a fresh machine with Python 3.11+ and make.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: demo test install system-deps migrate bench messages clean

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

# Tools the tests drive for real: Chromium (pages), socat (serial pty pairs), espeak-ng and sox
# (voice packs), CJK fonts (ticket previews), gettext (translations). Installed when missing
# and we may (root with apt); otherwise the tests that need them say what is missing.
SYSTEM_TOOLS := chromium:chromium socat:socat espeak-ng:espeak-ng sox:sox msgfmt:gettext
system-deps:
	@missing=""; for pair in $(SYSTEM_TOOLS); do cmd=$${pair%%:*}; pkg=$${pair##*:}; \
	  command -v $$cmd >/dev/null 2>&1 || missing="$$missing $$pkg"; done; \
	test -e /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc || missing="$$missing fonts-noto-cjk"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing:$$missing"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing) >/dev/null; \
	  else echo "missing system tools:$$missing (tests that need them will skip)"; fi; fi

var:
	mkdir -p var

migrate: $(STAMP) var
	$(PY) manage.py migrate --noinput

demo: export HALLOPS_PUBLIC_URL ?= http://$(HOST):$(PORT)
demo: $(STAMP) var
	$(PY) manage.py migrate --noinput
	$(PY) manage.py compilemessages --ignore=.venv >/dev/null 2>&1 || true
	$(PY) manage.py load_demo --always-open --tokens
	$(PY) manage.py demo_urls --base http://$(HOST):$(PORT)
	@# The patrol agent, the virtual gateway (printers, LED strips and pads of the demo) and the device
	@# sweeper run in their own processes, as in a real hall; SIGTERM lets each put back what it changed.
	@$(PY) manage.py run_patrol_agent --hall demo > var/patrol-agent.log 2>&1 & agent=$$!; \
	  $(PY) manage.py run_virtual_gateway > var/virtual-gateway.log 2>&1 & gateway=$$!; \
	  $(PY) manage.py sweep_devices > var/sweep-devices.log 2>&1 & sweeper=$$!; \
	  trap "kill $$agent $$gateway $$sweeper 2>/dev/null" EXIT INT TERM; \
	  $(VENV)/bin/daphne -b $(HOST) -p $(PORT) hallops.asgi:application

test: $(STAMP) system-deps var
	$(VENV)/bin/lint-imports --no-cache  # the package boundaries (.importlinter)
	$(PY) -m pytest $(PYTEST_ARGS)

bench: $(STAMP) var
	$(PY) bench/run_all.py

clean:
	rm -rf $(VENV) var test-artifacts .pytest_cache
