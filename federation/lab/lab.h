/*
 * lab.h — vanlab's topology model: the lab's VANs, sites, hosts and VMs as
 * parsed and checked from a topology file (libconfig), every value that
 * vanlab derives from it (namespace and tap names, MACs, underlay
 * addresses, per-site VAN IDs), its normalised form and the vanedge
 * configuration of each host.  labconf.c parses and checks, lab.c derives
 * the values, labfile.c writes.
 *
 * Not pure (libconfig reads the file) but free of syscalls of its own: no
 * namespace, process or socket is touched here (testbed.c does that), so
 * the unit tests drive all of it from strings.
 *
 * A lab of several sites federates them: each site gets a proxy (vanproxy,
 * in PREFIX-SITE-gw) on its underlay and on the "internet", a switch of
 * its own (PREFIX-inet) that only the proxies reach; `peerings` say which
 * proxies keep a tunnel and which VANs cross it, by name, each site with
 * its own VAN IDs.  labfed.c parses and derives that part.
 */
#ifndef FEDERATION_LAB_LAB_H
#define FEDERATION_LAB_LAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "edge/van/bridge.h"	/* BRIDGE_NAME_MAX: VAN names */
#include "edge/rim/setting.h"	/* SETTING_ERR_MAX */

/* Named limits: a topology is small, and every array is fixed. */
#define LAB_SITE_MAX		8	/* several: a proxy each */
#define LAB_PEERING_MAX		(LAB_SITE_MAX * (LAB_SITE_MAX - 1) / 2)
#define LAB_HOST_MAX		32	/* per lab */
#define LAB_VM_MAX		256	/* per lab */
#define LAB_VAN_MAX		64
#define LAB_NAME_MAX		16	/* site/host: 1-15 of [a-z0-9_], letter first */
#define LAB_VM_NAME_MAX		14	/* VM: 1-13, the tap is "t-" NAME */
#define LAB_PREFIX_MAX		17	/* 1-16 of [a-z0-9] */
#define LAB_NS_MAX		(LAB_PREFIX_MAX + 2 * LAB_NAME_MAX + 2)
#define LAB_IFNAMSIZ		16
/* Errors: "FILE:LINE: message", the configuration parsers' convention. */
#define LAB_ERR_MAX		SETTING_ERR_MAX
#define LAB_PATH_MAX		108	/* control sockets: sun_path */

/* Defaults of the `lab` group: vanedge's; the VMs' own MTU.  The rest of
 * its bounds are vanedge's (edge/van/van.h). */
#define LAB_HELLO_MS_DEFAULT	BRIDGE_HELLO_MS_DEFAULT
#define LAB_DEAD_AFTER_DEFAULT	BRIDGE_DEAD_COUNT_DEFAULT
#define LAB_ROUTE_REFRESH_DEFAULT	60	/* vanproxy's route_refresh, s */
#define LAB_MTU_DEFAULT		1400	/* VM NICs: room for the VAN overhead */
#define LAB_MTU_MIN		576
#define LAB_MTU_MAX		9000
/* Prefix lengths: VMs' subnets, the sites' underlays, the internet. */
#define LAB_PLEN_MIN		8
#define LAB_VM_PLEN_MAX		30
#define LAB_VM_PLEN6_MAX	128
#define LAB_UNDERLAY_PLEN_MAX	26
#define LAB_INET_PLEN_MAX	28
#define LAB_HOST_ADDR_BASE	11	/* host k of a site: underlay net + 11 + k */
/* Several sites: a site's proxy is underlay net + 10, and site k's proxy
 * is internet net + 11 + k on the internet switch (10.76.0.0/24). */
#define LAB_PROXY_ADDR_BASE	10
#define LAB_INET_NET_DEFAULT	0x0a4c0000u	/* 10.76.0.0 */
#define LAB_INET_PLEN_DEFAULT	24
#define LAB_INET_ADDR_BASE	11
/* A site's gateways: its one proxy, or with `proxy = { ha = true; }` a
 * pair of them under keepalived (VRRP), which hold the two addresses
 * above as virtual addresses; each of the pair has one of its own on
 * either segment, the highest host addresses of the net that nothing
 * else of the lab takes (lab_parse_gateways). */
#define LAB_GW_MAX		2
#define LAB_SITE_PORT		4797	/* vanedge's, vanproxy's site socket */
#define LAB_TUNNEL_PORT		51820	/* vanproxy's tunnels */
#define LAB_WG_NAME_MAX		16	/* `wg show NAME`: IFNAMSIZ */
/* Overhead of one VAN message on the underlay: IPv4, UDP, VAN header, and
 * the Ethernet header of the frame it carries. */
#define LAB_UNDERLAY_OVERHEAD	(20 + 8 + 12 + 14)

/* Isolation probes (vanlab report): VM k gets 198.18.0.0/16 + k + 1 for
 * the time of the report.  The range (RFC 2544) is refused for VM IPs. */
#define LAB_PROBE_NET		0xc6120000u	/* 198.18.0.0 */
#define LAB_PROBE_PLEN		16

struct lab_van {
	char		name[BRIDGE_NAME_MAX];
	uint32_t	id;		/* default ID; a site may give its own */
	uint32_t	flood_rate;	/* vanedge's per-VAN flood limit, 0: none */
	uint32_t	flood_burst;	/* 0: the rate */
	int		line;
};

struct lab_site {
	char		name[LAB_NAME_MAX];
	uint32_t	net;		/* underlay IPv4 network, host order */
	uint8_t		plen;
	uint32_t	van_id[LAB_VAN_MAX];	/* this site's ID of each VAN */
	uint32_t	proxy_addr;	/* several sites: its proxy on the underlay */
	uint32_t	proxy_inet;	/* ... and on the internet switch */
	bool		ha;		/* a pair of gateways (VRRP): the two
					 * addresses above are its VIPs */
	uint32_t	gw_addr[LAB_GW_MAX];	/* ha: each one's own underlay
					 * address (0: not placed yet) */
	uint32_t	gw_inet[LAB_GW_MAX];	/* ... and internet address */
	char		key[4096];	/* proxy.private_key as written, "" = make one */
	char		plan_pub[48];	/* planned: its public key in its peers' files */
	int		line;
};

/* Two sites' proxies keep a tunnel; the VANs in `van` cross it, each with
 * its own site's ID on either side. */
struct lab_peering {
	unsigned	site[2];
	bool		van[LAB_VAN_MAX];
	bool		psk;		/* a preshared key (vanlab makes one) */
	bool		standby;	/* a plan's standby tunnel (docs/proxy.md
					 * §13): carries only while one of its tree
					 * tunnels is down */
	int		line;
};

struct lab_host {
	char		name[LAB_NAME_MAX];
	unsigned	site;
	uint32_t	addr;		/* underlay address, host order */
	int		line;
};

/* What a VM is: a namespace whose eth0 is the tap vanedge made (netns),
 * or a real QEMU guest in its host's namespace on a tap QEMU owns,
 * attached to vanedge as a device port (qemu.h). */
enum lab_vm_kind { LAB_VM_NETNS, LAB_VM_QEMU };

struct lab_vm {
	char		name[LAB_VM_NAME_MAX];
	uint8_t		kind;		/* enum lab_vm_kind */
	unsigned	van;
	unsigned	host;		/* where it runs now (vanlab migrate moves it) */
	uint32_t	ip;		/* host order */
	uint8_t		plen;
	uint8_t		mac[6];
	bool		has_ip6;	/* an IPv6 address too (needs lab ipv6) */
	uint8_t		ip6[16];
	uint8_t		plen6;
	int		line;
};

#define LAB_METRICS_PORT	9797	/* lab = { metrics = true; } */

struct lab {
	char		file[4096];
	uint32_t	hello_ms;
	uint32_t	dead_after;
	uint32_t	mtu;		/* the VMs' NICs */
	uint32_t	underlay_mtu;	/* switch, host links, vanedge; 0: derived */
	bool		ipv6;		/* IPv6 in VMs (off: the lab stays quiet) */
	bool		site_key;	/* vanlab makes one key, every host uses it */
	bool		arp_proxy;	/* vanedge's ARP/ND proxy */
	bool		metrics;	/* every daemon serves metrics on
					 * its underlay address, LAB_METRICS_PORT */
	uint32_t	dad_moves;	/* vanedge's duplicate-address detection */
	uint32_t	dad_window;	/* seconds */
	uint32_t	dad_hold;	/* seconds */
	uint32_t	route_refresh;	/* vanproxy's, seconds (0: never) */
	char		log_level[8];
	char		plan[4096];	/* vanplan's output directory as written, "" none */
	uint32_t	inet_net;	/* several sites: the internet switch */
	uint8_t		inet_plen;
	uint32_t	inet_mtu;	/* its MTU and the proxies' tunnel_mtu;
					 * 0: lab_internet_mtu's default */
	struct lab_van	van[LAB_VAN_MAX];
	struct lab_site	site[LAB_SITE_MAX];
	struct lab_host	host[LAB_HOST_MAX];
	struct lab_vm	vm[LAB_VM_MAX];
	struct lab_peering peering[LAB_PEERING_MAX];
	unsigned	nvans, nsites, nhosts, nvms, npeerings;
};

/* Parse and check; NULL with err = "FILE:LINE: message" on error. */
struct lab	*lab_load(const char *path, char err[static LAB_ERR_MAX]);
/* The same from a string; `name` stands for the file in messages. */
struct lab	*lab_parse(const char *text, const char *name,
		    char err[static LAB_ERR_MAX]);
void		lab_free(struct lab *);

/* The topology with every default and derived value explicit; lab_parse
 * of it gives the same lab (with VMs where they run now). */
void		lab_print(FILE *, const struct lab *);
/* The vanedge configuration of host h; control is its socket path, keyfile
 * the site key's file (used when lab->site_key).  With several sites the
 * site's proxy is one of its members. */
void		lab_edge_conf(FILE *, const struct lab *, unsigned h, const char *control,
		    const char *keyfile);

/* What a site's proxy configuration names (paths as vanproxy opens them). */
struct lab_proxy_files {
	const char	*control;	/* its control socket */
	const char	*key;		/* its private key, mode 0600 */
	const char	*site_key;	/* the site's key (used when lab->site_key) */
	const char	*wg_name;	/* `wg show NAME` */
	const char	*peering;	/* the peering file, as @include names it */
	const char	*vans;		/* vanplan's vans.conf likewise; NULL: the
					 * VANs the topology's peerings carry */
	const char	*drain;		/* a pair's drain_file (used when ha) */
};
/* vanproxy's proxy.conf of site s, which includes its peering file. */
void		lab_proxy_conf(FILE *, const struct lab *, unsigned s,
		    const struct lab_proxy_files *);
/* Site s's peering file: pub[k] is site k's proxy public key (base64),
 * psk[p] the preshared key file of peering p (used when it has one). */
void		lab_peering_conf(FILE *, const struct lab *, unsigned s,
		    const char *const *pub, const char *const *psk);

/* Names.  A prefix is 1-16 of [a-z0-9]. */
bool		lab_prefix_ok(const char *);
/* PREFIX-SITE-HOST, PREFIX-SITE-sw (the site's underlay switch), PREFIX-VM:
 * a VM's namespace does not name its host, since VMs move. */
void		lab_ns_host(const struct lab *, const char *prefix, unsigned h,
		    char out[static LAB_NS_MAX]);
void		lab_ns_switch(const struct lab *, const char *prefix, unsigned s,
		    char out[static LAB_NS_MAX]);
void		lab_ns_vm(const struct lab *, const char *prefix, unsigned v,
		    char out[static LAB_NS_MAX]);
/* The tap of a VM in its host's namespace, before it becomes the VM's eth0. */
void		lab_tap(const struct lab *, unsigned v, char out[static LAB_IFNAMSIZ]);

/* Several sites: PREFIX-SITE-gw (a site's proxy) and PREFIX-inet (the
 * switch between the proxies). */
void		lab_ns_proxy(const struct lab *, const char *prefix, unsigned s,
		    char out[static LAB_NS_MAX]);
void		lab_ns_inet(const char *prefix, char out[static LAB_NS_MAX]);
/* The name of site s's tunnels for `wg` (machine-wide, like the UAPI
 * socket /var/run/wireguard/NAME.sock): PREFIX-SITE when that fits in 15
 * characters, else "vl" and a hash of both. */
void		lab_wg_name(const struct lab *, const char *prefix, unsigned s,
		    char out[static LAB_WG_NAME_MAX]);

/*
 * A site's gateways (LAB_GW_MAX of them when it has a pair, else one):
 * gateway 0 is PREFIX-SITE-gw, gateway 1 of a pair PREFIX-SITE-gw2.  Its
 * name in vanlab's commands and messages is SITE-gw, of a pair SITE-gw1
 * and SITE-gw2 (SITE-gw then names whichever is active: lab_find_gw).
 * Its `wg` name is lab_wg_name's, gateway 1's PREFIX-SITE-2 (or "vl" and
 * a hash): both share /var/run/wireguard/.  Its addresses: the proxy's,
 * or of a pair its own (lab_site.gw_addr, gw_inet).  Its ports: on the
 * site's switch "gw" and "gw2", on the internet switch SITE and SITE-2
 * (or N-gw2 for site index N when that is too long: no site name has a
 * '-' or starts with a digit).
 */
unsigned	lab_gateways(const struct lab *, unsigned s);
void		lab_ns_gw(const struct lab *, const char *prefix, unsigned s, unsigned g,
		    char out[static LAB_NS_MAX]);
void		lab_gw_name(const struct lab *, unsigned s, unsigned g,
		    char out[static LAB_NAME_MAX + 8]);
void		lab_gw_wg_name(const struct lab *, const char *prefix, unsigned s,
		    unsigned g, char out[static LAB_WG_NAME_MAX]);
uint32_t	lab_gw_addr(const struct lab *, unsigned s, unsigned g);
uint32_t	lab_gw_inet(const struct lab *, unsigned s, unsigned g);
void		lab_gw_port(const struct lab *, unsigned s, unsigned g, bool inet,
		    char out[static LAB_IFNAMSIZ]);
/* SITE-gw, and of a pair SITE-gw1, SITE-gw2: the site, or -1; *g the
 * gateway, -1 for a pair's SITE-gw (the active one: ha.h says which). */
int		lab_find_gw(const struct lab *, const char *name, int *g);

/*
 * A pair's keepalived (labha.c): gateway g's part of site s's pair, in
 * the terms of proxy/pair.h, whose text both vanlab and vanplan write.
 * Paths are gateway g's (its state directory dir, its control socket and
 * proxy.conf there) and the programs the caller names.  0, or -1 when a
 * path is too long or one keepalived cannot carry (reported).
 */
struct pair_conf;
struct lab_pair_progs {
	const char	*notify;	/* vanfed-notify (contrib/keepalived/) */
	const char	*vanctl;
	const char	*vanproxy;
};
int		lab_pair_conf(const struct lab *, unsigned s, unsigned g,
		    const char *dir, const struct lab_pair_progs *,
		    struct pair_conf *);

/* Look-ups by name: index or -1. */
int		lab_find_site(const struct lab *, const char *);
int		lab_find_host(const struct lab *, const char *);
int		lab_find_vm(const struct lab *, const char *);
int		lab_find_van(const struct lab *, const char *);

/* Derived values. */
void		lab_mac_from_ip(uint32_t ip, uint8_t mac[static 6]);
uint32_t	lab_probe_addr(unsigned v);
/* The underlay's MTU: the topology's, else the VM MTU plus the VAN
 * overhead, at least 1500. */
uint32_t	lab_underlay_mtu(const struct lab *);
/* Members of host h's VAN van that vanedge should see JOINed: the other
 * hosts of its site with a VM in it. */
unsigned	lab_van_peers(const struct lab *, unsigned h, unsigned van);
/* Hosts of h's site other than h (its vanedge members besides the proxy). */
unsigned	lab_site_peers(const struct lab *, unsigned h);
/* Does host h have a VM in VAN van? */
bool		lab_host_in_van(const struct lab *, unsigned h, unsigned van);

/* The federation (labfed.c).  Several sites: proxies and an internet. */
bool		lab_federated(const struct lab *);
/* The site on the other side of peering p from site s, or -1 if s is not
 * one of its sites. */
int		lab_peering_other(const struct lab *, unsigned p, unsigned s);
/* The peerings of site s (its proxy's peers). */
unsigned	lab_proxy_peers(const struct lab *, unsigned s);
/* Does VAN van cross a peering of site s (the proxy configures, JOINs and
 * carries it)? */
bool		lab_proxy_carries(const struct lab *, unsigned s, unsigned van);
/* Members site s's proxy should see JOINed in VAN van: its hosts with a VM
 * in it and the peers it crosses to. */
unsigned	lab_proxy_van_members(const struct lab *, unsigned s, unsigned van);
/* A path of the topology (`plan`, a key) as opened, absolute: relative to
 * the topology file's directory. */
void		lab_path(const struct lab *, const char *rel, char out[static 8192]);
/* The internet's MTU (and the proxies' tunnel_mtu): the setting, or one
 * that carries the VMs' largest frame whole, at least the underlay's. */
uint32_t	lab_internet_mtu(const struct lab *);
/* Can VAN van get from site a to site b through peerings that carry it? */
bool		lab_van_reaches(const struct lab *, unsigned van, unsigned a, unsigned b);
/* Do the peerings that carry VAN van make a loop (a bad configuration:
 * vanproxy drops the copies and says so)? */
bool		lab_van_loops(const struct lab *, unsigned van);

/* "a.b.c.d" of a host-order address; returns buf. */
char		*lab_ip_str(uint32_t ip, char buf[static 16]);
/* The netmask of a prefix length (host order), and "a.b.c.d" parsed
 * (edge/van/addr.c's addr_ip_parse, IPv4 only). */
uint32_t	lab_plen_mask(unsigned plen);
bool		lab_ip_parse(const char *, uint32_t *ip);
/* "a.b.c.d/n" with min <= n <= max (addr_prefix_parse, IPv4 only). */
bool		lab_cidr_parse(const char *, unsigned min, unsigned max, uint32_t *ip,
		    uint8_t *plen);
/* The IPv6 address of VM v as text (it must have one); returns buf. */
char		*lab_ip6_str(const struct lab_vm *, char buf[static 46]);

#endif /* FEDERATION_LAB_LAB_H */
