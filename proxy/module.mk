# proxy/module.mk — vanproxy: libvanproxy.a (its configuration and I/O
# glue, also used by tests/interop/wgpeer and the unit tests) and the
# daemon itself.
#
# Archive names are spelt out ($(B)/libvanrim.a, not $(LIBVANCORE)):
# this file is included before edge/module.mk defines them.
PROXY_LIB_SRCS := proxy/uapi_sock.c proxy/conf.c
LIBVANPROXY := $(B)/libvanproxy.a
$(LIBVANPROXY): $(PROXY_LIB_SRCS:%.c=$(B)/%.o)

PROXYD_SRCS := proxy/proxyd.c proxy/peer.c proxy/datapath.c

$(B)/vanproxy: $(B)/proxy/vanproxy.o $(PROXYD_SRCS:%.c=$(B)/%.o) $(LIBVANPROXY) \
		$(B)/libvanrim.a $(B)/libvan.a $(B)/libvancrypto.a
	$(call say,LINK,$@)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

PROGRAMS += $(B)/vanproxy

# The configuration's unit test needs libvanproxy as well as what every
# test links.
$(B)/tests/unit/test_proxyconf: $(B)/tests/unit/test_proxyconf.o $(LIBVANPROXY) \
		$(B)/libvanrim.a $(B)/libvan.a $(B)/libvancrypto.a
	@mkdir -p $(dir $@)
	$(call say,LINK,$@)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS) $(TEST_LIBS)

UNIT_TESTS += $(B)/tests/unit/test_proxyconf
