# tests/module.mk — how unit tests (cmocka) and fuzz targets (libFuzzer)
# are built; each module.mk declares its own (and its benches).
#
# A unit test is tests/unit/test_NAME.c and one line in the module.mk of
# what it tests, naming what it links beside its own object, in link order
# (OpenBGPD's regress Makefiles, `SRCS_x_test = ...`, are the model):
#
#   TEST_test_NAME = $(UNIT_FRAMES) $(LIBVAN) $(LIBVANCRYPTO)
#
# objects first (UNIT_FRAMES: tests/unit/frames.c, the frames and slow
# checksums the packet tests share), then archives, then any -l flag.
# Written with `=`, so that a line may name the archives of a module
# included after its own.  Every TEST_test_* variable is a test: the list
# `make unit` builds and runs (UNIT_TESTS; `make unit-asan` the same in
# $(B)/asan) is made from them below, and the one rule below links each.
#
# A module adds its libFuzzer harnesses tests/fuzz/fuzz_NAME.c to
# FUZZ_TARGETS ($(B)/fuzz/fuzz_NAME) and the pure sources they may need to
# FUZZ_LIB_SRCS; every harness links that one archive.

UNIT_FRAMES = $(B)/tests/unit/frames.o

UNIT_TESTS := $(sort $(UNIT_TESTS) \
	$(patsubst TEST_%,$(B)/tests/unit/%,$(filter TEST_test_%,$(.VARIABLES))))
# A test added to UNIT_TESTS by hand, without its line, would link nothing.
$(foreach t,$(UNIT_TESTS),$(if $(filter undefined,$(origin TEST_$(notdir $(t)))),\
	$(error $(t): no TEST_$(notdir $(t)) line saying what it links (tests/module.mk))))

$(B)/tests/%.o: ALL_CFLAGS += $(TEST_CFLAGS)

# Each test's own prerequisites (its line), then the rule for all.
$(foreach t,$(UNIT_TESTS),$(eval $(t): $(filter-out -l%,$(TEST_$(notdir $(t))))))

$(UNIT_TESTS): $(B)/tests/unit/%: $(B)/tests/unit/%.o
	@mkdir -p $(dir $@)
	$(call say,LINK,$@)$(CC) $(ALL_LDFLAGS) -o $@ $< $(TEST_$*) \
		$(PKG_LIBS) $(TEST_LIBS)

# --- libFuzzer: built with clang, ASan and UBSan, apart from the rest.
FUZZ_CFLAGS := -std=c11 -D_GNU_SOURCE -g -O1 -I. -Wall -Wextra \
	-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all
FUZZ_LDFLAGS := -fsanitize=fuzzer,address,undefined

# The harnesses share the unit tests' frames and checksums too, and their
# own helpers (tests/fuzz/harness.h).
FUZZ_LIB_SRCS += tests/unit/frames.c tests/fuzz/harness.c
FUZZ_LIB = $(B)/fuzz/libfuzzvan.a
FUZZ_LIB_OBJS = $(sort $(FUZZ_LIB_SRCS:%.c=$(B)/fuzz/obj/%.o))

$(B)/fuzz/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(call say,FUZZCC,$<)$(FUZZ_CC) $(FUZZ_CFLAGS) $(PKG_CFLAGS) -MMD -MP -c -o $@ $<

$(FUZZ_LIB): $(FUZZ_LIB_OBJS)
	@mkdir -p $(dir $@)
	$(call say,AR,$@)rm -f $@ && $(AR) rcs $@ $^

$(B)/fuzz/fuzz_%: $(B)/fuzz/obj/tests/fuzz/fuzz_%.o $(FUZZ_LIB)
	$(call say,LINK,$@)$(FUZZ_CC) $(FUZZ_LDFLAGS) -o $@ $< $(FUZZ_LIB) $(PKG_LIBS) -lm
