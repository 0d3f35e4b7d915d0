/*
 * test_proxyconf.c — proxy/conf.c, vanproxy's configuration: good files
 * (the main file and the peering file it @includes) load to the model we
 * expect, defaults included; the printer's output is golden and loads back
 * to itself; every refusal gives exactly its "FILE:LINE: message", the
 * included file named by a path that opens it and its own lines.
 *
 * Key files are made by the test in a fresh directory (0600, or 0644 for
 * the refusals), never taken from the machine.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <cmocka.h>
#include <sodium.h>

#include "crypto/key.h"
#include "proxy/conf.h"

static char dir[64];
static char our_pub[WG_KEY_B64_LEN + 1], pub1[WG_KEY_B64_LEN + 1],
    pub2[WG_KEY_B64_LEN + 1];
static struct wg_key psk_key;

static void
write_key_file(const char *name, mode_t mode, struct wg_key *pub_out,
    struct wg_key *raw_out)
{
	char path[128], b64[WG_KEY_B64_LEN + 1];
	struct wg_key k;
	FILE *f;

	key_generate(&k, &wg_rng_default);
	if (pub_out != NULL)
		assert_int_equal(key_public(pub_out, &k), 0);
	if (raw_out != NULL)
		*raw_out = k;
	key_to_base64(b64, &k);
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	assert_non_null(f = fopen(path, "w"));
	fprintf(f, "%s\n", b64);
	fclose(f);
	assert_int_equal(chmod(path, mode), 0);
	key_wipe(&k);
}

/* Text with @DIR@, @OURPUB@, @PUB1@, @PUB2@ replaced, into dir/name. */
static void
put(const char *name, const char *text)
{
	static const struct {
		const char *tag;
		const char *val;
	} subst[] = {
		{ "@DIR@", dir }, { "@OURPUB@", our_pub }, { "@PUB1@", pub1 },
		{ "@PUB2@", pub2 },
	};
	char path[128];
	const char *p;
	FILE *f;
	size_t i;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	assert_non_null(f = fopen(path, "w"));
	for (p = text; *p != '\0';) {
		for (i = 0; i < sizeof(subst) / sizeof(subst[0]); i++)
			if (strncmp(p, subst[i].tag, strlen(subst[i].tag)) == 0)
				break;
		if (i < sizeof(subst) / sizeof(subst[0])) {
			fputs(subst[i].val, f);
			p += strlen(subst[i].tag);
		} else
			fputc(*p++, f);
	}
	fclose(f);
}

static struct proxy_conf *
load(const char *name, char err[static SETTING_ERR_MAX])
{
	char path[128];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return proxy_conf_load(path, err);
}

static int
setup(void **state)
{
	struct wg_key pub;

	(void)state;
	if (sodium_init() == -1)
		return -1;
	snprintf(dir, sizeof(dir), "/tmp/van-proxyconf.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	write_key_file("proxy.key", 0600, &pub, NULL);
	key_to_base64(our_pub, &pub);
	write_key_file("open.key", 0644, NULL, NULL);
	write_key_file("b.psk", 0600, NULL, &psk_key);
	write_key_file("open.psk", 0640, NULL, NULL);
	{
		char b64[WG_KEY_B64_LEN + 1], path[128];
		FILE *f;

		key_to_base64(b64, &psk_key);
		snprintf(path, sizeof(path), "%s/b-copy.psk", dir);
		assert_non_null(f = fopen(path, "w"));
		fprintf(f, "%s\n", b64);
		fclose(f);
		assert_int_equal(chmod(path, 0600), 0);
		sodium_memzero(b64, sizeof(b64));
	}
	write_key_file("peer1.key", 0600, &pub, NULL);
	key_to_base64(pub1, &pub);
	write_key_file("peer2.key", 0600, &pub, NULL);
	key_to_base64(pub2, &pub);
	return 0;
}

static int
teardown(void **state)
{
	static const char *const files[] = { "proxy.key", "open.key", "b.psk",
	    "open.psk", "b-copy.psk", "peer1.key", "peer2.key", "proxy.conf",
	    "peering.conf",
	    "printed.conf", NULL };
	char path[128];
	int i;

	(void)state;
	for (i = 0; files[i] != NULL; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		unlink(path);
	}
	key_wipe(&psk_key);
	return rmdir(dir);
}

/* ------------------------------------------------------------- good --- */

static const char good_main[] =
    "# a site's proxy\n"
    "proxy = {\n"
    "  name = \"a\";\n"
    "  private_key = \"@DIR@/proxy.key\";\n"
    "  listen = \"10.0.0.1:51900\";\n"
    "  site_listen = \"[2001:db8::1]:4800\";\n"
    "  control = \"/run/van/proxy-a.sock\";\n"
    "  wg_name = \"vf-a\";\n"
    "  hello_interval = 500;\n"
    "  log_level = \"debug\";\n"
    "};\n"
    "members = [ \"10.0.0.11\", \"[2001:db8::12]:4797\" ];\n"
    "vans = ( { id = 100; name = \"blue\"; flood_rate = 50; },\n"
    "  { id = 200; } );\n"
    "@include \"peering.conf\"\n";

static const char good_peering[] =
    "peers = (\n"
    "  { name = \"b\";\n"
    "    public_key = \"@PUB1@\";\n"
    "    endpoint = \"198.51.100.2:51820\";\n"
    "    preshared_key = \"@DIR@/b.psk\";\n"
    "    persistent_keepalive = 25;\n"
    "    vans = ( { local = 100; remote = 300; }, { local = 200; remote = 310; } );\n"
    "    limits = { macs = 100; flood_rate = 20; learn_rate = 0; };\n"
    "    claims = { macs = [ \"02:00:5e\", \"02:00:00:00:01:00/40\",\n"
    "      \"02:10:00:00:00:01-02:10:00:00:00:09\", \"02:20:00:00:00:07\" ];\n"
    "      prefixes = [ \"10.1.0.0/16\", \"fd00:1::/64\", \"192.0.2.7\" ]; };\n"
    "  },\n"
    "  { name = \"c\"; public_key = \"@PUB2@\"; endpoint = \"[2001:db8:c::1]\";\n"
    "    vans = ( { local = 100; remote = 100; } ); }\n"
    ");\n";

static void
test_good(void **state)
{
	char err[SETTING_ERR_MAX], a[ADDR_STRLEN];
	const struct proxy_peer *b, *c;
	struct proxy_conf *conf;
	const struct sockaddr_in *in4;

	(void)state;
	put("proxy.conf", good_main);
	put("peering.conf", good_peering);
	conf = load("proxy.conf", err);
	if (conf == NULL)
		fail_msg("%s", err);
	assert_string_equal(conf->name, "a");
	assert_string_equal(addr_str(&conf->listen, a), "10.0.0.1:51900");
	assert_string_equal(addr_str(&conf->site_listen, a), "[2001:db8::1]:4800");
	assert_string_equal(conf->site.control, "/run/van/proxy-a.sock");
	assert_string_equal(conf->wg_name, "vf-a");
	assert_int_equal(conf->site.hello_ms, 500);
	assert_int_equal(conf->site.log_level, LOG_LVL_DEBUG);
	assert_false(conf->site.has_site_key);
	/* A member's port defaults to the site socket's. */
	assert_int_equal(conf->site.nmembers, 2);
	assert_string_equal(addr_str(&conf->site.members[0], a), "10.0.0.11:4800");
	assert_string_equal(addr_str(&conf->site.members[1], a), "[2001:db8::12]:4797");
	assert_int_equal(conf->nvans, 2);
	assert_int_equal(conf->vans[0].flood_rate, 50);
	assert_string_equal(conf->vans[1].name, "van200");
	assert_int_equal(conf->npeers, 2);
	assert_non_null(b = proxy_conf_peer(conf, "b"));
	assert_non_null(c = proxy_conf_peer(conf, "c"));
	assert_null(proxy_conf_peer(conf, "d"));
	/* b: everything given. */
	assert_true(b->has_endpoint);
	assert_string_equal(b->endpoint_text, "198.51.100.2:51820");
	in4 = &b->endpoint.addr.in4;
	assert_int_equal(in4->sin_family, AF_INET);
	assert_int_equal(ntohs(in4->sin_port), 51820);
	assert_int_equal(ntohl(in4->sin_addr.s_addr), 0xc6336402);
	assert_true(b->has_psk);
	assert_int_equal(sodium_memcmp(&b->psk, &psk_key, sizeof(psk_key)), 0);
	assert_int_equal(b->keepalive, 25);
	assert_int_equal(b->npairs, 2);
	assert_int_equal(proxy_peer_remote(b, 100), 300);
	assert_int_equal(proxy_peer_remote(b, 200), 310);
	assert_int_equal(proxy_peer_remote(b, 300), 0);
	assert_int_equal(b->macs, 100);
	assert_int_equal(b->flood_rate, 20);
	assert_int_equal(b->learn_rate, 0);
	assert_int_equal(b->line, 2);
	/* Its claims: the OUI, the /40, the range, the one MAC; 3 prefixes. */
	assert_non_null(b->claims);
	assert_true(b->claims->has_macs && b->claims->has_prefixes);
	assert_int_equal(b->claims->nmacs, 4);
	assert_true(claims_mac_in(b->claims, (const uint8_t[6]){ 2, 0, 0x5e, 1, 2, 3 }));
	assert_true(claims_mac_in(b->claims, (const uint8_t[6]){ 2, 0, 0, 0, 1, 0xff }));
	assert_false(claims_mac_in(b->claims, (const uint8_t[6]){ 2, 0, 0, 0, 2, 0 }));
	assert_true(claims_mac_in(b->claims, (const uint8_t[6]){ 2, 0x10, 0, 0, 0, 9 }));
	assert_false(claims_mac_in(b->claims, (const uint8_t[6]){ 2, 0x10, 0, 0, 0, 10 }));
	assert_true(claims_mac_in(b->claims, (const uint8_t[6]){ 2, 0x20, 0, 0, 0, 7 }));
	assert_false(claims_mac_in(b->claims, (const uint8_t[6]){ 2, 0x20, 0, 0, 0, 8 }));
	{
		struct wire_addr w = { .family = 4, .bytes = { 10, 1, 200, 3 } };

		assert_true(claims_addr_in(b->claims, &w));
		w.bytes[1] = 2;
		assert_false(claims_addr_in(b->claims, &w));
		memcpy(w.bytes, (const uint8_t[4]){ 192, 0, 2, 7 }, 4);
		assert_true(claims_addr_in(b->claims, &w));
		w.bytes[3] = 8;
		assert_false(claims_addr_in(b->claims, &w));
		w.family = 6;
		memcpy(w.bytes, (const uint8_t[16]){ 0xfd, 0, 0, 1, 0, 0, 0, 0, 9 }, 16);
		assert_true(claims_addr_in(b->claims, &w));
		w.bytes[7] = 1;
		assert_false(claims_addr_in(b->claims, &w));
	}
	assert_null(c->claims);
	/* c: the defaults of a peer; the port of an endpoint defaults too. */
	assert_string_equal(c->endpoint_text, "[2001:db8:c::1]:51820");
	assert_false(c->has_psk);
	assert_int_equal(c->keepalive, 0);
	assert_int_equal(c->macs, PROXY_PEER_MACS_DEFAULT);
	assert_int_equal(c->flood_rate, PROXY_PEER_FLOOD_DEFAULT);
	assert_int_equal(c->learn_rate, PROXY_PEER_LEARN_DEFAULT);
	assert_int_equal(proxy_peer_remote(c, 100), 100);
	proxy_conf_free(conf);
}

static void
test_defaults(void **state)
{
	char err[SETTING_ERR_MAX], a[ADDR_STRLEN];
	struct proxy_conf *conf;
	struct wg_key pub;
	char b64[WG_KEY_B64_LEN + 1];

	(void)state;
	put("proxy.conf", "proxy = { private_key = \"@DIR@/proxy.key\"; };\n");
	conf = load("proxy.conf", err);
	if (conf == NULL)
		fail_msg("%s", err);
	assert_string_equal(conf->name, "proxy");
	assert_int_equal(conf->listen.family, 0);
	assert_int_equal(conf->listen.port, 51820);
	assert_int_equal(conf->site_listen.family, 0);
	assert_int_equal(conf->site_listen.port, 4797);
	assert_string_equal(conf->site.control, "/run/van/proxy.sock");
	assert_string_equal(conf->wg_name, "vanfed0");
	assert_int_equal(conf->site.hello_ms, 1000);
	assert_int_equal(conf->site.dead_count, 3);
	assert_int_equal(conf->site.fdb_max, 65536);
	assert_int_equal(conf->site.log_level, LOG_LVL_INFO);
	assert_int_equal(conf->site.nmembers + conf->nvans + conf->npeers, 0);
	/* The public key is the private key's. */
	assert_int_equal(key_public(&pub, &conf->private_key), 0);
	key_to_base64(b64, &pub);
	assert_string_equal(b64, our_pub);
	key_to_base64(b64, &conf->public_key);
	assert_string_equal(b64, our_pub);
	(void)a;
	proxy_conf_free(conf);
}

/* A host name is resolved when the file is loaded; its port is kept. */
static void
test_endpoint_name(void **state)
{
	char err[SETTING_ERR_MAX];
	struct proxy_conf *conf;
	const struct proxy_peer *p;

	(void)state;
	put("proxy.conf", "proxy = { private_key = \"@DIR@/proxy.key\"; };\n"
	    "peers = ( { name = \"b\"; public_key = \"@PUB1@\";"
	    " endpoint = \"localhost:4000\"; } );\n");
	conf = load("proxy.conf", err);
	if (conf == NULL)
		fail_msg("%s", err);
	p = proxy_conf_peer(conf, "b");
	assert_true(p->has_endpoint);
	assert_string_equal(p->endpoint_text, "localhost:4000");
	assert_true(p->endpoint.addr.sa.sa_family == AF_INET ||
	    p->endpoint.addr.sa.sa_family == AF_INET6);
	assert_int_equal(ntohs(p->endpoint.addr.sa.sa_family == AF_INET ?
	    p->endpoint.addr.in4.sin_port : p->endpoint.addr.in6.sin6_port), 4000);
	proxy_conf_free(conf);
}

/* ------------------------------------------------------------ print --- */

static const char golden[] =
    "proxy = {\n"
    "  name = \"a\";\n"
    "  private_key = \"@DIR@/proxy.key\";    # public key @OURPUB@\n"
    "  listen = \"10.0.0.1:51900\";\n"
    "  site_listen = \"[2001:db8::1]:4800\";\n"
    "  control = \"/run/van/proxy-a.sock\";\n"
    "  wg_name = \"vf-a\";\n"
    "  hello_interval = 500;\n"
    "  dead_after = 3;\n"
    "  fdb_max = 65536;\n"
    "  member_routes_max = 16384;\n"
    "  member_flood_rate = 10000;\n"
    "  member_learn_rate = 5000;\n"
    "  dad_moves = 5;\n"
    "  dad_window = 180;\n"
    "  dad_hold = 180;\n"
    "  tunnel_mtu = 1500;\n"
    "  route_refresh = 60;\n"
    "  ha = false;\n"
    "  log_level = \"debug\";\n"
    "};\n"
    "members = [\n"
    "  \"10.0.0.11:4800\",\n"
    "  \"[2001:db8::12]:4797\"\n"
    "];\n"
    "vans = (\n"
    "  { id = 100; name = \"blue\"; flood_rate = 50; flood_burst = 50; },\n"
    "  { id = 200; name = \"van200\"; }\n"
    ");\n"
    "peers = (\n"
    "  { name = \"b\";\n"
    "    public_key = \"@PUB1@\";\n"
    "    endpoint = \"198.51.100.2:51820\";\n"
    "    preshared_key = \"@DIR@/b.psk\";\n"
    "    persistent_keepalive = 25;\n"
    "    vans = (\n"
    "      { local = 100; remote = 300; },\n"
    "      { local = 200; remote = 310; }\n"
    "    );\n"
    "    limits = { macs = 100; flood_rate = 20; learn_rate = 0; };\n"
    "    claims = { macs = [ \"02:00:5e:00:00:00-02:00:5e:ff:ff:ff\","
    " \"02:00:00:00:01:00-02:00:00:00:01:ff\", \"02:10:00:00:00:01-02:10:00:00:00:09\","
    " \"02:20:00:00:00:07\" ]; prefixes = [ \"10.1.0.0/16\", \"fd00:1::/64\","
    " \"192.0.2.7/32\" ]; }; },\n"
    "  { name = \"c\";\n"
    "    public_key = \"@PUB2@\";\n"
    "    endpoint = \"[2001:db8:c::1]:51820\";\n"
    "    persistent_keepalive = 0;\n"
    "    vans = (\n"
    "      { local = 100; remote = 100; }\n"
    "    );\n"
    "    limits = { macs = 4096; flood_rate = 2000; learn_rate = 1000; }; }\n"
    ");\n";

static char *
print_conf(const struct proxy_conf *conf)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	proxy_conf_print(f, conf);
	fclose(f);
	return buf;
}

static void
test_print(void **state)
{
	char err[SETTING_ERR_MAX], path[128], *out, *again, *want;
	struct proxy_conf *conf;
	FILE *f;
	long n;

	(void)state;
	put("proxy.conf", good_main);
	put("peering.conf", good_peering);
	put("printed.conf", golden);
	snprintf(path, sizeof(path), "%s/printed.conf", dir);
	assert_non_null(f = fopen(path, "r"));
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	want = calloc(1, (size_t)n + 1);
	assert_int_equal(fread(want, 1, (size_t)n, f), (size_t)n);
	fclose(f);

	assert_non_null(conf = load("proxy.conf", err));
	out = print_conf(conf);
	assert_string_equal(out, want);
	/* No secret in it: neither the private key nor the PSK. */
	{
		char b64[WG_KEY_B64_LEN + 1];

		key_to_base64(b64, &conf->private_key);
		assert_null(strstr(out, b64));
		key_to_base64(b64, &psk_key);
		assert_null(strstr(out, b64));
		sodium_memzero(b64, sizeof(b64));
	}
	proxy_conf_free(conf);
	/* The printed file loads to the same model: a fixpoint. */
	conf = load("printed.conf", err);
	if (conf == NULL)
		fail_msg("%s", err);
	again = print_conf(conf);
	assert_string_equal(again, want);
	proxy_conf_free(conf);
	free(again);
	free(out);
	free(want);
}

/*
 * site_key_accept: read beside site_key, printed after it, the key kept
 * apart from the site key (it is never sealed with).
 */
static void
test_site_key_accept(void **state)
{
	char err[SETTING_ERR_MAX], line[256], *out;
	struct proxy_conf *conf;
	struct wg_key k;
	char b64[WG_KEY_B64_LEN + 1], path[128];
	FILE *f;

	(void)state;
	put("proxy.conf", "proxy = { private_key = \"@DIR@/proxy.key\";\n"
	    "  site_key = \"@DIR@/b.psk\";\n  site_key_accept = \"@DIR@/peer1.key\"; };\n");
	put("peering.conf", "peers = ( );\n");
	conf = load("proxy.conf", err);
	if (conf == NULL)
		fail_msg("%s", err);
	assert_true(conf->site.has_site_key);
	assert_true(conf->site.has_accept_key);
	assert_memory_equal(conf->site.site_key, psk_key.b, 32);
	snprintf(path, sizeof(path), "%s/peer1.key", dir);
	assert_string_equal(conf->site.accept_key_file, path);
	assert_non_null(f = fopen(path, "r"));
	assert_non_null(fgets(b64, sizeof(b64), f));
	fclose(f);
	assert_true(key_from_base64(&k, b64, WG_KEY_B64_LEN));
	assert_memory_equal(conf->site.accept_key, k.b, 32);
	key_wipe(&k);
	out = print_conf(conf);
	snprintf(line, sizeof(line), "  site_key = \"%s/b.psk\";\n"
	    "  site_key_accept = \"%s\";\n", dir, path);
	assert_non_null(strstr(out, line));
	assert_null(strstr(out, b64));
	sodium_memzero(b64, sizeof(b64));
	free(out);
	proxy_conf_free(conf);
}

/* ------------------------------------------------------------ errors --- */

struct bad {
	const char	*main;		/* proxy.conf */
	const char	*peering;	/* peering.conf, or NULL */
	const char	*want;		/* after "DIR/" */
};

#define KEY	"proxy = { private_key = \"@DIR@/proxy.key\"; };\n"
#define INC	KEY "vans = ( { id = 100; }, { id = 200; } );\n@include \"peering.conf\"\n"
#define PEER1	"  { name = \"b\"; public_key = \"@PUB1@\"; "

static const struct bad bads[] = {
	/* The main file. */
	{ "proxy = { name = \"a\";\n", NULL, "proxy.conf:2: syntax error" },
	{ KEY "bogus = 1;\n", NULL, "proxy.conf:2: unknown setting 'bogus'" },
	{ "proxy = 1;\n", NULL, "proxy.conf:1: 'proxy' must be a group { ... }" },
	{ "proxy = {\n  private_key = \"@DIR@/proxy.key\";\n  tap = \"x\";\n};\n", NULL,
	  "proxy.conf:3: unknown setting 'tap'" },
	{ "proxy = {\n  private_key = \"@DIR@/open.key\";\n};\n", NULL,
	  "proxy.conf:2: private_key: @DIR@/open.key: key file is accessible by "
	  "group or others (mode 0644); refusing it: chmod 600 it" },
	{ "proxy = {\n  private_key = \"@DIR@/none.key\";\n};\n", NULL,
	  "proxy.conf:2: private_key: @DIR@/none.key: No such file or directory" },
	{ "proxy = {\n  private_key = 5;\n};\n", NULL,
	  "proxy.conf:2: 'private_key' must be a string" },
	{ "proxy = { private_key = \"@DIR@/proxy.key\";\n  listen = \"10.0.0.256\"; };\n",
	  NULL, "proxy.conf:2: listen: not an IPv4 address: '10.0.0.256'" },
	{ "proxy = { private_key = \"@DIR@/proxy.key\";\n  listen = \"[::]:4797\"; };\n",
	  NULL, "proxy.conf:2: site_listen: the same port as listen (4797)" },
	{ "proxy = { private_key = \"@DIR@/proxy.key\";\n  listen = \"10.0.0.1:9000\";\n"
	  "  site_listen = \"10.0.0.1:9000\"; };\n",
	  NULL, "proxy.conf:3: site_listen: the same port as listen (9000)" },
	{ "proxy = { private_key = \"@DIR@/proxy.key\";\n  listen = \"10.0.0.1:9000\";\n"
	  "  ha = true; };\n", NULL, "proxy.conf:3: ha: listen and site_listen must each "
	  "name the pair's virtual address, not every address" },
	{ "proxy = { private_key = \"@DIR@/proxy.key\";\n  ha = 1; };\n", NULL,
	  "proxy.conf:2: 'ha' must be true or false" },
	{ "proxy = { private_key = \"@DIR@/proxy.key\";\n"
	  "  drain_file = \"/run/drain\"; };\n", NULL,
	  "proxy.conf:2: drain_file: only for one of a pair (ha = true)" },
	{ "proxy = { private_key = \"@DIR@/proxy.key\";\n  listen = \"10.0.0.1:9000\";\n"
	  "  site_listen = \"10.0.1.1:4797\"; ha = true;\n  drain_file = \"drain\"; };\n",
	  NULL, "proxy.conf:4: drain_file 'drain': an absolute path of at most 431 bytes" },
	{ "proxy = { private_key = \"@DIR@/proxy.key\";\n  drain_file = 1; };\n", NULL,
	  "proxy.conf:2: 'drain_file' must be a string" },
	{ "proxy = { private_key = \"@DIR@/proxy.key\";\n  control = \"proxy.sock\"; };\n",
	  NULL, "proxy.conf:2: control: an absolute path shorter than 108 bytes" },
	{ "proxy = { private_key = \"@DIR@/proxy.key\";\n"
	  "  wg_name = \"a-much-too-long-name\"; };\n", NULL,
	  "proxy.conf:2: wg_name 'a-much-too-long-name': 1-15 of A-Z a-z 0-9 _ . -" },
	{ "proxy = { private_key = \"@DIR@/proxy.key\";\n  name = \"a b\"; };\n", NULL,
	  "proxy.conf:2: name 'a b': 1-31 of A-Z a-z 0-9 _ . -" },
	{ "proxy = { private_key = \"@DIR@/proxy.key\";\n  hello_interval = 5; };\n", NULL,
	  "proxy.conf:2: 'hello_interval' must be 10..60000" },
	{ "proxy = { private_key = \"@DIR@/proxy.key\";\n  route_refresh = 90000; };\n", NULL,
	  "proxy.conf:2: 'route_refresh' must be 0..86400" },
	{ "proxy = { private_key = \"@DIR@/proxy.key\";\n  site_key = \"@DIR@/open.psk\"; };\n",
	  NULL, "proxy.conf:2: site_key: @DIR@/open.psk: key file is accessible by "
	  "group or others (mode 0640); refusing it: chmod 600 it" },
	/* The rotation window's key (docs/protocol.md §7). */
	{ "proxy = { private_key = \"@DIR@/proxy.key\";\n"
	  "  site_key_accept = \"@DIR@/b.psk\"; };\n", NULL,
	  "proxy.conf:2: site_key_accept without site_key (the key sent; "
	  "site_key_accept is only also accepted)" },
	{ "proxy = { private_key = \"@DIR@/proxy.key\";\n  site_key = \"@DIR@/b.psk\";\n"
	  "  site_key_accept = \"@DIR@/b.psk\"; };\n", NULL,
	  "proxy.conf:3: site_key_accept: @DIR@/b.psk holds the same key as site_key "
	  "(line 2)" },
	{ "proxy = { private_key = \"@DIR@/proxy.key\";\n  site_key = \"@DIR@/b.psk\";\n"
	  "  site_key_accept = \"@DIR@/b-copy.psk\"; };\n", NULL,
	  "proxy.conf:3: site_key_accept: @DIR@/b-copy.psk holds the same key as "
	  "site_key (line 2)" },
	{ "proxy = { private_key = \"@DIR@/proxy.key\";\n  site_key = \"@DIR@/b.psk\";\n"
	  "  site_key_accept = \"@DIR@/none.psk\"; };\n", NULL,
	  "proxy.conf:3: site_key_accept: @DIR@/none.psk: No such file or directory" },
	{ "proxy = { private_key = \"@DIR@/proxy.key\";\n  site_key = \"@DIR@/b.psk\";\n"
	  "  site_key_accept = \"@DIR@/open.psk\"; };\n", NULL,
	  "proxy.conf:3: site_key_accept: @DIR@/open.psk: key file is accessible by "
	  "group or others (mode 0640); refusing it: chmod 600 it" },
	{ "proxy = { private_key = \"@DIR@/proxy.key\";\n  site_key = \"@DIR@/b.psk\";\n"
	  "  site_key_accept = 7; };\n", NULL,
	  "proxy.conf:3: 'site_key_accept' must be a string" },
	{ "proxy = { private_key = \"@DIR@/proxy.key\";\n  site_key = \"@DIR@/b.psk\";\n"
	  "  site_key_accept = \"\"; };\n", NULL,
	  "proxy.conf:3: site_key_accept: a file name" },
	{ KEY "members = [ \"10.0.0.1\",\n  \"10.0.0.1:4797\" ];\n", NULL,
	  "proxy.conf:3: member '10.0.0.1:4797' listed twice" },
	{ KEY "vans = ( { id = 100; },\n  { id = 100; } );\n", NULL,
	  "proxy.conf:3: VAN ID 100 already used on line 2" },
	{ KEY "vans = ( { name = \"x\"; } );\n", NULL, "proxy.conf:2: VAN without 'id'" },
	{ KEY "vans = ( { id = 1; ports = ( ); } );\n", NULL,
	  "proxy.conf:2: unknown setting 'ports'" },
	{ KEY "peers = { };\n", NULL,
	  "proxy.conf:2: 'peers' must be a list ( { ... }, ... )" },
	{ KEY "@include \"nosuch.conf\"\n", NULL,
	  "proxy.conf:2: cannot open include file" },
	/* The peering file, by its own name and lines. */
	{ INC, "peers = (\n  { name = \"b\";\n    x = 1; }\n);\n",
	  "peering.conf:3: unknown setting 'x'" },
	{ INC, "peers = (\n  { name = \"b\";\n    public_key = ; }\n);\n",
	  "peering.conf:3: syntax error" },
	{ INC, "peers = (\n  { public_key = \"@PUB1@\"; }\n);\n",
	  "peering.conf:2: peer without 'name'" },
	{ INC, "peers = (\n  { name = \"b/c\"; }\n);\n",
	  "peering.conf:2: peer name 'b/c': 1-31 of A-Z a-z 0-9 _ . -" },
	{ INC, "peers = (\n" PEER1 "},\n  { name = \"b\"; public_key = \"@PUB2@\"; }\n);\n",
	  "peering.conf:3: peer name 'b' already used on line 2" },
	{ INC, "peers = (\n  { name = \"b\"; }\n);\n",
	  "peering.conf:2: peer 'b' without 'public_key'" },
	{ INC, "peers = (\n  { name = \"b\";\n    public_key = \"abc\"; }\n);\n",
	  "peering.conf:3: public_key: not a key (44 characters of base64, as "
	  "`wg pubkey` prints)" },
	{ INC, "peers = (\n  { name = \"b\";\n    public_key = \"@OURPUB@\"; }\n);\n",
	  "peering.conf:3: public_key: this proxy's own (of its private_key)" },
	{ INC, "peers = (\n" PEER1 "},\n  { name = \"c\";\n    public_key = \"@PUB1@\"; }\n);\n",
	  "peering.conf:4: public_key already used by peer 'b' on line 2" },
	{ INC, "peers = (\n" PEER1 "\n    endpoint = \"10.0.0.1:99999\"; }\n);\n",
	  "peering.conf:3: endpoint '10.0.0.1:99999': bad port" },
	{ INC, "peers = (\n" PEER1 "\n    endpoint = \"[2001:db8::1\"; }\n);\n",
	  "peering.conf:3: endpoint '[2001:db8::1': not an address" },
	{ INC, "peers = (\n" PEER1 "\n    endpoint = \"host_name:1\"; }\n);\n",
	  "peering.conf:3: endpoint 'host_name:1': not an address or host name "
	  "(a.b.c.d:port, [v6]:port, name:port)" },
	{ INC, "peers = (\n" PEER1 "\n    endpoint = \"gw.example:0\"; }\n);\n",
	  "peering.conf:3: endpoint 'gw.example:0': port 1..65535" },
	{ INC, "peers = (\n" PEER1 "\n    preshared_key = \"@DIR@/open.psk\"; }\n);\n",
	  "peering.conf:3: preshared_key: @DIR@/open.psk: key file is accessible by "
	  "group or others (mode 0640); refusing it: chmod 600 it" },
	{ INC, "peers = (\n" PEER1 "\n    persistent_keepalive = 65536; }\n);\n",
	  "peering.conf:3: 'persistent_keepalive' must be 0..65535" },
	{ INC, "peers = (\n" PEER1 "\n    vans = ( { local = 300; remote = 300; } ); }\n);\n",
	  "peering.conf:3: local VAN 300 is not declared in 'vans'" },
	{ INC, "peers = (\n" PEER1 "vans = (\n    { local = 100; remote = 300; },\n"
	  "    { local = 100; remote = 310; } ); }\n);\n",
	  "peering.conf:4: local VAN 100 already mapped in this peering on line 3" },
	{ INC, "peers = (\n" PEER1 "vans = (\n    { local = 100; remote = 300; },\n"
	  "    { local = 200; remote = 300; } ); }\n);\n",
	  "peering.conf:4: remote VAN 300 already mapped in this peering on line 3" },
	{ INC, "peers = (\n" PEER1 "vans = (\n    { local = 100; } ); }\n);\n",
	  "peering.conf:3: VAN pair without 'remote' (the peer's VAN ID)" },
	{ INC, "peers = (\n" PEER1 "vans = (\n    { remote = 1; } ); }\n);\n",
	  "peering.conf:3: VAN pair without 'local' (our VAN ID)" },
	{ INC, "peers = (\n" PEER1 "vans = (\n    { local = 100; remote = 0; } ); }\n);\n",
	  "peering.conf:3: 'remote' must be 1..4294967295" },
	{ INC, "peers = (\n" PEER1 "vans = (\n    { local = 100; remote = 1; id = 3; } ); }\n);\n",
	  "peering.conf:3: unknown setting 'id'" },
	{ INC, "peers = (\n" PEER1 "vans = 100; }\n);\n",
	  "peering.conf:2: 'vans' of a peer must be a list ( { local = N; remote = N; }, ... )" },
	{ INC, "peers = (\n" PEER1 "\n    limits = { macs = 1; flows = 2; }; }\n);\n",
	  "peering.conf:3: unknown setting 'flows'" },
	{ INC, "peers = (\n" PEER1 "\n    limits = { learn_rate = \"fast\"; }; }\n);\n",
	  "peering.conf:3: 'learn_rate' must be an integer" },
	{ INC, "peers = (\n" PEER1 "\n    claims = { macs = [ \"02:00\" ]; }; }\n);\n",
	  "peering.conf:3: claims: '02:00': a MAC claim is an OUI (02:00:5e), a MAC, "
	  "MAC/BITS or MAC-MAC" },
	{ INC, "peers = (\n" PEER1 "\n    claims = { macs = [ \"02:00:00:00:00:01/40\" ]; }; }\n);\n",
	  "peering.conf:3: claims: '02:00:00:00:00:01/40': a MAC prefix has no bits set "
	  "after its length" },
	{ INC, "peers = (\n" PEER1 "\n    claims = { macs = [ \"02:00:00:00:00:09-02:00:00:00:00:01\" ]; }; }\n);\n",
	  "peering.conf:3: claims: '02:00:00:00:00:09-02:00:00:00:00:01': a MAC range goes "
	  "from the lower MAC to the higher" },
	{ INC, "peers = (\n" PEER1 "\n    claims = { prefixes = [ \"10.1.0.0/33\" ]; }; }\n);\n",
	  "peering.conf:3: claims: '10.1.0.0/33': an IPv4 prefix has 0-32 bits" },
	{ INC, "peers = (\n" PEER1 "\n    claims = { prefixes = [ \"10.1.0.1/16\" ]; }; }\n);\n",
	  "peering.conf:3: claims: '10.1.0.1/16': a prefix has no bits set after its length" },
	{ INC, "peers = (\n" PEER1 "\n    claims = { prefixes = [ 5 ]; }; }\n);\n",
	  "peering.conf:3: claims: 'prefixes' holds strings" },
	{ INC, "peers = (\n" PEER1 "\n    claims = { ouis = [ ]; }; }\n);\n",
	  "peering.conf:3: unknown setting 'ouis'" },
	{ INC, "peers = (\n" PEER1 "\n    claims = 1; }\n);\n",
	  "peering.conf:3: 'claims' must be a group { macs = [ ... ]; prefixes = [ ... ]; }" },
	{ INC, "peers = (\n" PEER1 "\n    limits = 5; }\n);\n",
	  "peering.conf:3: 'limits' must be a group { macs = N; flood_rate = N; "
	  "learn_rate = N; }" },
};

/* s with @DIR@ (and only it) replaced. */
static void
expand(const char *s, char *out, size_t len)
{
	size_t used = 0;

	while (*s != '\0' && used + 1 < len) {
		if (strncmp(s, "@DIR@", 5) == 0) {
			used += (size_t)snprintf(out + used, len - used, "%s", dir);
			s += 5;
		} else
			out[used++] = *s++;
	}
	out[used < len ? used : len - 1] = '\0';
}

static void
test_errors(void **state)
{
	char err[SETTING_ERR_MAX], want[1024], tail[900];
	struct proxy_conf *conf;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bads) / sizeof(bads[0]); i++) {
		put("proxy.conf", bads[i].main);
		put("peering.conf", bads[i].peering != NULL ? bads[i].peering :
		    "peers = ( );\n");
		expand(bads[i].want, tail, sizeof(tail));
		snprintf(want, sizeof(want), "%s/%s", dir, tail);
		conf = load("proxy.conf", err);
		if (conf != NULL)
			fail_msg("case %zu was accepted (want '%s')", i, want);
		if (strcmp(err, want) != 0)
			fail_msg("case %zu:\n  got  '%s'\n  want '%s'", i, err, want);
	}
}

/* With no private_key, the default file is read (or refused). */
static void
test_default_key(void **state)
{
	char err[SETTING_ERR_MAX], want[SETTING_ERR_MAX];
	struct proxy_conf *conf;

	(void)state;
	if (access(PROXY_CONF_DEFAULT_KEY, F_OK) == 0)
		skip();		/* a real proxy's key: not ours to read */
	put("proxy.conf", "members = [ ];\n");
	assert_null(conf = load("proxy.conf", err));
	snprintf(want, sizeof(want), "%s/proxy.conf: private_key: %s: No such file "
	    "or directory (the default; `wg genkey` makes one)", dir,
	    PROXY_CONF_DEFAULT_KEY);
	assert_string_equal(err, want);
	put("proxy.conf", "\nproxy = { name = \"a\"; };\n");
	assert_null(conf = load("proxy.conf", err));
	snprintf(want, sizeof(want), "%s/proxy.conf:2: private_key: %s: No such file "
	    "or directory (the default; `wg genkey` makes one)", dir,
	    PROXY_CONF_DEFAULT_KEY);
	assert_string_equal(err, want);
}

/*
 * A file given by a relative name: the included one is named relative to
 * the current directory too ("./" left out), so that the name opens it.
 */
static void
test_relative(void **state)
{
	char err[SETTING_ERR_MAX], cwd[4096], path[128], want[256];
	struct proxy_conf *conf;

	(void)state;
	put("proxy.conf", INC);
	put("peering.conf", "peers = (\n  { name = \"b\";\n    x = 1; }\n);\n");
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(chdir(dir), 0);
	conf = proxy_conf_load("proxy.conf", err);
	assert_null(conf);
	assert_string_equal(err, "peering.conf:3: unknown setting 'x'");
	assert_int_equal(chdir("/"), 0);
	snprintf(path, sizeof(path), "%s/proxy.conf", dir + 1);	/* "tmp/..." */
	conf = proxy_conf_load(path, err);
	assert_int_equal(chdir(cwd), 0);
	assert_null(conf);
	snprintf(want, sizeof(want), "%s/peering.conf:3: unknown setting 'x'", dir + 1);
	assert_string_equal(err, want);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_endpoint_name),
		cmocka_unit_test(test_print),
		cmocka_unit_test(test_site_key_accept),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_default_key),
		cmocka_unit_test(test_relative),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
