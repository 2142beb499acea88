# berth: build, test, install. Settings live in conf-cc, conf-ld, conf-home and package/;
# this file only reads them.

SHELL := /bin/sh
CC_CMD := $(shell head -n 1 conf-cc)
LD_CMD := $(shell head -n 1 conf-ld)
CONF_HOME := $(shell head -n 1 conf-home)
CONF_BREAK := $(shell head -c 1 conf-break)
VERSION := $(shell sed -n 's/^version=//p' package/info)

ifeq ($(WERROR),1)
CC_CMD += -Werror
endif
ifeq ($(SAN),1)
CC_CMD += -fsanitize=address,undefined -fno-omit-frame-pointer
LD_CMD += -fsanitize=address,undefined
STATIC_FLAG :=
else
STATIC_FLAG := -static
endif

targets = $(shell sed -e 's/\#.*//' package/targets | awk 'NF && $$2 == "$(1)" { print $$1 }')
STATIC_PROGS := $(call targets,static)
DYNAMIC_PROGS := $(call targets,dynamic)
PROGS := $(STATIC_PROGS) $(DYNAMIC_PROGS)
BINS := $(PROGS:%=bin/%)

LIB_SRC := $(wildcard src/libberth/*.c)
LIB_OBJ := $(LIB_SRC:src/%.c=build/%.o)
# Each object depends on the headers it includes: the compiler writes them (-MMD) into a .d file
# beside the object, with an empty rule per header (-MP) so that a removed header breaks nothing.
# A unit test's .d goes to build/unit-deps/, as tests/run runs everything in build/tests/.
# A missing .d (a build dir from before) makes its object be built again.
DEPFLAGS = -MMD -MP
SKARNET := -l:libskarnet.a
EXTRA_LIBS = $(shell cat src/$(1)/libs 2>/dev/null)

UNIT_SRC := $(wildcard tests/unit/*.c)
UNIT_BINS := $(UNIT_SRC:tests/unit/%.c=build/tests/%)

.PHONY: all check check-stress check-unit crashcheck deps deps-run install clean run bench fuzz check-san check-san-quick lint lint-cppcheck lint-tidy

# Man pages from doc/ (package/mkman, lowdown): section 8 for each program with a page, and
# berth-control(5) for control.md.
MAN8 := $(foreach p,$(PROGS),$(if $(wildcard doc/$(p).md),build/man/$(p).8))
MANS := $(MAN8) build/man/berth-control.5

all: $(BINS) $(MANS)

build/man/%.8: doc/%.md package/mkman
	@mkdir -p $(@D)
	sh package/mkman $< $* 8 $(VERSION) > $@.tmp && mv $@.tmp $@

build/man/berth-control.5: doc/control.md package/mkman
	@mkdir -p $(@D)
	sh package/mkman $< berth-control 5 $(VERSION) > $@.tmp && mv $@.tmp $@

build/%.o: src/%.c build/%.d conf-cc
	@mkdir -p $(@D)
	$(CC_CMD) $(DEPFLAGS) -DBERTH_CONF_HOME='"$(CONF_HOME)"' -DBERTH_VERSION='"$(VERSION)"' -DBERTH_CONF_BREAK="'$(CONF_BREAK)'" -c -o $@ $<

build/libberth.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

# Other libraries: src/libNAME/*.c -> build/libNAME.a, linked only by programs naming it in src/P/libs.
define lib_rule
build/$(1).a: $(patsubst src/%.c,build/%.o,$(wildcard src/$(1)/*.c))
	@rm -f $$@
	ar rcs $$@ $$^
endef
$(foreach l,$(filter-out libberth,$(notdir $(wildcard src/lib*))),$(eval $(call lib_rule,$(l))))

# A program's code without its main.o, for a parent that runs it in a forked child without an
# exec: berth-lspawn runs local_main or local_serve (when not root), berth-rspawn remote_serve,
# berth-listen smtpd_main (one child per connection).
define nomain_rule
build/lib$(1).a: $$(filter-out build/berth-$(1)/main.o,$$(patsubst src/%.c,build/%.o,$$(wildcard src/berth-$(1)/*.c)))
	@rm -f $$@
	ar rcs $$@ $$^
endef
$(foreach p,local remote smtpd,$(eval $(call nomain_rule,$(p))))

define prog_rule
bin/$(1): $(patsubst src/%.c,build/%.o,$(wildcard src/$(1)/*.c)) $(filter build/%.a,$(call EXTRA_LIBS,$(1))) build/libberth.a conf-ld
	@mkdir -p bin
	$(LD_CMD) $(2) -o $$@ $(patsubst src/%.c,build/%.o,$(wildcard src/$(1)/*.c)) build/libberth.a $(call EXTRA_LIBS,$(1)) $(SKARNET)
endef
$(foreach p,$(STATIC_PROGS),$(eval $(call prog_rule,$(p),$(STATIC_FLAG))))
$(foreach p,$(DYNAMIC_PROGS),$(eval $(call prog_rule,$(p),)))

build/tests/%: tests/unit/%.c build/unit-deps/%.d build/libberth.a conf-cc
	@mkdir -p $(@D) build/unit-deps
	$(CC_CMD) $(DEPFLAGS) -MF build/unit-deps/$*.d -Itests/unit -o $@ $< build/libberth.a $(SKARNET) -lresolv

DEPFILES := $(patsubst src/%.c,build/%.d,$(wildcard src/*/*.c)) $(UNIT_SRC:tests/unit/%.c=build/unit-deps/%.d)
$(DEPFILES):
-include $(wildcard $(DEPFILES))

deps:
	@sh package/install-deps check

# what building and running need, not the test peers (make run)
deps-run:
	@sh package/install-deps run

check: deps all $(UNIT_BINS)
	@BERTH_SAN=$(SAN) ASAN_OPTIONS=detect_leaks=0 UBSAN_OPTIONS=print_stacktrace=1 sh tests/run

# the whole suite with every core also busy with stress-ng: the timing-based tests must hold
# under load (they wait on events, not sleeps); STRESS_CPUS workers, default one per core
check-stress: deps all $(UNIT_BINS)
	@sh tests/stress $(STRESS_CPUS)

# every crash state of the recorded run under every model (tests/crash/, a few minutes)
crashcheck: all
	@BERTH_CRASH_FULL=1 sh tests/run tests/crash.t

check-unit: all $(UNIT_BINS)
	@sh tests/run --unit

run: deps-run all
	@sh package/run-instance

# Benchmarks against a private Postfix (root, loopback): the short version; `bench/run --full`
# for the issue's sizes. See doc/performance.md.
bench: all
	@/usr/bin/python3 bench/run

install: all
	@sh package/install "$(DESTDIR)" "$(or $(PREFIX),/usr/local)"

clean:
	rm -rf build bin

# Fuzzing (clang libFuzzer): `make fuzz FUZZ_SECONDS=300` runs every target in tests/fuzz/.
FUZZ_SECONDS ?= 60
fuzz:
	@sh tests/fuzz/run $(FUZZ_SECONDS)

# The whole suite with AddressSanitizer and UndefinedBehaviorSanitizer (a separate clean build).
check-san:
	$(MAKE) clean
	$(MAKE) check SAN=1
	$(MAKE) clean

# CI's sanitizer pass (.ci/run): a clean ASan+UBSan build, the unit tests and the integration tests
# that feed hostile bytes to parsers (any sanitizer report fails: halt_on_error), then clean again.
SAN_QUICK_TESTS ?= tests/smtpd-proto.t tests/smtpd-data.t tests/smtpd-relay.t tests/smtpd-auth.t \
  tests/abuse-input.t tests/relay-battery.t tests/inject-headers.t tests/local-deliver.t \
  tests/send-deliver.t tests/remote-smtp.t tests/remote-data.t tests/bounce-mime.t \
  tests/qtools-read.t tests/showctl.t tests/pipeline.t tests/tls-starttls.t \
  tests/remote-reuse.t tests/local-kept.t tests/mtasts.t tests/tlsrpt.t tests/tlsrpt-dane.t \
  tests/remote-dsn.t tests/remote-requiretls.t tests/dsn.t tests/listen-reuse.t
SAN_ENV := BERTH_SAN=1 ASAN_OPTIONS=detect_leaks=0:abort_on_error=0 \
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
check-san-quick:
	$(MAKE) clean
	$(MAKE) all $(UNIT_BINS) SAN=1
	$(SAN_ENV) sh tests/run --unit && $(SAN_ENV) sh tests/run $(SAN_QUICK_TESTS); \
	  rc=$$?; $(MAKE) clean; exit $$rc

# Static analysis: cppcheck and clang-tidy (Debian's), clean on the tree (tests/lint.t runs it).
# clang-tidy runs LINT_JOBS at a time, 8 files each; any finding fails (.clang-tidy: warnings are errors).
LINT_JOBS ?= $(shell nproc 2>/dev/null || echo 2)
lint: lint-cppcheck lint-tidy

lint-cppcheck:
	cppcheck --quiet --enable=warning,portability,performance --std=c99 -D_GNU_SOURCE -Isrc/include \
	  --suppress=missingIncludeSystem --inline-suppr --error-exitcode=1 src/

lint-tidy:
	printf '%s\n' $(wildcard src/*/*.c) | xargs -P $(LINT_JOBS) -n 8 sh -c 'exec clang-tidy --quiet "$$@" -- \
	  -std=c99 -D_GNU_SOURCE -Isrc/include -I/usr/include/x86_64-linux-gnu \
	  -DBERTH_CONF_HOME=\"/x\" -DBERTH_VERSION=\"x\"' clang-tidy
