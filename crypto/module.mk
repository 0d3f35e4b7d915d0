# crypto/module.mk — the WireGuard-protocol engine (pure code, no I/O but
# keyfile.c's one file read), its unit tests, fuzz targets and bench.
CRYPTO_SRCS := \
	crypto/aead.c \
	crypto/bucket.c \
	crypto/cookie.c \
	crypto/endpoint.c \
	crypto/hash.c \
	crypto/key.c \
	crypto/keyfile.c \
	crypto/message.c \
	crypto/noise.c \
	crypto/ratelimit.c \
	crypto/replay.c \
	crypto/stage.c \
	crypto/table.c \
	crypto/timer.c \
	crypto/transport.c \
	crypto/uapi.c \
	crypto/wgdev.c \
	crypto/wgdev_conf.c \
	crypto/wgdev_uapi.c
LIBVANCRYPTO := $(B)/libvancrypto.a
$(LIBVANCRYPTO): $(CRYPTO_SRCS:%.c=$(B)/%.o)
FUZZ_LIB_SRCS += $(CRYPTO_SRCS)

# Unit tests: tests/unit/test_NAME.c and what it links (tests/module.mk).
TEST_test_aead = $(LIBVANCRYPTO)
TEST_test_bucket = $(LIBVANCRYPTO)
TEST_test_ratelimit = $(LIBVANCRYPTO)
TEST_test_stage = $(LIBVANCRYPTO)
TEST_test_wg_cookie = $(LIBVANCRYPTO)
TEST_test_wg_hash = $(LIBVANCRYPTO)
TEST_test_wg_key = $(LIBVANCRYPTO)
TEST_test_wg_message = $(LIBVANCRYPTO)
TEST_test_wg_noise = $(LIBVANCRYPTO)
TEST_test_wg_replay = $(LIBVANCRYPTO)
TEST_test_wg_table = $(LIBVANCRYPTO)
TEST_test_wg_timer = $(LIBVANCRYPTO)
TEST_test_wg_transport = $(LIBVANCRYPTO)
TEST_test_wg_uapi = $(LIBVANCRYPTO)
TEST_test_wgdev = $(LIBVANCRYPTO)

CRYPTO_FUZZ := wg_msg wg_dev wg_uapi wg_key wg_replay
FUZZ_TARGETS += $(CRYPTO_FUZZ:%=$(B)/fuzz/fuzz_%)

# make bench: tests/bench/crypto.sh runs this beside shared/bench/cryptolimit.c.
BENCH_PROGRAMS += $(B)/bench/crypto-bench
$(B)/bench/crypto-bench: $(B)/tests/bench/crypto_bench.o $(LIBVANCRYPTO)
	@mkdir -p $(dir $@)
	$(call say,LINK,$@)$(CC) $(ALL_LDFLAGS) -o $@ $< $(LIBVANCRYPTO) $(PKG_LIBS)
