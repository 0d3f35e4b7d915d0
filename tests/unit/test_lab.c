/*
 * test_lab.c — vanlab's topology model: parsing and every error it gives
 * (table-driven, exact "FILE:LINE: message"), the values it derives
 * (names, MACs, addresses, member counts), the fixpoint of its normalised
 * form, the vanedge configuration it writes (read back by vanedge's own
 * parser, site key included), and the readiness judgement on vanctl's JSON.
 * Several sites: the proxies' addresses and names, the peerings and what
 * is derived from them, each proxy's configuration and peering file (read
 * back by vanproxy's own parser, with keys made by state_write_key), and
 * the proxies' readiness.
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
#include "edge/vanedge/conf.h"
#include "federation/lab/daemon.h"
#include "federation/lab/gateway.h"
#include "federation/lab/lab.h"
#include "federation/lab/state.h"
#include "proxy/conf.h"

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

/* Two sites, a VM in a: a's settings on line 3, b's on line 5, then tail
 * from line 7 on. */
#define TWO(a, b, tail) \
	VANS "sites = (\n" \
	"  { name = \"a\"; underlay = \"10.77.1.0/24\";" a "\n" \
	"    hosts = ( { name = \"h1\"; vms = ( { name = \"b1\"; van = \"blue\"; " \
	"ip = \"10.0.0.1/24\"; } ); } ); },\n" \
	"  { name = \"b\"; underlay = \"10.77.2.0/24\";" b "\n" \
	"    hosts = ( { name = \"h2\"; } ); } );\n" tail

/*
 * Three sites: red crosses a-b, blue a-b-c (b has no VM: transit), green
 * crosses none.  b and c give their own IDs (b's 200 is blue, a's red).
 */
#define FED \
	"lab = { internet = \"10.76.0.0/24\"; hello_interval = 500; };\n" \
	"vans = ( { name = \"blue\"; id = 100; }, { name = \"red\"; id = 200; },\n" \
	"  { name = \"green\"; id = 300; } );\n" \
	"sites = (\n" \
	"  { name = \"a\"; underlay = \"10.77.1.0/24\";\n" \
	"    hosts = ( { name = \"h1\"; vms = (\n" \
	"        { name = \"b1\"; van = \"blue\"; ip = \"10.0.0.11/24\"; },\n" \
	"        { name = \"r1\"; van = \"red\"; ip = \"10.0.0.11/24\"; } ); },\n" \
	"      { name = \"h2\"; vms = ( { name = \"g1\"; van = \"green\"; " \
	"ip = \"10.0.0.12/24\"; } ); } ); },\n" \
	"  { name = \"b\"; underlay = \"10.77.2.0/24\";\n" \
	"    van_ids = ( { van = \"blue\"; id = 200; }, { van = \"red\"; id = 100; } );\n" \
	"    proxy = { address = \"10.77.2.2\"; internet = \"10.76.0.99\"; };\n" \
	"    hosts = ( { name = \"h3\"; } ); },\n" \
	"  { name = \"c\"; underlay = \"10.77.3.0/24\";\n" \
	"    van_ids = ( { van = \"blue\"; id = 300; }, { van = \"green\"; id = 100; } );\n" \
	"    hosts = ( { name = \"h4\"; vms = (\n" \
	"        { name = \"b4\"; van = \"blue\"; ip = \"10.0.0.14/24\"; },\n" \
	"        { name = \"r4\"; van = \"red\"; ip = \"10.0.0.14/24\"; } ); } ); } );\n" \
	"peerings = (\n" \
	"  { sites = [ \"a\", \"b\" ]; vans = [ \"blue\", \"red\" ]; },\n" \
	"  { sites = ( \"b\", \"c\" ); vans = [ \"blue\" ]; preshared_key = true; } );\n"

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
	{ VANS, "t.conf: no 'sites'" },
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
	{ "plan = \"out\";\n" BODY,
	  "t.conf:1: 'plan': a lab of one site has no peerings" },
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
	{ ONE_VM("name = \"b1\"; van = \"blue\"; ip = \"10.0.0.1/24\"; "
	  "kind = \"kvm\";"),
	  "t.conf:3: VM kind 'kvm': \"netns\" (the default) or \"qemu\"" },
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
	{ VANS "sites = (\n {}, {}, {}, {}, {}, {}, {}, {}, {} );\n",
	  "t.conf:2: more than 8 sites" },
	/* One site: no proxy, no peerings, and the names of several sites'
	 * namespaces are free. */
	{ VANS "sites = ( { name = \"a\"; underlay = \"10.77.1.0/24\";\n"
	  " proxy = { address = \"10.77.1.2\"; };\n"
	  " hosts = ( { name = \"h1\"; vms = ( { name = \"b1\"; van = \"blue\"; "
	  "ip = \"10.0.0.1/24\"; } ); } ); } );\n",
	  "t.conf:3: 'proxy': a lab of one site has none (several sites have one each)" },
	{ ONE_VM("name = \"b1\"; van = \"blue\"; ip = \"10.0.0.1/24\";")
	  "peerings = ( );\n",
	  "t.conf:4: 'peerings': a lab of one site has no one to peer with" },
	{ VANS "sites = ( { name = \"a\"; underlay = \"10.77.1.0/24\";\n"
	  "  hosts = ( { name = \"gw\"; vms = ( { name = \"inet\"; van = \"blue\"; "
	  "ip = \"10.0.0.1/24\"; } ); } ); } );\n",
	  "t.conf:3: VM name 'inet' ok" },
	/* Several sites. */
	{ TWO("", "", ""), "t.conf:3: two sites ok" },
	{ TWO(" proxy = { address = \"10.77.2.5\"; };", "", ""),
	  "t.conf:3: site 'a': proxy address 10.77.2.5 is not a host address of "
	  "10.77.1.0/24" },
	{ TWO(" proxy = { address = \"10.77.1.255\"; };", "", ""),
	  "t.conf:3: site 'a': proxy address 10.77.1.255 is not a host address of "
	  "10.77.1.0/24" },
	{ TWO(" proxy = { address = \"10.77.1.11\"; };", "", ""),
	  "t.conf:3: site 'a': proxy address 10.77.1.11 already used by host 'h1'" },
	{ TWO(" proxy = { address = \"10.77.1\"; };", "", ""),
	  "t.conf:3: proxy address '10.77.1': not an IPv4 address" },
	{ TWO(" proxy = { address = 5; };", "", ""),
	  "t.conf:3: 'address' must be a string" },
	{ TWO(" proxy = { internet = \"10.75.0.1\"; };", "", ""),
	  "t.conf:3: site 'a': proxy internet address 10.75.0.1 is not a host "
	  "address of the internet 10.76.0.0/24" },
	{ TWO("", " proxy = { internet = \"10.76.0.11\"; };", ""),
	  "t.conf:5: site 'b': proxy internet address 10.76.0.11 already used by "
	  "site 'a'" },
	{ TWO(" proxy = { mtu = 1500; };", "", ""),
	  "t.conf:3: unknown setting 'mtu'" },
	{ TWO(" proxy = \"10.77.1.2\";", "", ""),
	  "t.conf:3: 'proxy' must be a group { address = \"...\"; internet = \"...\"; }" },
	{ "lab = { internet = \"10.76.0.1/24\"; };\n" TWO("", "", ""),
	  "t.conf:1: internet '10.76.0.1/24': not a network a.b.c.0/n (n 8..28)" },
	{ "lab = { internet = \"10.77.0.0/16\"; };\n" TWO("", "", ""),
	  "t.conf:4: site 'a': underlay 10.77.1.0/24 overlaps the internet "
	  "10.77.0.0/16" },
	{ VANS "sites = (\n"
	  "  { name = \"a\"; underlay = \"10.77.0.0/16\"; hosts = ( { name = \"h1\"; vms = (\n"
	  "    { name = \"b1\"; van = \"blue\"; ip = \"10.0.0.1/24\"; } ); } ); },\n"
	  "  { name = \"b\"; underlay = \"10.77.2.0/24\"; hosts = ( { name = \"h2\"; } ); } );\n",
	  "t.conf:5: site 'b': underlay 10.77.2.0/24 overlaps site 'a''s" },
	{ VANS "sites = (\n"
	  "  { name = \"a\"; underlay = \"10.77.1.0/24\"; hosts = ( { name = \"gw\"; } ); },\n"
	  "  { name = \"b\"; underlay = \"10.77.2.0/24\"; hosts = ( { name = \"h2\"; } ); } );\n",
	  "t.conf:3: the name 'gw' is the site's proxy" },
	{ VANS "sites = (\n"
	  "  { name = \"a\"; underlay = \"10.77.1.0/24\"; hosts = ( { name = \"h1\"; vms = (\n"
	  "    { name = \"inet\"; van = \"blue\"; ip = \"10.0.0.1/24\"; } ); } ); },\n"
	  "  { name = \"b\"; underlay = \"10.77.2.0/24\"; hosts = ( { name = \"h2\"; } ); } );\n",
	  "t.conf:4: the name 'inet' is the internet switch" },
	{ TWO("", "", "peerings = 5;\n"),
	  "t.conf:7: 'peerings' must be a list ( { sites = [ ... ]; vans = [ ... ]; }, ... )" },
	{ TWO("", "", "peerings = ( 5 );\n"),
	  "t.conf:7: a peering is a group { sites = [ \"a\", \"b\" ]; vans = [ \"...\", ... ]; }" },
	{ TWO("", "", "peerings = ( { vans = [ \"blue\" ]; } );\n"),
	  "t.conf:7: peering without 'sites'" },
	{ TWO("", "", "peerings = ( { sites = [ \"a\", \"b\" ]; } );\n"),
	  "t.conf:7: peering without 'vans'" },
	{ TWO("", "", "peerings = ( { sites = \"a\"; vans = [ \"blue\" ]; } );\n"),
	  "t.conf:7: 'sites' must be a list of names [ \"...\", ... ]" },
	{ TWO("", "", "peerings = ( { sites = [ 1, 2 ]; vans = [ \"blue\" ]; } );\n"),
	  "t.conf:7: 'sites' must be a list of names [ \"...\", ... ]" },
	{ TWO("", "", "peerings = ( { sites = [ \"a\" ]; vans = [ \"blue\" ]; } );\n"),
	  "t.conf:7: a peering joins two sites: sites = [ \"a\", \"b\" ]" },
	{ TWO("", "", "peerings = ( { sites = [ \"a\", \"x\" ]; vans = [ \"blue\" ]; } );\n"),
	  "t.conf:7: peering: unknown site 'x'" },
	{ TWO("", "", "peerings = ( { sites = [ \"a\", \"a\" ]; vans = [ \"blue\" ]; } );\n"),
	  "t.conf:7: peering: site 'a' with itself" },
	{ TWO("", "", "peerings = ( { sites = [ \"a\", \"b\" ]; vans = [ \"blue\" ]; },\n"
	  "  { sites = ( \"b\", \"a\" ); vans = [ \"red\" ]; } );\n"),
	  "t.conf:8: sites 'b' and 'a' peer already on line 7" },
	{ TWO("", "", "peerings = ( { sites = [ \"a\", \"b\" ]; vans = [ \"blue\", \"pink\" ]; } );\n"),
	  "t.conf:7: peering: unknown VAN 'pink'" },
	{ TWO("", "", "peerings = ( { sites = [ \"a\", \"b\" ]; vans = [ \"red\", \"red\" ]; } );\n"),
	  "t.conf:7: peering: VAN 'red' given twice" },
	{ TWO("", "", "peerings = ( { sites = [ \"a\", \"b\" ]; vans = [ ]; } );\n"),
	  "t.conf:7: peering: 'vans' is empty" },
	{ TWO("", "", "peerings = ( { sites = [ \"a\", \"b\" ]; vans = [ \"blue\" ];\n"
	  "  cost = 1; } );\n"),
	  "t.conf:8: unknown setting 'cost'" },
	{ TWO("", "", "peerings = ( { sites = [ \"a\", \"b\" ]; vans = [ \"blue\" ];\n"
	  "  preshared_key = 1; } );\n"),
	  "t.conf:8: 'preshared_key' must be true or false" },
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

		if (strstr(bad[i].err, " ok") != NULL) {
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
	assert_string_equal(err, "/nonexistent/lab.conf: cannot read: "
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
/* kind = "qemu": kept by the normalised topology, and no port of the
 * host's vanedge configuration (vanlab attaches QEMU's tap at run time). */
static void
test_qemu_kind(void **state)
{
	struct lab *lab = parse_ok(ONE_VM("name = \"g1\"; van = \"blue\"; "
	    "ip = \"10.0.0.1/24\"; kind = \"qemu\";"));
	struct lab *again, *ns = parse_ok(ONE_VM("name = \"b1\"; van = \"blue\"; "
	    "ip = \"10.0.0.1/24\"; kind = \"netns\";"));
	char *text = NULL, err[LAB_ERR_MAX];
	size_t len = 0;
	FILE *f;

	(void)state;
	assert_int_equal(lab->vm[0].kind, LAB_VM_QEMU);
	assert_int_equal(ns->vm[0].kind, LAB_VM_NETNS);
	f = open_memstream(&text, &len);
	lab_print(f, lab);
	fclose(f);
	assert_non_null(strstr(text, "kind = \"qemu\";"));
	again = lab_parse(text, "norm", err);
	if (again == NULL)
		fail_msg("the normalised topology does not parse: %s", err);
	assert_int_equal(again->vm[0].kind, LAB_VM_QEMU);
	free(text);
	text = NULL;
	f = open_memstream(&text, &len);
	lab_edge_conf(f, lab, 0, "/run/e.sock", NULL);
	fclose(f);
	assert_null(strstr(text, "t-g1"));
	free(text);
	text = NULL;
	f = open_memstream(&text, &len);
	lab_edge_conf(f, ns, 0, "/run/e.sock", NULL);
	fclose(f);
	assert_non_null(strstr(text, "t-b1"));
	free(text);
	lab_free(again);
	lab_free(ns);
	lab_free(lab);
}

static void
test_edge_conf(void **state)
{
	struct lab *lab = parse_ok(GOOD);
	char path[] = "/tmp/test_lab_XXXXXX", err[SETTING_ERR_MAX], a[ADDR_STRLEN];
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
	assert_string_equal(conf->site.control, "/run/vanlab/vl/a-h1/edge.sock");
	assert_int_equal(conf->site.hello_ms, 200);
	assert_int_equal(conf->site.dead_count, LAB_DEAD_AFTER_DEFAULT);
	assert_int_equal(conf->site.nmembers, 2);
	assert_string_equal(addr_str(&conf->site.members[0], a), "10.77.1.12:4797");
	assert_string_equal(addr_str(&conf->site.members[1], a), "10.77.1.99:4797");
	/* The lab's underlay is vanedge's, so its MTU arithmetic is right. */
	assert_int_equal(conf->underlay_mtu, 1500);
	assert_true(conf->arp_proxy);
	assert_false(conf->site.has_site_key);
	/* Every VAN on every host, so that VMs can move anywhere. */
	assert_int_equal(conf->nvans, 2);
	blue = edge_conf_van(conf, 100);
	red = edge_conf_van(conf, 200);
	assert_non_null(blue);
	assert_non_null(red);
	assert_string_equal(blue->van.name, "blue");
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
	assert_int_equal(conf->site.nmembers, 2);
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
	char err[SETTING_ERR_MAX], b64[WG_KEY_B64_LEN + 1], ip6[46], *one, *two;
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
	assert_int_equal(conf->site.dad_moves, 1000);
	assert_int_equal(conf->site.dad_window_s, 10);
	assert_int_equal(conf->site.dad_hold_s, 5);
	assert_true(conf->site.has_site_key);
	assert_string_equal(conf->site.site_key_file, key_path);
	assert_memory_equal(conf->site.site_key, key.b, 32);
	blue = edge_conf_van(conf, 100);
	red = edge_conf_van(conf, 200);
	assert_non_null(blue);
	assert_non_null(red);
	assert_int_equal(blue->van.flood_rate, 2000);
	assert_int_equal(blue->van.flood_burst, 500);
	assert_int_equal(red->van.flood_rate, 0);
	edge_conf_free(conf);
	lab_free(lab);
}


/* Several sites: defaults, explicit settings, derived values, names. */
static void
test_federation(void **state)
{
	struct lab *lab = parse_ok(FED);
	char ns[LAB_NS_MAX], wg[LAB_WG_NAME_MAX], wg2[LAB_WG_NAME_MAX], ip[16];

	(void)state;
	assert_true(lab_federated(lab));
	assert_int_equal(lab->nsites, 3);
	assert_int_equal(lab->npeerings, 2);
	assert_string_equal(lab_ip_str(lab->inet_net, ip), "10.76.0.0");
	assert_int_equal(lab->inet_plen, 24);
	/* Defaults: underlay net + 10, internet net + 11 + site index. */
	assert_string_equal(lab_ip_str(lab->site[0].proxy_addr, ip), "10.77.1.10");
	assert_string_equal(lab_ip_str(lab->site[0].proxy_inet, ip), "10.76.0.11");
	assert_string_equal(lab_ip_str(lab->site[1].proxy_addr, ip), "10.77.2.2");
	assert_string_equal(lab_ip_str(lab->site[1].proxy_inet, ip), "10.76.0.99");
	assert_string_equal(lab_ip_str(lab->site[2].proxy_inet, ip), "10.76.0.13");
	/* Per-site IDs: b's 200 is blue, a's 200 red. */
	assert_int_equal(lab->site[0].van_id[1], 200);
	assert_int_equal(lab->site[1].van_id[0], 200);
	assert_int_equal(lab->site[1].van_id[2], 300);
	assert_int_equal(lab->site[2].van_id[2], 100);
	/* Peerings, by name; an array or a list. */
	assert_int_equal(lab->peering[0].site[0], 0);
	assert_int_equal(lab->peering[0].site[1], 1);
	assert_true(lab->peering[0].van[0] && lab->peering[0].van[1]);
	assert_false(lab->peering[0].van[2] || lab->peering[0].psk);
	assert_true(lab->peering[1].van[0] && lab->peering[1].psk);
	assert_false(lab->peering[1].van[1]);
	assert_int_equal(lab_peering_other(lab, 1, 2), 1);
	assert_int_equal(lab_peering_other(lab, 1, 0), -1);
	assert_int_equal(lab_proxy_peers(lab, 0), 1);
	assert_int_equal(lab_proxy_peers(lab, 1), 2);
	assert_int_equal(lab_proxy_peers(lab, 2), 1);
	/* What each proxy carries: b carries blue with no VM of its own. */
	assert_true(lab_proxy_carries(lab, 1, 0));
	assert_true(lab_proxy_carries(lab, 1, 1));
	assert_false(lab_proxy_carries(lab, 2, 1));
	assert_false(lab_proxy_carries(lab, 0, 2));
	assert_int_equal(lab_proxy_van_members(lab, 0, 0), 2);	/* h1, b */
	assert_int_equal(lab_proxy_van_members(lab, 1, 0), 2);	/* a, c */
	assert_int_equal(lab_proxy_van_members(lab, 2, 0), 2);	/* h4, b */
	assert_int_equal(lab_proxy_van_members(lab, 1, 1), 1);	/* a */
	/* Where a VAN reaches, through peerings that carry it. */
	assert_true(lab_van_reaches(lab, 0, 0, 2));
	assert_true(lab_van_reaches(lab, 1, 0, 1));
	assert_false(lab_van_reaches(lab, 1, 0, 2));
	assert_false(lab_van_reaches(lab, 2, 0, 2));
	assert_true(lab_van_reaches(lab, 2, 1, 1));
	assert_false(lab_van_loops(lab, 0));
	assert_true(lab_host_in_van(lab, 0, 1));
	assert_false(lab_host_in_van(lab, 2, 0));
	/* Names. */
	lab_ns_proxy(lab, "vl", 1, ns);
	assert_string_equal(ns, "vl-b-gw");
	lab_ns_inet("vl", ns);
	assert_string_equal(ns, "vl-inet");
	assert_int_equal(lab_find_site(lab, "c"), 2);
	assert_int_equal(lab_find_site(lab, "h1"), -1);
	lab_wg_name(lab, "i12345", 1, wg);
	assert_string_equal(wg, "i12345-b");
	/* Too long for an interface name: a hash, still one per site. */
	lab_wg_name(lab, "t1234567890abcde", 0, wg);
	lab_wg_name(lab, "t1234567890abcde", 1, wg2);
	assert_int_equal(strlen(wg), 10);
	assert_memory_equal(wg, "vl", 2);
	assert_string_not_equal(wg, wg2);
	lab_free(lab);
}

/* A triangle of peerings carrying blue: a loop (a bad configuration). */
static void
test_loops(void **state)
{
	struct lab *lab = parse_ok(FED), *tri;
	char *text;

	(void)state;
	lab->peering[2] = lab->peering[1];
	lab->peering[2].site[0] = 0;	/* a - c, blue */
	lab->peering[2].psk = false;
	lab->npeerings = 3;
	assert_true(lab_van_loops(lab, 0));
	assert_false(lab_van_loops(lab, 1));
	assert_true(lab_van_reaches(lab, 0, 2, 0));
	/* Printed and read back: the loop is the topology's, not refused. */
	text = print_to_string(lab);
	tri = parse_ok(text);
	assert_int_equal(tri->npeerings, 3);
	assert_true(lab_van_loops(tri, 0));
	free(text);
	lab_free(tri);
	lab_free(lab);
}

/* The normalised form of several sites parses to the same lab. */
static void
test_fed_fixpoint(void **state)
{
	struct lab *a = parse_ok(FED), *b;
	char *one, *two;

	(void)state;
	one = print_to_string(a);
	assert_non_null(strstr(one, "internet = \"10.76.0.0/24\";"));
	assert_non_null(strstr(one, "proxy = { address = \"10.77.2.2\"; "
	    "internet = \"10.76.0.99\"; };"));
	assert_non_null(strstr(one, "{ sites = [ \"b\", \"c\" ]; vans = [ \"blue\" ]; "
	    "preshared_key = true; }"));
	b = parse_ok(one);
	two = print_to_string(b);
	assert_string_equal(one, two);
	assert_int_equal(b->site[1].proxy_inet, a->site[1].proxy_inet);
	assert_int_equal(b->npeerings, 2);
	free(one);
	free(two);
	lab_free(a);
	lab_free(b);
}

static char *
write_temp(const char *dir, const char *name, void (*cb)(FILE *, void *), void *arg)
{
	static char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	cb(f, arg);
	fclose(f);
	return path;
}

struct proxy_args {
	const struct lab		*lab;
	unsigned			s;
	const struct lab_proxy_files	*files;
	const char *const		*pub, *const *psk;
};

static void
write_proxy(FILE *f, void *arg)
{
	const struct proxy_args *a = arg;

	lab_proxy_conf(f, a->lab, a->s, a->files);
}

static void
write_peering(FILE *f, void *arg)
{
	const struct proxy_args *a = arg;

	lab_peering_conf(f, a->lab, a->s, a->pub, a->psk);
}

/* Site s's proxy.conf and peering.conf, with keys from state_write_key,
 * read by vanproxy's own parser. */
static struct proxy_conf *
load_proxy(const struct lab *lab, unsigned s, const char *dir, bool site_key)
{
	static char pub[LAB_SITE_MAX][WG_KEY_B64_LEN + 1];
	const char *pubp[LAB_SITE_MAX], *pskp[LAB_PEERING_MAX];
	char key[256], sk[256], psk[256], err[SETTING_ERR_MAX], *conf;
	char mine[WG_KEY_B64_LEN + 1];
	struct lab_proxy_files files = { "/run/x/proxy.sock", key, sk, "vl-x",
	    "peering.conf", NULL, "/run/x/drain" };
	struct proxy_args args = { lab, s, &files, pubp, pskp };
	struct proxy_conf *pc;
	struct stat sb;
	unsigned i;

	for (i = 0; i < lab->nsites; i++) {
		snprintf(key, sizeof(key), "%s/%s.key", dir, lab->site[i].name);
		unlink(key);
		assert_int_equal(state_write_key(key, true, pub[i]), 0);
		/* Mode 0600 whatever the umask, as vanproxy demands. */
		assert_int_equal(stat(key, &sb), 0);
		assert_int_equal(sb.st_mode & 0777, 0600);
		pubp[i] = pub[i];
	}
	snprintf(psk, sizeof(psk), "%s/psk.key", dir);
	unlink(psk);
	assert_int_equal(state_write_key(psk, false, NULL), 0);
	for (i = 0; i < lab->npeerings; i++)
		pskp[i] = psk;
	snprintf(sk, sizeof(sk), "%s/site.key", dir);
	unlink(sk);
	if (site_key)
		assert_int_equal(state_write_key(sk, false, NULL), 0);
	snprintf(key, sizeof(key), "%s/%s.key", dir, lab->site[s].name);
	write_temp(dir, "peering.conf", write_peering, &args);
	conf = write_temp(dir, "proxy.conf", write_proxy, &args);
	pc = proxy_conf_load(conf, err);
	if (pc == NULL)
		fail_msg("vanproxy refuses it: %s", err);
	/* Its public key is what the peers were told. */
	key_to_base64(mine, &pc->public_key);
	assert_string_equal(mine, pub[s]);
	return pc;
}

/* The files load_proxy made, and the directory. */
static void
rm_dir(const char *dir)
{
	static const char *const names[] = { "a.key", "b.key", "c.key", "psk.key",
	    "site.key", "peering.conf", "proxy.conf", NULL };
	char path[256];
	unsigned i;

	for (i = 0; names[i] != NULL; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		unlink(path);
	}
	assert_int_equal(rmdir(dir), 0);
}

static void
test_proxy_conf(void **state)
{
	struct lab *lab = parse_ok(FED);
	char dir[] = "/tmp/test_lab_XXXXXX", a[ADDR_STRLEN];
	struct proxy_conf *pc;
	const struct proxy_peer *pa, *pcc;

	(void)state;
	assert_non_null(mkdtemp(dir));
	/* b: transit for blue, two peers, its own IDs, a preshared key. */
	pc = load_proxy(lab, 1, dir, false);
	assert_string_equal(pc->name, "b");
	assert_string_equal(addr_str(&pc->listen, a), "10.76.0.99:51820");
	assert_string_equal(addr_str(&pc->site_listen, a), "10.77.2.2:4797");
	assert_string_equal(pc->site.control, "/run/x/proxy.sock");
	assert_string_equal(pc->wg_name, "vl-x");
	assert_int_equal(pc->site.hello_ms, 500);
	assert_false(pc->site.has_site_key);
	assert_int_equal(pc->site.nmembers, 1);
	assert_string_equal(addr_str(&pc->site.members[0], a), "10.77.2.11:4797");
	/* Only what crosses a peering of b, by b's IDs: blue 200, red 100. */
	assert_int_equal(pc->nvans, 2);
	assert_non_null(proxy_conf_van(pc, 200));
	assert_string_equal(proxy_conf_van(pc, 200)->name, "blue");
	assert_non_null(proxy_conf_van(pc, 100));
	assert_string_equal(proxy_conf_van(pc, 100)->name, "red");
	assert_null(proxy_conf_van(pc, 300));	/* green crosses nothing */
	assert_int_equal(pc->npeers, 2);
	pa = proxy_conf_peer(pc, "a");
	pcc = proxy_conf_peer(pc, "c");
	assert_non_null(pa);
	assert_non_null(pcc);
	assert_true(pa->has_endpoint);
	assert_string_equal(pa->endpoint_text, "10.76.0.11:51820");
	assert_string_equal(pcc->endpoint_text, "10.76.0.13:51820");
	assert_false(pa->has_psk);
	assert_true(pcc->has_psk);
	/* Rewriting: b's blue (200) is a's 100 and c's 300; red only to a. */
	assert_int_equal(pa->npairs, 2);
	assert_int_equal(proxy_peer_remote(pa, 200), 100);
	assert_int_equal(proxy_peer_remote(pa, 100), 200);
	assert_int_equal(pcc->npairs, 1);
	assert_int_equal(proxy_peer_remote(pcc, 200), 300);
	assert_int_equal(proxy_peer_remote(pcc, 100), 0);
	proxy_conf_free(pc);

	/* a, with a site key: one peer, its hosts as members. */
	lab->site_key = true;
	pc = load_proxy(lab, 0, dir, true);
	assert_true(pc->site.has_site_key);
	assert_int_equal(pc->site.nmembers, 2);
	assert_string_equal(addr_str(&pc->listen, a), "10.76.0.11:51820");
	assert_int_equal(pc->npeers, 1);
	assert_int_equal(proxy_peer_remote(proxy_conf_peer(pc, "b"), 100), 200);
	assert_int_equal(proxy_peer_remote(proxy_conf_peer(pc, "b"), 200), 100);
	proxy_conf_free(pc);
	lab_free(lab);
	rm_dir(dir);
}

/* With several sites a host's members are its site's hosts and proxy. */
static void
test_fed_edge_conf(void **state)
{
	struct lab *lab = parse_ok(FED);
	char path[] = "/tmp/test_lab_XXXXXX", err[SETTING_ERR_MAX], a[ADDR_STRLEN];
	struct edge_conf *conf;
	FILE *f;
	int fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	lab_edge_conf(f, lab, 2, "/run/x.sock", NULL);	/* h3, site b */
	fclose(f);
	conf = edge_conf_load(path, err);
	if (conf == NULL)
		fail_msg("vanedge refuses it: %s", err);
	unlink(path);
	assert_int_equal(conf->site.nmembers, 1);
	assert_string_equal(addr_str(&conf->site.members[0], a), "10.77.2.2:4797");
	/* Every VAN, by b's IDs. */
	assert_int_equal(conf->nvans, 3);
	assert_string_equal(edge_conf_van(conf, 200)->van.name, "blue");
	assert_string_equal(edge_conf_van(conf, 100)->van.name, "red");
	assert_string_equal(edge_conf_van(conf, 300)->van.name, "green");
	edge_conf_free(conf);
	lab_free(lab);
}

/* A proxy is ready when its peers are alive, handshaken and JOINed, its
 * hosts (those that share a VAN with it) alive, its VANs JOINed. */
static void
test_gateway_ready(void **state)
{
	struct lab *lab = parse_ok(FED);
	char why[256];
	json_t *peers, *members, *vans;
	static const char good_peers[] =
	    "[{\"name\":\"a\",\"state\":\"alive\",\"handshake_age_s\":1,"
	    "  \"vans\":[{\"local\":200,\"joined\":true},{\"local\":100,\"joined\":true}]},"
	    " {\"name\":\"c\",\"state\":\"alive\",\"handshake_age_s\":0,"
	    "  \"vans\":[{\"local\":200,\"joined\":true}]}]";

	(void)state;
	/* b: two peers; its host h3 has no VM, so it may be anything. */
	peers = json_loads(good_peers, 0, NULL);
	members = json_loads("[{\"address\":\"10.77.2.11:4797\",\"state\":\"unknown\"},"
	    "{\"address\":\"peer a\",\"state\":\"alive\"},"
	    "{\"address\":\"peer c\",\"state\":\"alive\"}]", 0, NULL);
	vans = json_loads("[{\"id\":200,\"members\":2},{\"id\":100,\"members\":1}]",
	    0, NULL);
	assert_non_null(peers);
	assert_non_null(members);
	assert_non_null(vans);
	if (!gateway_ready(lab, 1, peers, members, vans, why, sizeof(why)))
		fail_msg("not ready: %s", why);
	/* A peer not JOINed yet, without a handshake, dead, missing. */
	json_object_set_new(json_array_get(json_object_get(json_array_get(peers, 1),
	    "vans"), 0), "joined", json_false());
	assert_false(gateway_ready(lab, 1, peers, members, vans, why, sizeof(why)));
	assert_string_equal(why, "peer c has not JOINed VAN 200");
	json_decref(peers);
	peers = json_loads(good_peers, 0, NULL);
	json_object_set_new(json_array_get(peers, 0), "handshake_age_s", json_null());
	assert_false(gateway_ready(lab, 1, peers, members, vans, why, sizeof(why)));
	assert_string_equal(why, "no handshake with peer a yet");
	json_object_set_new(json_array_get(peers, 0), "handshake_age_s", json_integer(3));
	json_object_set_new(json_array_get(peers, 0), "state", json_string("dead"));
	assert_false(gateway_ready(lab, 1, peers, members, vans, why, sizeof(why)));
	assert_string_equal(why, "peer a is dead");
	json_array_remove(peers, 0);
	assert_false(gateway_ready(lab, 1, peers, members, vans, why, sizeof(why)));
	assert_string_equal(why, "1 peers, not 2");
	json_decref(peers);
	/* A VAN whose peer has not JOINed it from the proxy's side. */
	peers = json_loads(good_peers, 0, NULL);
	json_object_set_new(json_array_get(vans, 0), "members", json_integer(1));
	assert_false(gateway_ready(lab, 1, peers, members, vans, why, sizeof(why)));
	assert_string_equal(why, "VAN blue has 1 members, not 2");
	json_decref(vans);
	json_decref(members);
	json_decref(peers);

	/* a: h1 shares blue and red with the proxy and must be alive; h2
	 * (green only) need not. */
	peers = json_loads("[{\"name\":\"b\",\"state\":\"alive\",\"handshake_age_s\":1,"
	    "\"vans\":[]}]", 0, NULL);
	members = json_loads("[{\"address\":\"10.77.1.11:4797\",\"state\":\"unknown\"},"
	    "{\"address\":\"10.77.1.12:4797\",\"state\":\"unknown\"},"
	    "{\"address\":\"peer b\",\"state\":\"alive\"}]", 0, NULL);
	vans = json_loads("[{\"id\":100,\"members\":2},{\"id\":200,\"members\":2}]",
	    0, NULL);
	assert_false(gateway_ready(lab, 0, peers, members, vans, why, sizeof(why)));
	assert_string_equal(why, "host h1 is unknown");
	json_object_set_new(json_array_get(members, 0), "state", json_string("alive"));
	if (!gateway_ready(lab, 0, peers, members, vans, why, sizeof(why)))
		fail_msg("not ready: %s", why);
	json_array_remove(members, 1);
	assert_false(gateway_ready(lab, 0, peers, members, vans, why, sizeof(why)));
	assert_string_equal(why, "2 members, not 2 hosts and 1 peers");
	assert_false(gateway_ready(lab, 0, NULL, members, vans, why, sizeof(why)));
	assert_string_equal(why, "no answer");
	json_decref(peers);
	json_decref(members);
	json_decref(vans);
	lab_free(lab);
}

/* A host of several sites: its proxy is a member; it counts in the VANs it
 * carries, and needs to be alive only if it shares one with the host. */
static void
test_fed_host_ready(void **state)
{
	struct lab *lab = parse_ok(FED);
	char why[256];
	json_t *members, *vans;

	(void)state;
	/* h2 (green only): its proxy carries no green, h1 shares nothing. */
	members = json_loads("[{\"address\":\"10.77.1.11:4797\",\"state\":\"alive\"},"
	    "{\"address\":\"10.77.1.10:4797\",\"state\":\"unknown\"}]", 0, NULL);
	vans = json_loads("[{\"id\":100,\"members\":2},{\"id\":200,\"members\":2},"
	    "{\"id\":300,\"members\":0}]", 0, NULL);
	if (!daemon_ready(lab, 1, members, vans, why, sizeof(why)))
		fail_msg("not ready: %s", why);
	/* h1 (blue, red): the proxy must be alive, and count in both (and h2
	 * in green). */
	json_object_set_new(json_array_get(members, 0), "address",
	    json_string("10.77.1.12:4797"));
	json_object_set_new(json_array_get(vans, 0), "members", json_integer(1));
	json_object_set_new(json_array_get(vans, 1), "members", json_integer(1));
	json_object_set_new(json_array_get(vans, 2), "members", json_integer(1));
	assert_false(daemon_ready(lab, 0, members, vans, why, sizeof(why)));
	assert_string_equal(why, "member 10.77.1.10:4797 is unknown");
	json_object_set_new(json_array_get(members, 1), "state", json_string("alive"));
	if (!daemon_ready(lab, 0, members, vans, why, sizeof(why)))
		fail_msg("not ready: %s", why);
	json_array_remove(members, 1);
	assert_false(daemon_ready(lab, 0, members, vans, why, sizeof(why)));
	assert_string_equal(why, "1 members, not 2");
	json_decref(members);
	json_decref(vans);
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
		cmocka_unit_test(test_qemu_kind),
		cmocka_unit_test(test_settings),
		cmocka_unit_test(test_ready),
		cmocka_unit_test(test_federation),
		cmocka_unit_test(test_loops),
		cmocka_unit_test(test_fed_fixpoint),
		cmocka_unit_test(test_proxy_conf),
		cmocka_unit_test(test_fed_edge_conf),
		cmocka_unit_test(test_gateway_ready),
		cmocka_unit_test(test_fed_host_ready),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
