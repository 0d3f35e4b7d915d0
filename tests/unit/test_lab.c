/*
 * test_lab.c — vanlab's topology model: parsing and every error it gives
 * (table-driven, exact "FILE:LINE: message"), the values it derives
 * (names, MACs, addresses, member counts), the fixpoint of its normalised
 * form, the vanedge configuration it writes (read back by vanedge's own
 * parser, site key included), and the readiness judgement on vanctl's JSON.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sys/stat.h>

#include <cmocka.h>
#include <jansson.h>

#include "crypto/key.h"
#include "edge/conf.h"
#include "federation/daemon.h"
#include "federation/lab.h"

/* Two VANs on one subnet; b1 and r1 are twins (same IP, so same MAC). */
#define VANS \
	"vans = ( { name = \"blue\"; id = 100; }, { name = \"red\"; id = 200; } );\n"
#define GOOD "lab = { hello_interval = 200; mtu = 1400; };\n" BODY
#define BODY \
	VANS \
	"sites = ( { name = \"a\"; underlay = \"10.77.1.0/24\";\n" \
	"  hosts = (\n" \
	"    { name = \"h1\"; vms = (\n" \
	"        { name = \"b1\"; van = \"blue\"; ip = \"10.0.0.11/24\"; },\n" \
	"        { name = \"r1\"; van = \"red\"; ip = \"10.0.0.11/24\"; },\n" \
	"        { name = \"b2\"; van = \"blue\"; ip = \"10.0.0.12/24\"; } ); },\n" \
	"    { name = \"h2\"; vms = (\n" \
	"        { name = \"b3\"; van = \"blue\"; ip = \"10.0.0.13/24\";\n" \
	"          mac = \"02:aa:00:00:00:01\"; } ); },\n" \
	"    { name = \"h3\"; address = \"10.77.1.99\"; }\n" \
	"  ); } );\n"

/* One site, one host, one VM of VAN blue, with `vm` as the VM's settings. */
#define ONE_VM(vm) \
	VANS "sites = ( { name = \"a\"; underlay = \"10.77.1.0/24\";\n" \
	"  hosts = ( { name = \"h1\"; vms = ( { " vm " } ); } ); } );\n"
/* The same with IPv6 in the VMs (the VM is on line 4). */
#define ONE_VM6(vm) "lab = { ipv6 = true; };\n" ONE_VM(vm)

/* Every setting of issue 4: a 1500-byte underlay under 1500-byte VMs, a
 * site key, no ARP/ND proxy, a flood limit in blue, IPv6 addresses. */
#define ISSUE4 \
	"lab = { mtu = 1500; underlay_mtu = 1500; ipv6 = true; site_key = true;\n" \
	"  arp_proxy = false; dad_moves = 1000; dad_window = 10; dad_hold = 5; };\n" \
	"vans = ( { name = \"blue\"; id = 100; flood_rate = 2000; flood_burst = 500; },\n" \
	"  { name = \"red\"; id = 200; } );\n" \
	"sites = ( { name = \"a\"; underlay = \"10.77.1.0/24\";\n" \
	"  hosts = (\n" \
	"    { name = \"h1\"; vms = (\n" \
	"        { name = \"b1\"; van = \"blue\"; ip = \"10.0.0.11/24\";\n" \
	"          ip6 = \"fd00:0:0:0::b/64\"; },\n" \
	"        { name = \"r1\"; van = \"red\"; ip = \"10.0.0.11/24\";\n" \
	"          ip6 = \"fd00::b/64\"; } ); },\n" \
	"    { name = \"h2\"; vms = (\n" \
	"        { name = \"b2\"; van = \"blue\"; ip = \"10.0.0.12/24\";\n" \
	"          ip6 = \"2001:db8::c/120\"; } ); } ); } );\n"

static struct lab *
parse_ok(const char *text)
{
	char err[LAB_ERR_MAX];
	struct lab *lab = lab_parse(text, "t.conf", err);

	if (lab == NULL)
		fail_msg("unexpected error: %s", err);
	return lab;
}

static void
test_good(void **state)
{
	struct lab *lab = parse_ok(GOOD);
	char ns[LAB_NS_MAX], tap[LAB_IFNAMSIZ], ip[16];
	static const uint8_t b1mac[6] = { 0x02, 0x00, 10, 0, 0, 11 };
	static const uint8_t b3mac[6] = { 0x02, 0xaa, 0, 0, 0, 1 };

	(void)state;
	assert_int_equal(lab->nvans, 2);
	assert_int_equal(lab->nsites, 1);
	assert_int_equal(lab->nhosts, 3);
	assert_int_equal(lab->nvms, 4);
	assert_int_equal(lab->hello_ms, 200);
	assert_int_equal(lab->dead_after, LAB_DEAD_AFTER_DEFAULT);
	assert_false(lab->ipv6);
	assert_string_equal(lab->log_level, "info");
	/* Issue 4's settings keep their old meaning when absent. */
	assert_int_equal(lab->underlay_mtu, 0);
	assert_int_equal(lab_underlay_mtu(lab), 1500);
	assert_false(lab->site_key);
	assert_true(lab->arp_proxy);		/* vanedge's default */
	assert_int_equal(lab->van[0].flood_rate, 0);
	assert_int_equal(lab->van[0].flood_burst, 0);
	assert_false(lab->vm[0].has_ip6);
	assert_int_equal(lab->dad_moves, BRIDGE_DAD_MOVES_DEFAULT);
	assert_int_equal(lab->dad_window, 180);
	assert_int_equal(lab->dad_hold, 180);
	/* Derived host addresses: net + 11 + index; an explicit one wins. */
	assert_string_equal(lab_ip_str(lab->host[0].addr, ip), "10.77.1.11");
	assert_string_equal(lab_ip_str(lab->host[1].addr, ip), "10.77.1.12");
	assert_string_equal(lab_ip_str(lab->host[2].addr, ip), "10.77.1.99");
	/* MAC from the IP, the same in both VANs; an explicit one wins. */
	assert_memory_equal(lab->vm[0].mac, b1mac, 6);
	assert_memory_equal(lab->vm[1].mac, b1mac, 6);
	assert_memory_equal(lab->vm[3].mac, b3mac, 6);
	assert_int_equal(lab->vm[1].van, 1);
	assert_int_equal(lab->vm[3].host, 1);
	assert_int_equal(lab->site[0].van_id[0], 100);
	assert_int_equal(lab->site[0].van_id[1], 200);
	/* Names. */
	lab_ns_host(lab, "vl", 1, ns);
	assert_string_equal(ns, "vl-a-h2");
	lab_ns_switch(lab, "vl", 0, ns);
	assert_string_equal(ns, "vl-a-sw");
	lab_ns_vm(lab, "t123", 3, ns);
	assert_string_equal(ns, "t123-b3");
	lab_tap(lab, 2, tap);
	assert_string_equal(tap, "t-b2");
	assert_int_equal(lab_find_vm(lab, "b3"), 3);
	assert_int_equal(lab_find_vm(lab, "h1"), -1);
	assert_int_equal(lab_find_host(lab, "h3"), 2);
	assert_int_equal(lab_find_van(lab, "red"), 1);
	/* Peers: h1 sees h2 and h3; in blue only h2 has VMs besides h1. */
	assert_int_equal(lab_site_peers(lab, 0), 2);
	assert_int_equal(lab_van_peers(lab, 0, 0), 1);
	assert_int_equal(lab_van_peers(lab, 0, 1), 0);
	assert_int_equal(lab_van_peers(lab, 2, 0), 2);
	assert_int_equal(lab_van_peers(lab, 1, 1), 1);
	lab_free(lab);
}

static void
test_derive(void **state)
{
	uint8_t mac[6];
	static const uint8_t want[6] = { 0x02, 0x00, 192, 168, 7, 200 };
	char ip[16];
	struct lab lab;

	(void)state;
	lab_mac_from_ip(0xc0a807c8, mac);
	assert_memory_equal(mac, want, 6);
	assert_string_equal(lab_ip_str(lab_probe_addr(0), ip), "198.18.0.1");
	assert_string_equal(lab_ip_str(lab_probe_addr(255), ip), "198.18.1.0");
	memset(&lab, 0, sizeof(lab));
	lab.mtu = 1400;
	assert_int_equal(lab_underlay_mtu(&lab), 1500);
	lab.mtu = 9000;
	assert_int_equal(lab_underlay_mtu(&lab), 9000 + LAB_UNDERLAY_OVERHEAD);
	/* An explicit underlay wins, also one smaller than the VMs need. */
	lab.underlay_mtu = 1500;
	assert_int_equal(lab_underlay_mtu(&lab), 1500);
	assert_true(lab_prefix_ok("vl"));
	assert_true(lab_prefix_ok("t1234567890abcde"));
	assert_false(lab_prefix_ok(""));
	assert_false(lab_prefix_ok("t1234567890abcdef"));
	assert_false(lab_prefix_ok("v-l"));
	assert_false(lab_prefix_ok("VL"));
	assert_false(lab_prefix_ok("../x"));
}

static const struct {
	const char	*text;
	const char	*err;
} bad[] = {
	{ "vans = ( { name = \"blue\"; id = 100; }\n", "t.conf:2: syntax error" },
	{ "colour = 1;\n" VANS, "t.conf:1: unknown setting 'colour'" },
	{ VANS, "t.conf:0: no 'sites'" },
	{ "lab = { mtu = 100; };\n" BODY, "t.conf:1: 'mtu' must be 576..9000" },
	{ "lab = { ipv6 = 1; };\n" BODY, "t.conf:1: 'ipv6' must be true or false" },
	{ "lab = { log_level = \"loud\"; };\n" BODY,
	  "t.conf:1: log_level: one of error, warning, info, debug" },
	{ "lab = { hello_interval = 5; };\n" BODY,
	  "t.conf:1: 'hello_interval' must be 10..60000" },
	{ "lab = {\n underlay_mtu = 100; };\n" BODY,
	  "t.conf:2: 'underlay_mtu' must be 576..65535" },
	{ "lab = { underlay_mtu = 65536; };\n" BODY,
	  "t.conf:1: 'underlay_mtu' must be 576..65535" },
	{ "lab = { site_key = \"yes\"; };\n" BODY,
	  "t.conf:1: 'site_key' must be true or false" },
	{ "lab = { arp_proxy = 1; };\n" BODY,
	  "t.conf:1: 'arp_proxy' must be true or false" },
	{ "lab = { dad_moves = 0; };\n" BODY,
	  "t.conf:1: 'dad_moves' must be 1..1000" },
	{ "lab = { dad_window = 86401; };\n" BODY,
	  "t.conf:1: 'dad_window' must be 1..86400" },
	{ "lab = { dad_hold = true; };\n" BODY,
	  "t.conf:1: 'dad_hold' must be an integer" },
	{ "lab = { site_key = true; key = \"/k\"; };\n" BODY,
	  "t.conf:1: unknown setting 'key'" },
	{ "vans = ( { name = \"blue\"; id = 1;\n flood_rate = -1; } );\n",
	  "t.conf:2: 'flood_rate' must be 0..100000000" },
	{ "vans = ( { name = \"blue\"; id = 1; flood_burst = 100000001; } );\n",
	  "t.conf:1: 'flood_burst' must be 0..100000000" },
	{ "vans = ( { name = \"blue\"; id = 1; flood_rate = \"fast\"; } );\n",
	  "t.conf:1: 'flood_rate' must be an integer" },
	{ "vans = ( { name = \"blue\"; id = 1; flood = 5; } );\n",
	  "t.conf:1: unknown setting 'flood'" },
	{ ONE_VM("name = \"b1\"; van = \"blue\"; ip = \"10.0.0.1/24\"; "
	  "ip6 = \"fd00::1/64\";"),
	  "t.conf:3: VM 'b1': ip6 needs ipv6 = true in 'lab'" },
	{ ONE_VM6("name = \"b1\"; van = \"blue\"; ip = \"10.0.0.1/24\"; "
	  "ip6 = \"fd00::1\";"),
	  "t.conf:4: VM 'b1': ip6 'fd00::1': not an IPv6 address/n (n 8..128)" },
	{ ONE_VM6("name = \"b1\"; van = \"blue\"; ip = \"10.0.0.1/24\"; "
	  "ip6 = \"fd00::1/129\";"),
	  "t.conf:4: VM 'b1': ip6 'fd00::1/129': not an IPv6 address/n (n 8..128)" },
	{ ONE_VM6("name = \"b1\"; van = \"blue\"; ip = \"10.0.0.1/24\"; "
	  "ip6 = \"10.0.0.1/24\";"),
	  "t.conf:4: VM 'b1': ip6 '10.0.0.1/24': not an IPv6 address/n (n 8..128)" },
	{ ONE_VM6("name = \"b1\"; van = \"blue\"; ip = \"10.0.0.1/24\"; "
	  "ip6 = 64;"),
	  "t.conf:4: 'ip6' must be a string" },
	{ ONE_VM6("name = \"b1\"; van = \"blue\"; ip = \"10.0.0.1/24\"; "
	  "ip6 = \"fe80::1/64\";"),
	  "t.conf:4: VM 'b1': ip6 'fe80::1/64' must be a global or unique-local "
	  "unicast address" },
	{ ONE_VM6("name = \"b1\"; van = \"blue\"; ip = \"10.0.0.1/24\"; "
	  "ip6 = \"ff02::1/64\";"),
	  "t.conf:4: VM 'b1': ip6 'ff02::1/64' must be a global or unique-local "
	  "unicast address" },
	{ ONE_VM6("name = \"b1\"; van = \"blue\"; ip = \"10.0.0.1/24\"; "
	  "ip6 = \"::1/128\";"),
	  "t.conf:4: VM 'b1': ip6 '::1/128' must be a global or unique-local "
	  "unicast address" },
	{ ONE_VM6("name = \"b1\"; van = \"blue\"; ip = \"10.0.0.1/24\"; "
	  "ip6 = \"::/64\";"),
	  "t.conf:4: VM 'b1': ip6 '::/64' must be a global or unique-local "
	  "unicast address" },
	{ ONE_VM6("name = \"b1\"; van = \"blue\"; ip = \"10.0.0.1/24\"; "
	  "ip6 = \"::ffff:10.0.0.1/96\";"),
	  "t.conf:4: VM 'b1': ip6 '::ffff:10.0.0.1/96' must be a global or "
	  "unique-local unicast address" },
	{ "lab = { ipv6 = true; };\n" VANS
	  "sites = ( { name = \"a\"; underlay = \"10.77.1.0/24\"; hosts = (\n"
	  "{ name = \"h1\"; vms = ( { name = \"b1\"; van = \"blue\"; ip = \"10.0.0.1/24\";\n"
	  "  ip6 = \"fd00::1/64\"; } ); },\n"
	  "{ name = \"h2\"; vms = ( { name = \"b2\"; van = \"blue\"; ip = \"10.0.0.2/24\";\n"
	  "  ip6 = \"fd00:0::1/120\"; } ); } ); } );\n",
	  "t.conf:7: VM 'b2': ip6 'fd00:0::1/120' already used in VAN 'blue' by VM 'b1'" },
	{ "vans = ( { name = \"blue\"; id = 0; } );\n",
	  "t.conf:1: 'id' must be 1..4294967295" },
	{ "vans = ( { name = \"blue\"; id = 1; },\n { name = \"red\"; id = 1; } );\n",
	  "t.conf:2: VAN ID 1 already used on line 1" },
	{ "vans = ( { name = \"blue\"; id = 1; },\n { name = \"blue\"; id = 2; } );\n",
	  "t.conf:2: VAN name 'blue' already used on line 1" },
	{ "vans = ( { name = \"bl ue\"; id = 1; } );\n",
	  "t.conf:1: VAN name 'bl ue': 1-31 of A-Z a-z 0-9 _ . -" },
	{ "vans = ( { id = 1; } );\n", "t.conf:1: VAN without 'name'" },
	{ ONE_VM("name = \"b1\"; van = \"green\"; ip = \"10.0.0.1/24\";"),
	  "t.conf:3: VM 'b1': unknown VAN 'green'" },
	{ ONE_VM("name = \"b1\"; ip = \"10.0.0.1/24\";"),
	  "t.conf:3: VM 'b1' without 'van'" },
	{ ONE_VM("name = \"b1\"; van = \"blue\"; ip = \"10.0.0.1\";"),
	  "t.conf:3: VM 'b1': ip '10.0.0.1': not a.b.c.d/n (n 8..30)" },
	{ ONE_VM("name = \"b1\"; van = \"blue\"; ip = \"10.0.0.0/24\";"),
	  "t.conf:3: VM 'b1': ip '10.0.0.0/24' is its subnet's network or "
	  "broadcast address" },
	{ ONE_VM("name = \"b1\"; van = \"blue\"; ip = \"198.18.3.4/24\";"),
	  "t.conf:3: VM 'b1': ip '198.18.3.4/24' overlaps 198.18.0.0/16, "
	  "which vanlab report uses" },
	{ ONE_VM("name = \"b1\"; van = \"blue\"; ip = \"198.0.0.1/8\";"),
	  "t.conf:3: VM 'b1': ip '198.0.0.1/8' overlaps 198.18.0.0/16, "
	  "which vanlab report uses" },
	{ ONE_VM("name = \"b1\"; van = \"blue\"; ip = \"10.0.0.1/24\"; "
	  "mac = \"02:00:00:00:00\";"),
	  "t.conf:3: VM 'b1': mac '02:00:00:00:00': not xx:xx:xx:xx:xx:xx" },
	{ ONE_VM("name = \"b1\"; van = \"blue\"; ip = \"10.0.0.1/24\"; "
	  "mac = \"03:00:00:00:00:01\";"),
	  "t.conf:3: VM 'b1': mac '03:00:00:00:00:01' must be a unicast address" },
	{ ONE_VM("name = \"web_server_01\"; van = \"blue\"; ip = \"10.0.0.1/24\";"),
	  "t.conf:3: VM name 'web_server_01' ok" },
	{ ONE_VM("name = \"web_server_012\"; van = \"blue\"; ip = \"10.0.0.1/24\";"),
	  "t.conf:3: VM name 'web_server_012': 1-13 of a-z 0-9 _, a letter first "
	  "(its tap is t-NAME)" },
	{ ONE_VM("name = \"B1\"; van = \"blue\"; ip = \"10.0.0.1/24\";"),
	  "t.conf:3: VM name 'B1': 1-13 of a-z 0-9 _, a letter first "
	  "(its tap is t-NAME)" },
	{ ONE_VM("name = \"h1\"; van = \"blue\"; ip = \"10.0.0.1/24\";"),
	  "t.conf:3: name 'h1' already used by the host on line 3" },
	{ ONE_VM("name = \"sw\"; van = \"blue\"; ip = \"10.0.0.1/24\";"),
	  "t.conf:3: the name 'sw' is the site's switch" },
	{ ONE_VM("name = \"b1\"; van = \"blue\"; ip = \"10.0.0.1/24\"; "
	  "colour = \"blue\";"),
	  "t.conf:3: unknown setting 'colour'" },
	{ VANS "sites = ( { name = \"a\"; underlay = \"10.77.1.0/24\"; hosts = (\n"
	  "{ name = \"h1\"; vms = ( { name = \"b1\"; van = \"blue\"; ip = \"10.0.0.1/24\"; },\n"
	  "{ name = \"b1\"; van = \"red\"; ip = \"10.0.0.2/24\"; } ); } ); } );\n",
	  "t.conf:4: name 'b1' already used by the VM on line 3" },
	{ VANS "sites = ( { name = \"a\"; underlay = \"10.77.1.0/24\"; hosts = (\n"
	  "{ name = \"h1\"; vms = ( { name = \"b1\"; van = \"blue\"; ip = \"10.0.0.1/24\"; } ); },\n"
	  "{ name = \"h2\"; vms = ( { name = \"b2\"; van = \"blue\"; ip = \"10.0.0.1/16\"; } ); } ); } );\n",
	  "t.conf:4: VM 'b2': ip '10.0.0.1/16' already used in VAN 'blue' by VM 'b1'" },
	{ VANS "sites = ( { name = \"a\"; underlay = \"10.77.1.0/24\"; hosts = (\n"
	  "{ name = \"h1\"; vms = ( { name = \"b1\"; van = \"blue\"; ip = \"10.0.0.1/24\"; },\n"
	  "{ name = \"b2\"; van = \"blue\"; ip = \"10.0.0.2/24\";\n"
	  "  mac = \"02:00:0a:00:00:01\"; } ); } ); } );\n",
	  "t.conf:5: VM 'b2': MAC 02:00:0a:00:00:01 already used in VAN 'blue' by VM 'b1'" },
	{ VANS "sites = ( { name = \"a\"; underlay = \"10.77.1.0/24\"; hosts = (\n"
	  "{ name = \"h1\"; } ); } );\n",
	  "t.conf:2: no VMs: a lab needs at least one" },
	{ VANS "sites = ( { name = \"a\"; underlay = \"10.77.1.0/24\"; hosts = (\n"
	  "{ name = \"h1\"; address = \"10.77.2.1\"; } ); } );\n",
	  "t.conf:3: host 'h1': underlay address 10.77.2.1 is not a host address "
	  "of 10.77.1.0/24" },
	{ VANS "sites = ( { name = \"a\"; underlay = \"10.77.1.0/24\"; hosts = (\n"
	  "{ name = \"h1\"; },\n{ name = \"h2\"; address = \"10.77.1.11\"; } ); } );\n",
	  "t.conf:4: host 'h2': underlay address 10.77.1.11 already used by host 'h1'" },
	{ VANS "sites = ( { name = \"a\"; underlay = \"10.77.1.1/24\"; hosts = (\n"
	  "{ name = \"h1\"; } ); } );\n",
	  "t.conf:2: site 'a': underlay '10.77.1.1/24': not a network a.b.c.0/n "
	  "(n 8..26)" },
	{ VANS "sites = ( { name = \"a\"; underlay = \"10.77.1.0/24\"; hosts = ( ); } );\n",
	  "t.conf:2: 'hosts' is empty" },
	{ VANS "sites = (\n { name = \"a\"; underlay = \"10.77.1.0/24\"; hosts = (\n"
	  "{ name = \"h1\"; } ); },\n { name = \"b\"; underlay = \"10.77.2.0/24\"; "
	  "hosts = ( { name = \"h2\"; } ); } );\n",
	  "t.conf:5: one site only: several sites need vanproxy (issue 5)" },
	{ VANS "sites = ( { name = \"a\"; underlay = \"10.77.1.0/24\";\n"
	  "van_ids = ( { van = \"green\"; id = 5; } );\n hosts = ( { name = \"h1\"; } ); } );\n",
	  "t.conf:3: unknown VAN 'green'" },
	{ VANS "sites = ( { name = \"a\"; underlay = \"10.77.1.0/24\";\n"
	  "van_ids = ( { van = \"blue\"; id = 200; } );\n hosts = ( { name = \"h1\"; } ); } );\n",
	  "t.conf:3: VANs 'blue' and 'red' have the same ID 200 in site 'a'" },
};

static void
test_errors(void **state)
{
	char err[LAB_ERR_MAX];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct lab *lab = lab_parse(bad[i].text, "t.conf", err);

		if (strstr(bad[i].err, "' ok") != NULL) {
			/* The longest name that fits is no error. */
			if (lab == NULL)
				fail_msg("case %zu: unexpected error %s", i, err);
			lab_free(lab);
			continue;
		}
		if (lab != NULL)
			fail_msg("case %zu: no error, want \"%s\"", i, bad[i].err);
		if (strcmp(err, bad[i].err) != 0)
			fail_msg("case %zu:\n got \"%s\"\nwant \"%s\"", i, err, bad[i].err);
	}
}

static void
test_load_missing(void **state)
{
	char err[LAB_ERR_MAX];

	(void)state;
	assert_null(lab_load("/nonexistent/lab.conf", err));
	assert_string_equal(err, "/nonexistent/lab.conf:0: cannot read: "
	    "No such file or directory");
}

static char *
print_to_string(const struct lab *lab)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	lab_print(f, lab);
	fclose(f);
	return buf;
}

/* The normalised form parses to the same lab, and prints the same. */
static void
test_print_fixpoint(void **state)
{
	struct lab *a = parse_ok(GOOD), *b;
	char *one, *two;

	(void)state;
	/* A site with its own VAN IDs keeps them. */
	a->site[0].van_id[1] = 1200;
	one = print_to_string(a);
	b = parse_ok(one);
	two = print_to_string(b);
	assert_string_equal(one, two);
	assert_int_equal(b->nvms, a->nvms);
	assert_int_equal(b->site[0].van_id[1], 1200);
	assert_int_equal(b->host[2].addr, a->host[2].addr);
	assert_memory_equal(b->vm[3].mac, a->vm[3].mac, 6);
	assert_non_null(strstr(one, "mac = \"02:00:0a:00:00:0b\""));
	free(one);
	free(two);
	lab_free(a);
	lab_free(b);
}

/* A migrated VM is printed under its new host and stays there. */
static void
test_print_moved(void **state)
{
	struct lab *a = parse_ok(GOOD), *b;
	char *text;
	int v;

	(void)state;
	a->vm[0].host = 2;
	text = print_to_string(a);
	b = parse_ok(text);
	v = lab_find_vm(b, "b1");
	assert_true(v >= 0);
	assert_int_equal(b->vm[v].host, 2);
	assert_memory_equal(b->vm[v].mac, a->vm[0].mac, 6);
	free(text);
	lab_free(a);
	lab_free(b);
}

/* vanedge's own parser reads what lab_edge_conf writes. */
static void
test_edge_conf(void **state)
{
	struct lab *lab = parse_ok(GOOD);
	char path[] = "/tmp/test_lab_XXXXXX", err[CONF_ERR_MAX], a[ADDR_STRLEN];
	struct edge_conf *conf;
	const struct conf_van *blue, *red;
	FILE *f;
	int fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	lab_edge_conf(f, lab, 0, "/run/vanlab/vl/a-h1/edge.sock", NULL);
	fclose(f);
	conf = edge_conf_load(path, err);
	if (conf == NULL)
		fail_msg("vanedge refuses it: %s", err);
	unlink(path);
	assert_string_equal(addr_str(&conf->listen, a), "10.77.1.11:4797");
	assert_string_equal(conf->control, "/run/vanlab/vl/a-h1/edge.sock");
	assert_int_equal(conf->hello_ms, 200);
	assert_int_equal(conf->dead_count, LAB_DEAD_AFTER_DEFAULT);
	assert_int_equal(conf->nmembers, 2);
	assert_string_equal(addr_str(&conf->members[0], a), "10.77.1.12:4797");
	assert_string_equal(addr_str(&conf->members[1], a), "10.77.1.99:4797");
	/* The lab's underlay is vanedge's, so its MTU arithmetic is right. */
	assert_int_equal(conf->underlay_mtu, 1500);
	assert_true(conf->arp_proxy);
	assert_false(conf->has_site_key);
	/* Every VAN on every host, so that VMs can move anywhere. */
	assert_int_equal(conf->nvans, 2);
	blue = edge_conf_van(conf, 100);
	red = edge_conf_van(conf, 200);
	assert_non_null(blue);
	assert_non_null(red);
	assert_string_equal(blue->name, "blue");
	assert_int_equal(blue->nports, 2);
	assert_string_equal(blue->ports[0].tap, "t-b1");
	assert_true(blue->ports[0].has_mac);
	assert_memory_equal(blue->ports[0].mac, lab->vm[0].mac, 6);
	assert_string_equal(blue->ports[1].tap, "t-b2");
	assert_int_equal(red->nports, 1);
	assert_string_equal(red->ports[0].tap, "t-r1");
	/* The twin has the same MAC in the other VAN. */
	assert_memory_equal(red->ports[0].mac, blue->ports[0].mac, 6);
	edge_conf_free(conf);

	/* A host without VMs still has every VAN, with no ports. */
	memcpy(path, "/tmp/test_lab_XXXXXX", sizeof(path));
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	lab->site[0].van_id[0] = 1100;
	lab_edge_conf(f, lab, 2, "/run/x.sock", NULL);
	fclose(f);
	conf = edge_conf_load(path, err);
	if (conf == NULL)
		fail_msg("vanedge refuses it: %s", err);
	unlink(path);
	assert_int_equal(conf->nvans, 2);
	assert_non_null(edge_conf_van(conf, 1100));	/* the site's own ID */
	assert_int_equal(edge_conf_van(conf, 1100)->nports, 0);
	assert_int_equal(conf->nmembers, 2);
	edge_conf_free(conf);
	lab_free(lab);
}

/* Issue 4's settings: parsed, printed, parsed back, and in vanedge's
 * configuration as vanedge reads it (the site key from a real file). */
static void
test_settings(void **state)
{
	struct lab *lab = parse_ok(ISSUE4), *again;
	char path[] = "/tmp/test_lab_XXXXXX", key_path[] = "/tmp/test_key_XXXXXX";
	char err[CONF_ERR_MAX], b64[WG_KEY_B64_LEN + 1], ip6[46], *one, *two;
	const struct conf_van *blue, *red;
	struct edge_conf *conf;
	struct wg_key key;
	FILE *f;
	int fd;

	(void)state;
	assert_int_equal(lab->mtu, 1500);
	assert_int_equal(lab_underlay_mtu(lab), 1500);
	assert_true(lab->ipv6);
	assert_true(lab->site_key);
	assert_false(lab->arp_proxy);
	assert_int_equal(lab->dad_moves, 1000);
	assert_int_equal(lab->dad_window, 10);
	assert_int_equal(lab->dad_hold, 5);
	assert_int_equal(lab->van[0].flood_rate, 2000);
	assert_int_equal(lab->van[0].flood_burst, 500);
	assert_int_equal(lab->van[1].flood_rate, 0);
	/* The same address in two VANs, written two ways. */
	assert_true(lab->vm[0].has_ip6);
	assert_true(lab->vm[1].has_ip6);
	assert_memory_equal(lab->vm[0].ip6, lab->vm[1].ip6, 16);
	assert_string_equal(lab_ip6_str(&lab->vm[0], ip6), "fd00::b");
	assert_int_equal(lab->vm[0].plen6, 64);
	assert_string_equal(lab_ip6_str(&lab->vm[2], ip6), "2001:db8::c");
	assert_int_equal(lab->vm[2].plen6, 120);

	one = print_to_string(lab);
	assert_non_null(strstr(one, "underlay_mtu = 1500;"));
	assert_non_null(strstr(one, "site_key = true;"));
	assert_non_null(strstr(one, "arp_proxy = false;"));
	assert_non_null(strstr(one, "dad_moves = 1000;\n  dad_window = 10;\n  dad_hold = 5;"));
	assert_non_null(strstr(one, "flood_rate = 2000; flood_burst = 500;"));
	assert_non_null(strstr(one, "ip6 = \"fd00::b/64\";"));
	again = parse_ok(one);
	two = print_to_string(again);
	assert_string_equal(one, two);
	assert_memory_equal(again->vm[2].ip6, lab->vm[2].ip6, 16);
	free(one);
	free(two);
	lab_free(again);

	/* A key file as vanlab writes it: WireGuard's base64, mode 0600. */
	memset(key.b, 0x5a, sizeof(key.b));
	key_to_base64(b64, &key);
	fd = mkstemp(key_path);
	assert_true(fd >= 0);
	assert_int_equal(fchmod(fd, 0600), 0);
	assert_int_equal(write(fd, b64, strlen(b64)), (ssize_t)strlen(b64));
	close(fd);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	lab_edge_conf(f, lab, 1, "/run/x.sock", key_path);
	fclose(f);
	conf = edge_conf_load(path, err);
	if (conf == NULL)
		fail_msg("vanedge refuses it: %s", err);
	unlink(path);
	unlink(key_path);
	assert_int_equal(conf->underlay_mtu, 1500);
	assert_false(conf->arp_proxy);
	assert_int_equal(conf->dad_moves, 1000);
	assert_int_equal(conf->dad_window_s, 10);
	assert_int_equal(conf->dad_hold_s, 5);
	assert_true(conf->has_site_key);
	assert_string_equal(conf->site_key_file, key_path);
	assert_memory_equal(conf->site_key, key.b, 32);
	blue = edge_conf_van(conf, 100);
	red = edge_conf_van(conf, 200);
	assert_non_null(blue);
	assert_non_null(red);
	assert_int_equal(blue->flood_rate, 2000);
	assert_int_equal(blue->flood_burst, 500);
	assert_int_equal(red->flood_rate, 0);
	edge_conf_free(conf);
	lab_free(lab);
}

static void
test_ready(void **state)
{
	struct lab *lab = parse_ok(GOOD);
	char why[256];
	json_t *members, *vans;

	(void)state;
	members = json_loads("[{\"address\":\"10.77.1.12:4797\",\"state\":\"alive\"},"
	    "{\"address\":\"10.77.1.99:4797\",\"state\":\"alive\"}]", 0, NULL);
	vans = json_loads("[{\"id\":100,\"members\":1},{\"id\":200,\"members\":0}]", 0,
	    NULL);
	assert_true(daemon_ready(lab, 0, members, vans, why, sizeof(why)));
	/* h2 must see h1 in blue and red: it has only blue. */
	assert_false(daemon_ready(lab, 1, members, vans, why, sizeof(why)));
	assert_string_equal(why, "VAN red has 0 members, not 1");
	json_decref(members);
	members = json_loads("[{\"address\":\"10.77.1.12:4797\",\"state\":\"alive\"},"
	    "{\"address\":\"10.77.1.99:4797\",\"state\":\"unknown\"}]", 0, NULL);
	assert_false(daemon_ready(lab, 0, members, vans, why, sizeof(why)));
	assert_string_equal(why, "member 10.77.1.99:4797 is unknown");
	json_decref(members);
	members = json_loads("[]", 0, NULL);
	assert_false(daemon_ready(lab, 0, members, vans, why, sizeof(why)));
	assert_string_equal(why, "0 members, not 2");
	assert_false(daemon_ready(lab, 0, NULL, vans, why, sizeof(why)));
	json_decref(members);
	json_decref(vans);
	lab_free(lab);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_derive),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_load_missing),
		cmocka_unit_test(test_print_fixpoint),
		cmocka_unit_test(test_print_moved),
		cmocka_unit_test(test_edge_conf),
		cmocka_unit_test(test_settings),
		cmocka_unit_test(test_ready),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
