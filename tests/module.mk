# tests/module.mk — unit tests (cmocka), fuzz targets (libFuzzer), benches.
#
# A module adds its unit tests as tests/unit/test_NAME.c to UNIT_TESTS
# ($(B)/tests/unit/test_NAME) and its harnesses tests/fuzz/fuzz_NAME.c to
# FUZZ_TARGETS ($(B)/fuzz/fuzz_NAME), and lists the pure sources a harness
# may need in FUZZ_LIB_SRCS.  Every test links every library of the project;
# the archive linker takes what it needs.

TEST_LINK_LIBS = $(LIBVANEDGE) $(LIBVANCORE) $(LIBVANCRYPTO)

$(B)/tests/%.o: ALL_CFLAGS += $(TEST_CFLAGS)

$(B)/tests/unit/%: $(B)/tests/unit/%.o $(TEST_LINK_LIBS)
	@mkdir -p $(dir $@)
	$(call say,LINK,$@)$(CC) $(ALL_LDFLAGS) -o $@ $< $(TEST_LINK_LIBS) \
		$(PKG_LIBS) $(TEST_LIBS)

# --- libFuzzer: built with clang, ASan and UBSan, apart from the rest.
FUZZ_CFLAGS := -std=c11 -D_GNU_SOURCE -g -O1 -I. -Wall -Wextra \
	-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all
FUZZ_LDFLAGS := -fsanitize=fuzzer,address,undefined

FUZZ_LIB = $(B)/fuzz/libfuzzvan.a
FUZZ_LIB_OBJS = $(FUZZ_LIB_SRCS:%.c=$(B)/fuzz/obj/%.o)

$(B)/fuzz/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(call say,FUZZCC,$<)$(FUZZ_CC) $(FUZZ_CFLAGS) $(PKG_CFLAGS) -MMD -MP -c -o $@ $<

$(FUZZ_LIB): $(FUZZ_LIB_OBJS)
	@mkdir -p $(dir $@)
	$(call say,AR,$@)rm -f $@ && $(AR) rcs $@ $^

$(B)/fuzz/fuzz_%: $(B)/fuzz/obj/tests/fuzz/fuzz_%.o $(FUZZ_LIB)
	$(call say,LINK,$@)$(FUZZ_CC) $(FUZZ_LDFLAGS) -o $@ $< $(FUZZ_LIB) $(PKG_LIBS)


