# federation/lab/module.mk — vanlab, the lab: namespaces, the real
# daemons, and the topologies they run (vanplan is federation/plan/).
#
# LAB_SRCS are vanlab's files but its main; the unit tests link them too.
# The topology model, in layers: lab.c its values (names, addresses,
# look-ups), labfed.c the federation part (several sites, their proxies
# and peerings: parsed, and its values), labconf.c the parser of the
# topology file (which calls labfed.c's), labfile.c what the model writes
# (labha.c a pair of gateways' keepalived files); resume.c the frames a
# migrated VM sends (none of these make syscalls of their own).  The rest
# run processes, namespaces and daemons (gateway.c: the proxies, ha.c a
# pair's keepalived; qemu.c the QEMU guests and QMP, agent.c the host side
# of their agent, livemig.c their live migration) and the commands
# (testbed.c up, down, migrate; report.c, status.c, console.c exec and
# ctl, check.c, demo.c, fedgraph.c graph, impair.c impair and partition,
# whose faults are fault.c's, pure).

LAB_SRCS := federation/lab/lab.c federation/lab/labfed.c federation/lab/labconf.c \
	federation/lab/labfile.c federation/lab/resume.c federation/lab/proc.c \
	federation/lab/netns.c federation/lab/state.c federation/lab/daemon.c \
	federation/lab/gateway.c federation/lab/testbed.c federation/lab/report.c \
	federation/lab/status.c federation/lab/console.c federation/lab/check.c \
	federation/lab/demo.c federation/lab/agent.c federation/lab/qemu.c \
	federation/lab/livemig.c federation/lab/labha.c federation/lab/ha.c \
	federation/lab/fedgraph.c federation/lab/fault.c federation/lab/impair.c
LIBVANLAB := $(B)/libvanlab.a

$(LIBVANLAB): $(LAB_SRCS:%.c=$(B)/%.o)

# libvanproxy.a: the peering files' model, reader and writer (proxy/peering.c);
# vanctl's graph.o: the merged federation drawn as vanctl draws a view.
$(B)/vanlab: $(B)/federation/lab/vanlab.o $(LIBVANLAB) $(LIBVANPROXY) $(VANCTL_GRAPH) \
		$(LIBVANCORE) $(LIBVANCRYPTO)
	$(call say,LINK,$@)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

PROGRAMS += $(B)/vanlab

# Unit tests: tests/unit/test_NAME.c and what it links (tests/module.mk):
# the model and its files; the frames of a resumed VM, checked against the
# edge's own ARP/ND parser.
TEST_test_lab = $(LIBVANLAB) $(LIBVANPROXY) $(LIBVANEDGE) $(LIBVANCORE) $(LIBVANCRYPTO)
# The faults of `vanlab impair` (fault.c, pure).
TEST_test_fault = $(LIBVANLAB) $(LIBVANPROXY) $(LIBVANEDGE) $(LIBVANCORE) $(LIBVANCRYPTO)
TEST_test_resume = $(UNIT_FRAMES) $(LIBVANLAB) $(LIBVANCORE) $(LIBVANCRYPTO)

# The qemu guest of `kind = "qemu"` VMs (federation/lab/guest/build.sh):
# the cloud kernel of Debian's linux-image-cloud-amd64, unpacked, and a
# busybox-static initramfs with /init and the agent (static, libc only:
# it runs in the guest, not here; no sanitizers).  `make guest`; `make
# lab` and the integration tests build it.  vanlab finds it in guest/
# beside itself, or in $VANLAB_GUEST.
GUEST := $(B)/guest/vmlinuz $(B)/guest/initrd.gz

$(B)/guest/vanlab-agent: federation/lab/guest/agent.c
	@mkdir -p $(dir $@)
	$(call say,CC,$@)$(CC) -std=c11 -D_GNU_SOURCE -O2 $(WARNINGS) -static -o $@ $<

$(B)/guest/initrd.gz: $(B)/guest/vanlab-agent federation/lab/guest/init \
		federation/lab/guest/build.sh
	$(call say,GUEST,$@)federation/lab/guest/build.sh $(B)/guest \
	    $(B)/guest/vanlab-agent federation/lab/guest/init

$(B)/guest/vmlinuz: $(B)/guest/initrd.gz

guest: $(GUEST)

integration: $(GUEST)
