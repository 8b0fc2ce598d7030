# intake: the commands of CONTRACT 1. The build itself is Meson (meson.build); this file
# installs what is missing, picks the build directories and runs the suites.
#   make          build build/intake
#   make run      install, build, start intake on a demo data directory
#   make check    build + unit tests (minutes; for use while working)
#   make test     everything: plain build, ASan+UBSan build, fuzz replay (CI runs this)
#   make bench    the benchmarks (CONTRACT 7)
#   make fuzz     long fuzzing runs (not in CI)

MESON ?= meson
NINJA ?= ninja
BUILD ?= build
ASAN_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz
# The release build (make bench) does not turn warnings into errors: -O3 finds new
# maybe-uninitialized false positives; the warning policy is enforced by the gcc, ASan
# and clang builds of make test.
REL_BUILD ?= build-release
FUZZ_SECONDS ?= 600

.PHONY: all deps run check test test-plain test-asan test-fuzz bench fuzz docs clean

all: $(BUILD)/build.ninja
	@scripts/deps.sh build
	$(NINJA) -C $(BUILD)

$(BUILD)/build.ninja:
	@scripts/deps.sh build
	$(MESON) setup $(BUILD)

$(ASAN_BUILD)/build.ninja:
	$(MESON) setup $(ASAN_BUILD) -Db_sanitize=address,undefined -Db_lundef=false

$(FUZZ_BUILD)/build.ninja:
	CC=clang-14 CXX=clang++-14 $(MESON) setup $(FUZZ_BUILD) -Dfuzz=true \
		-Db_sanitize=address,undefined -Db_lundef=false

$(REL_BUILD)/build.ninja:
	$(MESON) setup $(REL_BUILD) -Dbuildtype=release -Dtests=false -Dtest_hooks=false -Dwerror=false

run:
	@scripts/deps.sh run
	@$(MAKE) --no-print-directory all
	scripts/run.sh $(BUILD)/intake $(BUILD)/tools/gen/intake-gen

check: all
	$(MESON) test -C $(BUILD) --suite unit --print-errorlogs --num-processes 2 || true
	@tools/test-summary.py $(BUILD)/meson-logs/testlog.json

# Each stage writes its meson test log; the summary reads them all and sets the status.
test:
	@rm -f $(BUILD)/meson-logs/testlog.json $(ASAN_BUILD)/meson-logs/testlog.json $(FUZZ_BUILD)/meson-logs/testlog.json
	@scripts/deps.sh test
	@$(MAKE) --no-print-directory test-plain test-asan test-fuzz; \
	tools/test-summary.py $(BUILD)/meson-logs/testlog.json \
		$(ASAN_BUILD)/meson-logs/testlog.json $(FUZZ_BUILD)/meson-logs/testlog.json

test-plain: all
	-$(MESON) test -C $(BUILD) --print-errorlogs --num-processes 2 --no-suite fuzz

test-asan: $(ASAN_BUILD)/build.ninja
	$(NINJA) -C $(ASAN_BUILD)
	-$(MESON) test -C $(ASAN_BUILD) --print-errorlogs --num-processes 2 --suite unit --suite cli \
		--timeout-multiplier 4

test-fuzz: $(FUZZ_BUILD)/build.ninja
	$(NINJA) -C $(FUZZ_BUILD)
	-$(MESON) test -C $(FUZZ_BUILD) --print-errorlogs --num-processes 2 --suite fuzz

bench:
	@scripts/deps.sh bench
	@$(MAKE) --no-print-directory $(REL_BUILD)/build.ninja
	$(NINJA) -C $(REL_BUILD)
	scripts/bench.sh $(REL_BUILD)

fuzz:
	@scripts/deps.sh fuzz
	@$(MAKE) --no-print-directory $(FUZZ_BUILD)/build.ninja
	$(NINJA) -C $(FUZZ_BUILD)
	scripts/fuzz.sh $(FUZZ_BUILD) $(FUZZ_SECONDS)

docs:
	tools/errcodes-doc.py src/base/errcodes.def docs/errors.md

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD) $(REL_BUILD)
