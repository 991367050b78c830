# SPDX-License-Identifier: MIT
# The two commands of the README, and the rest. CMake does the building underneath.
#   make run   install missing dependencies, build, compare the policies on Korea 2022
#   make test  install missing dependencies, build, run every test, then again under ASan+UBSan
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_FLAGS ?=
ifneq ($(CI),)
  WERROR = ON
else
  WERROR ?= ON
endif

.PHONY: all build deps run serve test test-release test-asan bench fuzz fuzz-long format clean install

all: build

deps:
	@bash scripts/deps.sh
	@bash scripts/browser_deps.sh

# The dashboard on the Korean scenarios, with forecasts from the record over the Korean history:
# http://127.0.0.1:8080/ (docs/serve.md, scripts/serve.sh).
serve: build
	@bash scripts/serve.sh

build/Makefile:
	cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBRINK_WERROR=$(WERROR) $(CMAKE_FLAGS)

build: build/Makefile
	cmake --build build -j $(JOBS)

run: deps build
	@bash scripts/run.sh

test: deps
	$(MAKE) test-release
	$(MAKE) test-asan

test-release: build
	cd build && ctest --output-on-failure -j $(JOBS)

build-asan/Makefile:
	cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DBRINK_SANITIZE=ON -DBRINK_WERROR=$(WERROR) $(CMAKE_FLAGS)

test-asan: build-asan/Makefile
	cmake --build build-asan -j $(JOBS)
	cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan-fontconfig.supp \
	  BRINK_SANITIZED=1 ctest --output-on-failure -j $(JOBS)

# The command, libbrink.a, libbrink.so, the headers and brink.pc under PREFIX (default
# /usr/local); DESTDIR stages the tree elsewhere, as package builds do.
PREFIX ?= /usr/local
install: build
	DESTDIR=$(DESTDIR) cmake --install build --prefix $(PREFIX)

bench: deps build
	@bash bench/run.sh

build-fuzz/Makefile:
	cmake -S . -B build-fuzz -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=Debug -DBRINK_FUZZ=ON

fuzz: deps build-fuzz/Makefile
	cmake --build build-fuzz -j $(JOBS)

# Every fuzz target for FUZZ_SECONDS each (default 1800: the 30 minutes of issue 19), FUZZ_JOBS
# at a time (default 1), at nice 19, with leak detection on; see scripts/fuzz_long.sh and
# docs/fuzzing.md.
FUZZ_SECONDS ?= 1800
FUZZ_JOBS ?= 1
fuzz-long: fuzz
	@FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_JOBS=$(FUZZ_JOBS) bash scripts/fuzz_long.sh

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf build build-asan build-fuzz out
