# slsim — the two commands that do everything on a fresh Debian 12 machine:
#   make report   install what is missing, build, run the report on the default scenario
#   make test     install what is missing, build, run every test
PYTHON   ?= /usr/bin/python3
BUILD    ?= build
JOBS     ?= $(shell nproc)
SCENARIO ?= examples/default.toml
CMAKE_FLAGS = -G Ninja -DCMAKE_BUILD_TYPE=Release -DPython_EXECUTABLE=$(PYTHON)

.PHONY: all deps configure build report test sanitize bench format clean fuzz-build fuzz fuzz-smoke

all: build

deps:
	@scripts/install-deps

$(BUILD)/build.ninja: | deps
	cmake -S . -B $(BUILD) $(CMAKE_FLAGS)

configure: deps
	cmake -S . -B $(BUILD) $(CMAKE_FLAGS)

build: deps $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS)

report: build
	$(BUILD)/bin/slsim report --scenario $(SCENARIO)

test: build
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)

# C++ tests under AddressSanitizer + UndefinedBehaviorSanitizer (what CI runs after `make test`).
sanitize: deps
	cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSLSIM_SANITIZE=ON \
	  -DSLSIM_BUILD_PYTHON=OFF -DSLSIM_BUILD_BENCH=OFF -DSLSIM_BUILD_CLI=OFF
	cmake --build build-asan -j $(JOBS) --target slsim_tests slsim_fuzz_replay
	ctest --test-dir build-asan --output-on-failure -j $(JOBS) -L cpp

# Fuzzing (clang + libFuzzer, ASan+UBSan; tests/fuzz, docs/testing.md). `make fuzz` runs every
# target for FUZZ_TIME seconds (long runs; FUZZ_TARGETS to pick some), `make fuzz-smoke` for
# FUZZ_SMOKE_TIME seconds each (what CI runs). New inputs found go to build-fuzz/fuzz-corpus/.
FUZZ_TIME       ?= 300
FUZZ_SMOKE_TIME ?= 20
FUZZ_TARGETS    ?=
FUZZ_CXX        ?= clang++
fuzz-build: deps
	cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DCMAKE_CXX_COMPILER=$(FUZZ_CXX) -DSLSIM_FUZZ=ON \
	  -DSLSIM_BUILD_PYTHON=OFF -DSLSIM_BUILD_BENCH=OFF -DSLSIM_BUILD_CLI=OFF
	cmake --build build-fuzz -j $(JOBS) --target slsim_fuzz

fuzz: fuzz-build
	tests/fuzz/run-fuzz.sh build-fuzz $(FUZZ_TIME) $(FUZZ_TARGETS)

fuzz-smoke: fuzz-build
	tests/fuzz/run-fuzz.sh build-fuzz $(FUZZ_SMOKE_TIME) $(FUZZ_TARGETS)

# Full benchmark run (not part of the tests); see bench/README.md.
bench: build
	$(BUILD)/bin/slsim_bench --benchmark_min_time=0.5

format:
	clang-format -i $$(git ls-files '*.cpp' '*.hpp')

clean:
	rm -rf $(BUILD) build-asan build-fuzz
