# Two commands do all the set-up: `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test test-quick soak lint bench clean system-deps

# What the real-window tests drive the app with (tests/realwin/): an X server,
# a window manager, xdotool, ImageMagick's screenshots and Qt's xcb libraries;
# LibreOffice Calc (soffice) opens exported CSV in tests/formats/test_csv_edges.py; strace
# shows the atomic writer's fsyncs in tests/storage/test_atomic_writes.py; pdftotext
# (poppler-utils) reads the PDFs' text layer back in tests/export/test_scripts_pdf.py.
X_TOOLS   := Xvfb openbox xdotool wmctrl import soffice strace pdftotext
APT_PKGS  := xvfb openbox xdotool wmctrl imagemagick x11-utils libxcb-cursor0 libxcb-icccm4 \
             libxcb-keysyms1 libxkbcommon-x11-0 libxcb-xinerama0 libxcb-randr0 \
             libxcb-render-util0 libxcb-image0 libxcb-shape0 libxcb-xkb1 libegl1 \
             libgl1 libfontconfig1 libdbus-1-3 libreoffice-calc-nogui strace \
             poppler-utils

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit("Waymark needs Python 3.11 or newer") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

run: $(STAMP)
	$(BIN)/python main.py

# Installs the X tools with apt-get when they are missing (as root, or with sudo).
system-deps:
	@missing=""; for t in $(X_TOOLS); do command -v $$t >/dev/null 2>&1 || missing="$$missing $$t"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing the real-window test tools (missing:$$missing)"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; elif command -v sudo >/dev/null; then SUDO="sudo -n"; \
	  else echo "cannot install$$missing: run as root or install $(APT_PKGS)"; exit 1; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq \
	    --no-install-recommends $(APT_PKGS) >/dev/null; \
	fi

test: $(STAMP) system-deps
	$(BIN)/python -m pytest -q

# The Qt-free layers without the tests that start processes or fuzz (`slow`): seconds.
test-quick: $(STAMP)
	$(BIN)/python -m pytest -q -m "not gui and not slow" tests/journey tests/formats tests/storage

# The long runs: the crash sequence 10 times, the monkey at 3,000 actions a seed.
soak: $(STAMP) system-deps
	WAYMARK_CRASH_RUNS=10 WAYMARK_MONKEY_ACTIONS=3000 $(BIN)/python -m pytest -q tests/realwin

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/lint-imports

bench: $(STAMP)
	$(BIN)/python -m benchmarks.export --notes 1000 --json

clean:
	rm -rf $(VENV) build *.egg-info
