# proxy/module.mk — vanproxy: libvanproxy.a (its configuration and I/O
# glue, also used by tests/interop/wgpeer and the unit tests), the
# daemon itself, and its configuration's unit test.
#
# Archive names are spelt out in rules ($(B)/libvanrim.a, not
# $(LIBVANCORE)): this file is included before edge/module.mk defines
# them.  A test's line may use the names: it is expanded at the end.
PROXY_LIB_SRCS := proxy/uapi_sock.c proxy/conf.c proxy/peering.c proxy/pair.c \
	proxy/metricdefs.c proxy/heal.c
LIBVANPROXY := $(B)/libvanproxy.a
$(LIBVANPROXY): $(PROXY_LIB_SRCS:%.c=$(B)/%.o)

PROXYD_SRCS := proxy/proxyd.c proxy/peer.c proxy/datapath.c

$(B)/vanproxy: $(B)/proxy/vanproxy.o $(PROXYD_SRCS:%.c=$(B)/%.o) $(LIBVANPROXY) \
		$(B)/libvanrim.a $(B)/libvan.a $(B)/libvancrypto.a
	$(call say,LINK,$@)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

PROGRAMS += $(B)/vanproxy

# keepalived's notify script for a gateway pair (contrib/keepalived/,
# proxy/pair.h): beside the programs, where vanlab runs it from and
# `make install` takes it (to SBINDIR), with the build's version in its
# `version=` line (--version).
$(B)/vanfed-notify: contrib/keepalived/vanfed-notify $(VERSION_STAMP)
	@mkdir -p $(dir $@)
	$(call say,GEN,$@)sed 's|^version=unknown\b|version=$(VAN_VERSION)|' $< >$@.tmp && \
		chmod 0755 $@.tmp && mv -f $@.tmp $@

PROGRAMS += $(B)/vanfed-notify

# Unit tests: tests/unit/test_NAME.c and what it links (tests/module.mk).
TEST_test_proxyconf = $(LIBVANPROXY) $(LIBVANCORE) $(LIBVANCRYPTO)
TEST_test_heal = $(LIBVANPROXY) $(LIBVANCORE) $(LIBVANCRYPTO)
# heal.c is pure: its fuzzer links it alone (with the core's); the
# configuration's parser is fuzzed too (fuzz_proxyconf).
FUZZ_LIB_SRCS += proxy/heal.c proxy/conf.c proxy/peering.c
FUZZ_TARGETS += $(B)/fuzz/fuzz_heal $(B)/fuzz/fuzz_proxyconf
