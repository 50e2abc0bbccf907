# Vexil build. `make run` and `make test` install what is missing first.
#
# Layout of the output: build/ (or build-asan/ for `make asan`) holds
# obj/ for objects, gen/ for generated sources, tests/ for test binaries
# and the `vexil` binary itself.

B        ?= build
CC       ?= cc
PKGS     := libmicrohttpd sqlite3 jansson libsodium zlib
WARN     := -std=c11 -Wall -Wextra -Wshadow -Wstrict-prototypes \
            -Wmissing-prototypes -Wformat=2 -Wvla -Werror
CFLAGS   ?= -O2 -g
SAN      ?=
ALL_CFLAGS = $(WARN) $(CFLAGS) $(SAN) -D_GNU_SOURCE -pthread -Iserver \
            -I$(B)/gen $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDLIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lpthread -lm
TESTLIBS = $(shell pkg-config --libs check libcurl 2>/dev/null)

VERSION  := $(shell cat VERSION)
SRC      := $(shell find server -name '*.c' ! -name main.c | sort)
OBJ      := $(SRC:%.c=$(B)/obj/%.o) $(B)/obj/gen/migrations.o
MIGR     := $(sort $(wildcard db/migrations/*.sql))
UNIT     := $(patsubst tests/unit/%.c,$(B)/tests/%, \
                $(wildcard tests/unit/check_*.c))
ITEST    := $(patsubst tests/integration/%.c,$(B)/tests/%, \
                $(wildcard tests/integration/check_*.c))
HARNESS  := $(B)/obj/tests/integration/harness.o
# The npm packages of tests/compat (the Unleash client specification that
# check_spec runs), installed once per change of package.json.
COMPAT_NPM := tests/compat/node_modules/.vexil-installed

.PHONY: all deps run test unit integration compat asan tsan lint fuzz bench \
        clean fuzz-targets fuzz-run

all: $(B)/vexil

deps:
	@sh scripts/deps.sh

$(B)/.deps-test: scripts/deps.sh
	@sh scripts/deps.sh --test
	@mkdir -p $(B) && touch $@

$(B)/gen/migrations.c: $(MIGR) scripts/embed-sql.sh
	@mkdir -p $(dir $@)
	@sh scripts/embed-sql.sh $(MIGR) > $@

$(B)/obj/gen/migrations.o: $(B)/gen/migrations.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(B)/obj/%.o: %.c | $(B)/gen/migrations.c
	@mkdir -p $(dir $@)
	@echo "  CC  $<"
	@$(CC) $(ALL_CFLAGS) -DVX_VERSION='"$(VERSION)"' -MMD -MP -c $< -o $@

$(B)/libvexil.a: $(OBJ)
	@rm -f $@ && ar rcs $@ $^

$(B)/vexil: $(B)/obj/server/main.o $(B)/libvexil.a
	@echo "  LD  $@"
	@$(CC) $(ALL_CFLAGS) $^ -o $@ $(LDLIBS)

$(B)/tests/check_%: $(B)/obj/tests/unit/check_%.o $(B)/libvexil.a
	@mkdir -p $(dir $@)
	@echo "  LD  $@"
	@$(CC) $(ALL_CFLAGS) $^ -o $@ $(LDLIBS) $(TESTLIBS)

$(B)/tests/check_%: $(B)/obj/tests/integration/check_%.o $(HARNESS) \
                    $(B)/libvexil.a
	@mkdir -p $(dir $@)
	@echo "  LD  $@"
	@$(CC) $(ALL_CFLAGS) $^ -o $@ $(LDLIBS) $(TESTLIBS)

run: deps $(B)/vexil
	@mkdir -p data
	./$(B)/vexil serve

$(COMPAT_NPM): tests/compat/package.json $(B)/.deps-test
	npm install --prefix tests/compat --no-audit --no-fund
	@touch $@

unit: $(B)/.deps-test $(COMPAT_NPM) $(UNIT)
	@sh scripts/run-tests.sh $(UNIT)

integration: $(B)/.deps-test $(B)/vexil $(ITEST)
	@VEXIL_BIN=$(abspath $(B)/vexil) sh scripts/run-tests.sh $(ITEST)

compat: $(B)/.deps-test $(B)/vexil
	@if [ -f tests/compat/run.sh ]; then \
	    VEXIL_BIN=$(abspath $(B)/vexil) sh tests/compat/run.sh; fi

test: unit integration compat

asan:
	$(MAKE) B=build-asan CFLAGS='-O1 -g -fno-omit-frame-pointer' \
	    SAN='-fsanitize=address,undefined -fno-sanitize-recover=all' test

tsan:
	$(MAKE) B=build-tsan CFLAGS='-O1 -g' SAN='-fsanitize=thread' \
	    unit integration

lint:
	@sh scripts/deps.sh --lint
	clang-format --dry-run --Werror $$(find server tests -name '*.[ch]')
	cppcheck --quiet --error-exitcode=1 --inline-suppr \
	    --enable=warning,portability --std=c11 -Iserver \
	    --suppress=missingIncludeSystem --include=/usr/include/jansson.h \
	    server

# libFuzzer targets of tests/fuzz, built with clang into build-fuzz/.
# fuzz-run runs each for FUZZ_TIME seconds from its seeds in
# tests/fuzz/corpus/<x>/; new inputs go to build-fuzz/corpus/<x>/.
FUZZ_TIME ?= 20
FUZZ     := $(patsubst tests/fuzz/%.c,$(B)/%, \
                $(wildcard tests/fuzz/fuzz_*.c))

FUZZ_SAN := -fsanitize=fuzzer-no-link,address,undefined \
            -fno-sanitize-recover=all

fuzz:
	@sh scripts/deps.sh --fuzz
	$(MAKE) B=build-fuzz CC=clang CFLAGS='-O1 -g -fno-omit-frame-pointer' \
	    SAN='$(FUZZ_SAN)' fuzz-targets

fuzz-targets: $(FUZZ)

$(B)/fuzz_%: $(B)/obj/tests/fuzz/fuzz_%.o $(B)/libvexil.a
	@echo "  LD  $@"
	@$(CC) $(ALL_CFLAGS) -fsanitize=fuzzer $^ -o $@ $(LDLIBS)

fuzz-run: fuzz
	@for t in build-fuzz/fuzz_*; do \
	    x=$${t#build-fuzz/fuzz_}; mkdir -p build-fuzz/corpus/$$x; \
	    echo "  FUZZ $$x ($(FUZZ_TIME) s)"; \
	    $$t -max_total_time=$(FUZZ_TIME) -print_final_stats=1 \
	        -artifact_prefix=build-fuzz/$$x- \
	        build-fuzz/corpus/$$x tests/fuzz/corpus/$$x || exit 1; \
	done

bench: $(B)/vexil
	@sh scripts/deps.sh --bench
	sh bench/run.sh $(abspath $(B)/vexil)

clean:
	rm -rf build build-asan build-tsan build-fuzz

.SECONDARY:

-include $(shell find $(B)/obj -name '*.d' 2>/dev/null)
