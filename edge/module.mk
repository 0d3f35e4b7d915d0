# edge/module.mk — the VAN core in layers (docs/architecture.md), and the
# vanedge and vanctl programs:
#   edge/van/      libvan.a     the pure core: decisions, tables, codecs;
#                               fuzzed and unit-tested directly
#   edge/rim/      libvanrim.a  the I/O vanedge and vanproxy share: sockets,
#                               taps, the control socket, logs, the getters
#                               of the configuration parsers, JSON views
#   edge/vanedge/  vanedge      (libvanedge.a: its configuration, which the
#                               lab's tests read too)
#   edge/vanctl/   vanctl
# and the unit tests and fuzz targets of edge/van/ and edge/rim/.
VAN_SRCS := edge/van/wire.c edge/van/fdb.c edge/van/idmap.c edge/van/addr.c \
	edge/van/mac.c edge/van/bridge.c edge/van/forward.c edge/van/bridge_view.c edge/van/member.c edge/van/sitekey.c edge/van/relay.c edge/van/repeat.c edge/van/stats.c \
	edge/van/claims.c edge/van/offload.c edge/van/request.c edge/van/neigh.c \
	edge/van/arpnd.c edge/van/mtu.c
RIM_SRCS := edge/rim/log.c edge/rim/setting.c edge/rim/tap.c edge/rim/udp.c \
	edge/rim/ctl.c edge/rim/priv.c edge/rim/daemon.c edge/rim/site.c edge/rim/siteconf.c edge/rim/show.c \
	edge/rim/device.c edge/rim/link.c edge/rim/sdnotify.c edge/rim/metrics.c edge/rim/metricdefs.c \
	edge/rim/version.c
LIBVAN := $(B)/libvan.a
LIBVANRIM := $(B)/libvanrim.a
# What a program built on the core links, in link order.
LIBVANCORE := $(LIBVANRIM) $(LIBVAN)

$(LIBVAN): $(VAN_SRCS:%.c=$(B)/%.o)
$(LIBVANRIM): $(RIM_SRCS:%.c=$(B)/%.o)

FUZZ_LIB_SRCS += $(VAN_SRCS) edge/rim/link.c
# The configuration parsers and the control socket's requests, fuzzed with
# the core (fuzz_edgeconf, fuzz_ctl; fuzz_proxyconf and vanplan's too).
FUZZ_LIB_SRCS += edge/rim/setting.c edge/rim/siteconf.c edge/rim/site.c \
	edge/rim/log.c edge/rim/show.c edge/rim/ctl.c edge/rim/udp.c edge/vanedge/conf.c

# Unit tests: tests/unit/test_NAME.c and what it links (tests/module.mk).
TEST_test_addr = $(LIBVAN)
TEST_test_arpnd = $(UNIT_FRAMES) $(LIBVAN) $(LIBVANCRYPTO)
TEST_test_bridge = $(LIBVAN) $(LIBVANCRYPTO)
TEST_test_fdb = $(LIBVAN) $(LIBVANCRYPTO)
TEST_test_member = $(LIBVAN) $(LIBVANCRYPTO)
TEST_test_mtu = $(UNIT_FRAMES) $(LIBVAN) $(LIBVANCRYPTO)
TEST_test_neigh = $(LIBVAN) $(LIBVANCRYPTO)
TEST_test_offload = $(UNIT_FRAMES) $(LIBVAN) $(LIBVANCRYPTO)
TEST_test_relay = $(LIBVAN) $(LIBVANCRYPTO)
TEST_test_wire = $(LIBVAN) $(LIBVANCRYPTO)
TEST_test_request = $(LIBVANCORE) $(LIBVANCRYPTO)
TEST_test_site = $(LIBVANCORE) $(LIBVANCRYPTO)
TEST_test_udp = $(LIBVANCORE) $(LIBVANCRYPTO)
TEST_test_daemon = $(LIBVANCORE) $(LIBVANCRYPTO)
TEST_test_link = $(LIBVANCORE) $(LIBVANCRYPTO)
TEST_test_log = $(LIBVANCORE) $(LIBVANCRYPTO)
TEST_test_metrics = $(LIBVANEDGE) $(LIBVANPROXY) $(LIBVANCORE) $(LIBVANCRYPTO)
TEST_test_graph = $(VANCTL_GRAPH)
FUZZ_TARGETS += $(B)/fuzz/fuzz_wire $(B)/fuzz/fuzz_bridge $(B)/fuzz/fuzz_offload $(B)/fuzz/fuzz_request \
	$(B)/fuzz/fuzz_arpnd $(B)/fuzz/fuzz_mtu $(B)/fuzz/fuzz_relay $(B)/fuzz/fuzz_addr \
	$(B)/fuzz/fuzz_link $(B)/fuzz/fuzz_edgeconf $(B)/fuzz/fuzz_ctl $(B)/fuzz/fuzz_site

LIBVANEDGE := $(B)/libvanedge.a
$(LIBVANEDGE): $(B)/edge/vanedge/conf.o $(B)/edge/vanedge/metricdefs.o
EDGED_SRCS := edge/vanedge/edged.c edge/vanedge/datapath.c

$(B)/vanedge: $(B)/edge/vanedge/vanedge.o $(EDGED_SRCS:%.c=$(B)/%.o) $(LIBVANEDGE) \
		$(LIBVANCORE) $(LIBVANCRYPTO)
	$(call say,LINK,$@)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

# The one object that has the version (GNUmakefile: VAN_VERSION): it is
# rebuilt, and the programs relinked, when the version changes.
$(B)/edge/rim/version.o: $(VERSION_STAMP)
$(B)/edge/rim/version.o: ALL_CFLAGS += -DVAN_VERSION='"$(VAN_VERSION)"'

# graph.o: the graphs drawn (vanlab draws the federation's with it too).
VANCTL_GRAPH := $(B)/edge/vanctl/graph.o
$(B)/vanctl: $(B)/edge/vanctl/vanctl.o $(VANCTL_GRAPH) $(B)/edge/rim/version.o
	$(call say,LINK,$@)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

PROGRAMS += $(B)/vanedge $(B)/vanctl

# make bench: tests/bench/run.sh runs it (what a forged member costs an edge).
BENCH_PROGRAMS += $(B)/bench/attack-bench
$(B)/bench/attack-bench: $(B)/tests/bench/attack_bench.o $(LIBVANCORE) $(LIBVANCRYPTO)
	@mkdir -p $(dir $@)
	$(call say,LINK,$@)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)
