/*
 * fuzz_arpnd.c — libFuzzer harness for the ARP / ND proxy packets, which
 * parse what VMs send.  Input: one byte of binding flags, six bytes of the
 * binding's MAC, then a frame.  Every frame is classified without reading
 * out of bounds, and what it says must be self-consistent (nothing gleaned
 * or answerable from ARPND_OTHER; a gleaned binding is one the table would
 * take).  When the frame is answerable, the answer from a binding for its
 * target must be built (unless the binding is the asker's own MAC), must
 * classify back as the reply / NA that teaches exactly that binding, with
 * the same VLAN tag, its NA checksum must verify by a naive sum, and one
 * byte less room must refuse it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "edge/van/arpnd.h"
#include "edge/van/neigh.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint16_t
naive_icmp6(const uint8_t *ip, size_t len)
{
	uint32_t sum = 58 + (uint32_t)len;
	size_t i;

	for (i = 8; i < 40; i += 2)
		sum += (uint32_t)(ip[i] << 8 | ip[i + 1]);
	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(ip[40 + i] << 8 | ip[40 + i + 1]);
	if (len & 1)
		sum += (uint32_t)(ip[40 + len - 1] << 8);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void
check_answer(const struct arpnd_pkt *p, const struct neigh_entry *e, const uint8_t *out,
    size_t n)
{
	struct arpnd_pkt back;
	enum arpnd_kind k = arpnd_classify(out, n, &back);
	size_t l3 = p->tagged ? 18 : 14;
	unsigned want_flags = 0;

	if (!back.glean || back.tagged != p->tagged || back.tci != p->tci ||
	    memcmp(back.glean_mac, e->mac, 6) != 0 ||
	    back.glean_ip.family != p->target.family ||
	    memcmp(back.glean_ip.bytes, p->target.bytes, 16) != 0 ||
	    memcmp(out, p->src_mac, 6) != 0 || memcmp(out + 6, e->mac, 6) != 0)
		abort();
	if (p->kind == ARPND_ARP_REQUEST) {
		if (k != ARPND_ARP_REPLY || n < ARPND_ETH_MIN ||
		    memcmp(out + l3 + 24, p->src_ip.bytes, 4) != 0)
			abort();
		return;
	}
	if (k != ARPND_NA || n != l3 + 72 || naive_icmp6(out + l3, 32) != 0 ||
	    memcmp(out + l3 + 24, p->src_ip.bytes, 16) != 0)
		abort();
	want_flags = (e->flags & NEIGH_F_ROUTER) ? NEIGH_L_ROUTER : NEIGH_L_HOST;
	if (e->flags & NEIGH_F_WEAK)
		want_flags |= NEIGH_L_WEAK;
	if (back.glean_flags != want_flags)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arpnd_pkt p;
	struct neigh_entry e;
	uint8_t out[ARPND_ANSWER_MAX], *frame;
	enum arpnd_kind k;
	size_t len, n;

	if (size < 7 || size - 7 > WIRE_FRAME_MAX)
		return 0;
	len = size - 7;
	frame = malloc(len ? len : 1);		/* exactly len: ASan sees over-reads */
	memcpy(frame, data + 7, len);

	k = arpnd_classify(frame, len, &p);
	if (p.kind != k || (k == ARPND_OTHER && (p.glean || p.answerable)) ||
	    (p.answerable && k != ARPND_ARP_REQUEST && k != ARPND_NS))
		abort();
	if (p.glean && (!neigh_addr_valid(&p.glean_ip) || eth_is_multicast(p.glean_mac) ||
	    eth_is_zero(p.glean_mac)))
		abort();

	memset(&e, 0, sizeof(e));
	e.van = 1;
	e.kind = NEIGH_LOCAL;
	e.flags = data[0] & (NEIGH_F_ROUTER | NEIGH_F_WEAK);
	memcpy(e.mac, data + 1, 6);
	e.mac[0] &= 0xfe;
	if (eth_is_zero(e.mac))
		e.mac[5] = 1;
	e.addr = p.target;
	n = arpnd_answer(&p, &e, out, sizeof(out));
	if (!p.answerable || memcmp(e.mac, p.src_mac, 6) == 0) {
		if (n != 0)
			abort();
	} else {
		if (n == 0 || n > sizeof(out) || arpnd_answer(&p, &e, out, n - 1) != 0 ||
		    arpnd_answer(&p, &e, out, n) != n)
			abort();
		check_answer(&p, &e, out, n);
	}
	free(frame);
	return 0;
}
