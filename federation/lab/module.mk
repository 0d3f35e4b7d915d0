# federation/module.mk — vanlab (and later vanplan, peering files).
#
# LAB_SRCS are vanlab's files but its main; the unit test links them too.
# lab.c, labfed.c and labfile.c are the topology model (labfed.c: several
# sites, their proxies and peerings) and what it writes, resume.c the
# frames a migrated VM sends (no syscalls of their own); the rest run
# processes, namespaces and daemons (gateway.c: the proxies).

LAB_SRCS := federation/lab.c federation/labfed.c federation/labfile.c federation/resume.c federation/proc.c \
	federation/netns.c federation/state.c federation/daemon.c federation/gateway.c federation/testbed.c \
	federation/report.c
LIBVANLAB := $(B)/libvanlab.a

$(LIBVANLAB): $(LAB_SRCS:%.c=$(B)/%.o)

$(B)/vanlab: $(B)/federation/vanlab.o $(LIBVANLAB) $(LIBVANCORE) $(LIBVANCRYPTO)
	$(call say,LINK,$@)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

PROGRAMS += $(B)/vanlab

# The unit test needs libvanlab as well as what every test links.
$(B)/tests/unit/test_lab: $(B)/tests/unit/test_lab.o $(LIBVANLAB) $(LIBVANPROXY) $(LIBVANEDGE) \
		$(LIBVANCORE) $(LIBVANCRYPTO)
	@mkdir -p $(dir $@)
	$(call say,LINK,$@)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS) $(TEST_LIBS)

UNIT_TESTS += $(B)/tests/unit/test_lab

# The frames of a resumed VM, checked against the edge's own ARP/ND parser.
$(B)/tests/unit/test_resume: $(B)/tests/unit/test_resume.o $(LIBVANLAB) $(LIBVANCORE) $(LIBVANCRYPTO)
	@mkdir -p $(dir $@)
	$(call say,LINK,$@)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS) $(TEST_LIBS)

UNIT_TESTS += $(B)/tests/unit/test_resume
