# edge/module.mk — the VAN core (libvancore.a) and the vanedge and vanctl
# programs.  CORE_PURE_SRCS are the pure files (fuzzed and unit-tested
# directly); CORE_IO_SRCS own sockets, taps, timers and the control socket.

CORE_PURE_SRCS := edge/wire.c edge/fdb.c edge/idmap.c edge/addr.c edge/bridge.c \
	edge/claims.c \
	edge/member.c edge/relay.c \
	edge/offload.c edge/request.c edge/show.c \
	edge/neigh.c edge/arpnd.c edge/mtu.c
CORE_IO_SRCS := edge/log.c edge/setting.c edge/conf.c edge/tap.c edge/udp.c edge/ctl.c \
	edge/priv.c edge/site.c
LIBVANCORE := $(B)/libvancore.a

$(LIBVANCORE): $(CORE_PURE_SRCS:%.c=$(B)/%.o) $(CORE_IO_SRCS:%.c=$(B)/%.o)

FUZZ_LIB_SRCS += $(CORE_PURE_SRCS)

UNIT_TESTS += $(B)/tests/unit/test_wire $(B)/tests/unit/test_fdb \
	$(B)/tests/unit/test_bridge $(B)/tests/unit/test_relay $(B)/tests/unit/test_offload \
	$(B)/tests/unit/test_neigh $(B)/tests/unit/test_arpnd $(B)/tests/unit/test_mtu \
	$(B)/tests/unit/test_udp
FUZZ_TARGETS += $(B)/fuzz/fuzz_wire $(B)/fuzz/fuzz_bridge $(B)/fuzz/fuzz_offload $(B)/fuzz/fuzz_request \
	$(B)/fuzz/fuzz_arpnd $(B)/fuzz/fuzz_mtu $(B)/fuzz/fuzz_relay

EDGED_SRCS := edge/edged.c edge/datapath.c

$(B)/vanedge: $(B)/edge/vanedge.o $(EDGED_SRCS:%.c=$(B)/%.o) $(LIBVANCORE) $(LIBVANCRYPTO)
	$(call say,LINK,$@)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(B)/vanctl: $(B)/edge/vanctl.o
	$(call say,LINK,$@)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

PROGRAMS += $(B)/vanedge $(B)/vanctl

# make bench: tests/bench/run.sh runs it (what a forged member costs an edge).
BENCH_PROGRAMS += $(B)/bench/attack-bench
$(B)/bench/attack-bench: $(B)/tests/bench/attack_bench.o $(LIBVANCORE) $(LIBVANCRYPTO)
	@mkdir -p $(dir $@)
	$(call say,LINK,$@)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)
