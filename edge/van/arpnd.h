/*
 * arpnd.h — the packets of the ARP / ND proxy (design §4): classify an
 * Ethernet frame a local port sent, say what it teaches about which
 * address uses which MAC, and build the answer an edge sends in place of
 * flooding a question it can answer from its neighbour table (neigh.h).
 *
 * What is answered: a broadcast ARP request "who-has T tell S" (RFC 826)
 * and a Neighbor Solicitation sent to T's solicited-node multicast address
 * (RFC 4861 §7.2.3) for a T that is not link-local, both from a unicast
 * sender with a configured address.  The answer is what T itself would
 * send: an ARP reply or a solicited NA from T's MAC and address, unicast
 * to the asker.
 *
 * What is gleaned (address -> MAC, for neigh_learn): the sender of ARP
 * requests, replies and gratuitous ARPs; the source of an NS with a
 * Source Link-Layer Address option; the target of an NA with a Target
 * Link-Layer Address option (R=1: NEIGH_L_ROUTER, else NEIGH_L_HOST;
 * O=0: NEIGH_L_WEAK); the link-local source of a Router Advertisement
 * with a source option (NEIGH_L_ROUTER).
 *
 * What is not answered, and why (the caller forwards these as usual):
 *   - ARP probes (sender IP 0.0.0.0, RFC 5227) and DAD solicitations (IPv6
 *     source ::, RFC 4862 §5.4): the question is "does anyone use T?", and
 *     only the node that really holds T may say yes.  The table keeps a
 *     binding until the MAC is removed — it does not age — so answering
 *     from it could make a node that legitimately takes T over (or the
 *     same VM rebooted, asking for its own address) declare a duplicate.
 *   - NSs for link-local targets (fe80::/10): that is how hosts reach
 *     their default routers (RFC 4861 §6.3.4), and an NA whose R flag is
 *     wrong makes the asker drop the router from its default router list
 *     (§7.2.5).  The table cannot always know R: a LEARN carries no router
 *     bit, and a router is known as one only once its RA or NA has passed
 *     this edge.  Flooding these few costs little.
 *   - unicast ARP requests and unicast NSs: Linux and RFC 4861 §7.3 use
 *     them to check that a known neighbour is still reachable; answering
 *     for T would hide T's death.  They reach T as any unicast frame.
 *   - gratuitous ARPs (sender IP = target IP, request or reply) and NAs:
 *     announcements, not questions; they are gleaned.
 *   - a question whose binding has the asker's own MAC (the asker would be
 *     told that it holds the address itself): arpnd_answer refuses it.
 *   - frames from a multicast or zero source MAC, ARP whose sender MAC
 *     differs from the Ethernet source, NS/NA whose link-layer option
 *     differs from it: ignored (ARPND_OTHER), neither gleaned nor
 *     answered — the bridge checks the Ethernet source of a port, so the
 *     option must agree with it to be believed.
 *   - IPv6 with extension headers before ICMPv6 (ND never carries them),
 *     ND with a hop limit other than 255, a bad checksum, code not 0,
 *     a zero-length or truncated option, a multicast target, a
 *     link-layer option of a length other than 1 (8 bytes) or given twice,
 *     an NS from :: carrying a source link-layer option or not sent to the
 *     target's solicited-node address, a multicast NS not sent to that
 *     address, an NA to a multicast address with S set (RFC 4861 §7.1):
 *     ARPND_OTHER.  Only 802.1Q single tags (0x8100) are looked through.
 *
 * The answer NA: R as the table says (NEIGH_F_ROUTER; hosts find their
 * default routers by link-local address, which is not answered, above);
 * S=1 (it answers a solicitation from a unicast address); O=1,
 * as T itself would set it — the asker's entry is INCOMPLETE when it
 * multicasts an NS, and our table is the only answer it gets since the
 * question is not flooded, so there is no competing answer to defer to —
 * except O=0 when the binding was only learnt from NAs without Override
 * (NEIGH_F_WEAK: anycast addresses, other proxies), passing on what they
 * said.  Hop limit 255, a Target Link-Layer Address option, the ICMPv6
 * checksum.  ARP answers are padded to 60 bytes (the Ethernet minimum).
 *
 * Tagged frames are answered with the same tag.  The neighbour table has
 * no VLAN dimension (a LEARN carries none): VMs that reuse addresses in
 * several VLANs of one VAN must not be proxied.
 *
 * Pure: byte arithmetic on caller buffers; no syscalls, no allocation.
 */
#ifndef EDGE_VAN_ARPND_H
#define EDGE_VAN_ARPND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "edge/van/wire.h"

struct neigh_entry;

#define ARPND_ARP_LEN		28	/* ARP for IPv4 over Ethernet */
#define ARPND_ETH_MIN		60	/* Ethernet minimum without FCS */
#define ARPND_NA_LEN		(ETH_HDR_LEN + 40 + 24 + 8)	/* 86 */
/* Room that every answer fits in, tagged or not. */
#define ARPND_ANSWER_MAX	(ARPND_NA_LEN + 4)

enum arpnd_kind {
	ARPND_OTHER = 0,	/* not ARP/ND, malformed or ignored: forward as usual */
	ARPND_ARP_REQUEST,	/* who-has T tell S: glean S; answer if answerable */
	ARPND_ARP_REPLY,	/* a reply or a gratuitous ARP: glean the sender */
	ARPND_ARP_PROBE,	/* RFC 5227 probe (sender 0.0.0.0): nothing */
	ARPND_NS,		/* Neighbor Solicitation: glean the source if it
				   has a link-layer option; answer if answerable */
	ARPND_NS_DAD,		/* NS from ::: nothing */
	ARPND_NA,		/* Neighbor Advertisement: glean target + option */
	ARPND_RA,		/* Router Advertisement: glean source + option */
};

struct arpnd_pkt {
	enum arpnd_kind	kind;
	bool		tagged;		/* 802.1Q tag after the MACs */
	uint16_t	tci;		/* its tag control information */
	bool		answerable;	/* ARP_REQUEST / NS that a proxy may answer */
	uint8_t		src_mac[ETH_ALEN];	/* Ethernet source (the asker) */
	struct wire_addr src_ip;	/* ARP sender IP / IPv6 source */
	struct wire_addr target;	/* ARP target IP / ND target */
	bool		glean;		/* glean_ip is bound to glean_mac */
	struct wire_addr glean_ip;
	uint8_t		glean_mac[ETH_ALEN];
	unsigned	glean_flags;	/* NEIGH_L_* for neigh_learn */
};

/*
 * Classify a frame (Ethernet, destination MAC first, no FCS) and fill p
 * (all zero but kind for ARPND_OTHER): returns p->kind.  Everything read
 * is bounds-checked against len.  Cheap for the bulk of traffic: a frame
 * that is not ARP or IPv6 stops at its EtherType, an IPv6 frame that is
 * not ICMPv6 at its fixed header; only ND messages are checksummed.
 */
enum arpnd_kind	arpnd_classify(const uint8_t *frame, size_t len, struct arpnd_pkt *p);

/*
 * Build the answer to an answerable question p with binding e (e->addr
 * must be p->target) into out: an ARP reply or a Neighbor Advertisement,
 * from e->mac to p->src_mac, tagged as p was.  Returns its length, or 0
 * when p is not answerable, e does not match p, e->mac is the asker's,
 * or out (cap bytes; ARPND_ANSWER_MAX always suffices) is too small.
 */
size_t	arpnd_answer(const struct arpnd_pkt *p, const struct neigh_entry *e,
	    uint8_t *out, size_t cap);

const char *arpnd_kind_str(enum arpnd_kind);

#endif /* EDGE_VAN_ARPND_H */
