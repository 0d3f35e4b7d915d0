# federation/plan/module.mk — vanplan: the planner (pure: plan.c runs the
# steps plan_check.c, tree.c, ids.c, standby.c, summary.c), the inventory
# parser (planconf.c, a site's gateway pair: planpair.c), the writers
# (planout.c), lint (planlint.c) and the main (vanplan.c); its unit tests,
# golden test and bench.  Kept apart from federation/lab/ (vanlab) on
# purpose.

PLAN_SRCS := federation/plan/plan.c federation/plan/plan_check.c federation/plan/tree.c \
	federation/plan/ids.c federation/plan/standby.c federation/plan/summary.c
LIBVANPLAN := $(B)/libvanplan.a
$(LIBVANPLAN): $(PLAN_SRCS:%.c=$(B)/%.o)

# The rest of vanplan: not pure (libconfig, files), no libevent.
PLAN_IO_SRCS := federation/plan/planconf.c federation/plan/planpair.c \
	federation/plan/planout.c federation/plan/planlint.c
$(LIBVANPLAN): $(PLAN_IO_SRCS:%.c=$(B)/%.o)

# The inventory reader and lint are fuzzed, with what the planner writes
# (tests/fuzz/fuzz_planconf.c, fuzz_planlint.c).
FUZZ_LIB_SRCS += $(PLAN_SRCS) $(PLAN_IO_SRCS) proxy/pair.c
FUZZ_TARGETS += $(B)/fuzz/fuzz_planconf $(B)/fuzz/fuzz_planlint

# A gateway pair's keepalived.conf runs the installed programs: where
# `make install` puts them (GNUmakefile's SBINDIR, BINDIR).  keepalived.conf
# comes from proxy/pair.c, in libvanproxy, which vanplan links.  Changing
# PREFIX does not rebuild the object by itself: `make clean` first.
$(B)/federation/plan/planpair.o: ALL_CFLAGS += -DVAN_SBINDIR='"$(SBINDIR)"' \
	-DVAN_BINDIR='"$(BINDIR)"'

$(B)/vanplan: $(B)/federation/plan/vanplan.o $(LIBVANPLAN) $(B)/libvanproxy.a $(LIBVANCORE) \
		$(LIBVANCRYPTO)
	$(call say,LINK,$@)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS) -lm

PROGRAMS += $(B)/vanplan

# Unit tests: tests/unit/test_NAME.c and what it links (tests/module.mk):
# the planner against brute force, the inventory parser, lint, the writers.
TEST_test_plan = $(LIBVANPLAN) $(LIBVANPROXY) $(LIBVANCORE) $(LIBVANCRYPTO) -lm
TEST_test_planconf = $(LIBVANPLAN) $(LIBVANPROXY) $(LIBVANCORE) $(LIBVANCRYPTO) -lm
TEST_test_planlint = $(LIBVANPLAN) $(LIBVANPROXY) $(LIBVANCORE) $(LIBVANCRYPTO) -lm
TEST_test_planout = $(LIBVANPLAN) $(LIBVANPROXY) $(LIBVANCORE) $(LIBVANCRYPTO) -lm

# The golden test (tests/golden/plan.sh): the examples in etc/plan/ give
# the files under tests/golden/plan/, vanproxy accepts them, lint agrees,
# bad inventories give their messages.  It runs with the unit tests (and
# with them under ASan/UBSan).  `make plan-golden-update` rewrites the
# golden files from this build: review the diff before committing it.
plan-golden: $(B)/vanplan $(B)/vanproxy
	$(Q)tests/golden/plan.sh $(B)

plan-golden-update: $(B)/vanplan $(B)/vanproxy
	$(Q)tests/golden/plan.sh $(B) --update

unit: plan-golden

.PHONY: plan-golden plan-golden-update

# make bench: tests/bench/run.sh runs it (10000 sites, 100000 links).
BENCH_PROGRAMS += $(B)/bench/plan-bench
$(B)/bench/plan-bench: $(B)/tests/bench/plan_bench.o $(LIBVANPLAN) $(B)/libvanproxy.a \
		$(LIBVANCORE) $(LIBVANCRYPTO)
	@mkdir -p $(dir $@)
	$(call say,LINK,$@)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS) -lm
