# crypto/module.mk — the WireGuard-protocol engine (pure code, no I/O).
CRYPTO_SRCS :=
LIBVANCRYPTO := $(B)/libvancrypto.a
$(LIBVANCRYPTO): $(CRYPTO_SRCS:%.c=$(B)/%.o)
FUZZ_LIB_SRCS += $(CRYPTO_SRCS)
