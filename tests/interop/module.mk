# tests/interop/module.mk — interop with Debian's wireguard-go
# (tests/interop/run.sh, `make interop`): wgpeer, a WireGuard peer built on
# crypto/ that carries IP over a TUN device and serves the wg UAPI, and
# wgtool, the packet tools of the scenarios (replay, flood).
#
# The archive names are spelt out ($(B)/libvanproxy.a, not $(LIBVANPROXY))
# so that this file does not depend on the order proxy/module.mk is
# included in.
WGPEER_OBJS := $(B)/tests/interop/wgpeer.o $(B)/tests/interop/tun.o

$(B)/wgpeer: $(WGPEER_OBJS) $(B)/libvanproxy.a $(LIBVANCRYPTO)
	$(call say,LINK,$@)$(CC) $(ALL_LDFLAGS) -o $@ $(WGPEER_OBJS) \
		$(B)/libvanproxy.a $(LIBVANCRYPTO) $(PKG_LIBS)

$(B)/wgtool: $(B)/tests/interop/wgtool.o $(LIBVANCRYPTO)
	$(call say,LINK,$@)$(CC) $(ALL_LDFLAGS) -o $@ $< $(LIBVANCRYPTO) \
		$(PKG_LIBS)

interop: $(B)/wgpeer $(B)/wgtool
