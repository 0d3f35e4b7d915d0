/*
 * lab.c — the values of a vanlab topology (see lab.h): addresses as text
 * and back (the text parsed by edge/van/addr.c, kept here in host
 * order), MACs, the underlay's MTU, the names of namespaces and taps,
 * look-ups by name, who shares a VAN with whom in a site.  The topology
 * itself is parsed in labconf.c and labfed.c, which build on this file
 * (never the other way round); labfed.c derives the federation's values.
 * No libconfig, no syscalls, no I/O.
 */
#include "federation/lab/lab.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "edge/van/addr.h"
#include "edge/van/bytes.h"

/* --------------------------------------------------------------- values --- */

char *
lab_ip_str(uint32_t ip, char buf[static 16])
{
	snprintf(buf, 16, "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 255, (ip >> 8) & 255,
	    ip & 255);
	return buf;
}

uint32_t
lab_plen_mask(unsigned plen)
{
	return plen == 0 ? 0 : 0xffffffffu << (32 - plen);
}

bool
lab_ip_parse(const char *s, uint32_t *ip)
{
	struct van_addr a;

	if (!addr_ip_parse(s, &a) || a.family != 4)
		return false;
	*ip = bytes_be32(a.ip);
	return true;
}

bool
lab_cidr_parse(const char *s, unsigned min, unsigned max, uint32_t *ip, uint8_t *plen)
{
	struct addr_prefix p;
	const char *err;

	if (!addr_prefix_parse(s, true, &p, &err) || p.family != 4 || p.len < min ||
	    p.len > max)
		return false;
	*ip = bytes_be32(p.ip);
	*plen = p.len;
	return true;
}

void
lab_mac_from_ip(uint32_t ip, uint8_t mac[static 6])
{
	/* Locally administered, unicast; the same IP gives the same MAC in
	 * every VAN, which is what the lab wants to show works. */
	mac[0] = 0x02;
	mac[1] = 0x00;
	mac[2] = (uint8_t)(ip >> 24);
	mac[3] = (uint8_t)(ip >> 16);
	mac[4] = (uint8_t)(ip >> 8);
	mac[5] = (uint8_t)ip;
}

uint32_t
lab_probe_addr(unsigned v)
{
	return LAB_PROBE_NET + v + 1;
}

uint32_t
lab_underlay_mtu(const struct lab *lab)
{
	uint32_t need = lab->mtu + LAB_UNDERLAY_OVERHEAD;

	if (lab->underlay_mtu != 0)
		return lab->underlay_mtu;
	return need > 1500 ? need : 1500;
}

char *
lab_ip6_str(const struct lab_vm *vm, char buf[static 46])
{
	if (inet_ntop(AF_INET6, vm->ip6, buf, 46) == NULL)
		snprintf(buf, 46, "?");
	return buf;
}

bool
lab_prefix_ok(const char *s)
{
	size_t n = strlen(s), i;

	if (n == 0 || n >= LAB_PREFIX_MAX)
		return false;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9')))
			return false;
	return true;
}

/* ---------------------------------------------------------------- names --- */

void
lab_ns_host(const struct lab *lab, const char *prefix, unsigned h,
    char out[static LAB_NS_MAX])
{
	snprintf(out, LAB_NS_MAX, "%s-%s-%s", prefix,
	    lab->site[lab->host[h].site].name, lab->host[h].name);
}

void
lab_ns_switch(const struct lab *lab, const char *prefix, unsigned s,
    char out[static LAB_NS_MAX])
{
	snprintf(out, LAB_NS_MAX, "%s-%s-sw", prefix, lab->site[s].name);
}

void
lab_ns_vm(const struct lab *lab, const char *prefix, unsigned v,
    char out[static LAB_NS_MAX])
{
	snprintf(out, LAB_NS_MAX, "%s-%s", prefix, lab->vm[v].name);
}

void
lab_tap(const struct lab *lab, unsigned v, char out[static LAB_IFNAMSIZ])
{
	snprintf(out, LAB_IFNAMSIZ, "t-%s", lab->vm[v].name);
}

int
lab_find_site(const struct lab *lab, const char *name)
{
	unsigned i;

	for (i = 0; i < lab->nsites; i++)
		if (strcmp(lab->site[i].name, name) == 0)
			return (int)i;
	return -1;
}

int
lab_find_host(const struct lab *lab, const char *name)
{
	unsigned i;

	for (i = 0; i < lab->nhosts; i++)
		if (strcmp(lab->host[i].name, name) == 0)
			return (int)i;
	return -1;
}

int
lab_find_vm(const struct lab *lab, const char *name)
{
	unsigned i;

	for (i = 0; i < lab->nvms; i++)
		if (strcmp(lab->vm[i].name, name) == 0)
			return (int)i;
	return -1;
}

int
lab_find_van(const struct lab *lab, const char *name)
{
	unsigned i;

	for (i = 0; i < lab->nvans; i++)
		if (strcmp(lab->van[i].name, name) == 0)
			return (int)i;
	return -1;
}

unsigned
lab_site_peers(const struct lab *lab, unsigned h)
{
	unsigned i, n = 0;

	for (i = 0; i < lab->nhosts; i++)
		if (i != h && lab->host[i].site == lab->host[h].site)
			n++;
	return n;
}

bool
lab_host_in_van(const struct lab *lab, unsigned h, unsigned van)
{
	unsigned v;

	for (v = 0; v < lab->nvms; v++)
		if (lab->vm[v].host == h && lab->vm[v].van == van)
			return true;
	return false;
}

unsigned
lab_van_peers(const struct lab *lab, unsigned h, unsigned van)
{
	unsigned i, n = 0;

	for (i = 0; i < lab->nhosts; i++)
		if (i != h && lab->host[i].site == lab->host[h].site &&
		    lab_host_in_van(lab, i, van))
			n++;
	return n;
}
