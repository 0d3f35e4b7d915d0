# proxy/module.mk — libvanproxy.a: the I/O glue vanproxy is built from.
# For now the UAPI socket server (wg show / wg set on
# /var/run/wireguard/NAME.sock), also used by tests/interop/wgpeer.
PROXY_LIB_SRCS := proxy/uapi_sock.c
LIBVANPROXY := $(B)/libvanproxy.a
$(LIBVANPROXY): $(PROXY_LIB_SRCS:%.c=$(B)/%.o)
