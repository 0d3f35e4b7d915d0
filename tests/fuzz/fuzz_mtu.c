/*
 * fuzz_mtu.c — libFuzzer harness for MSS clamping and the "too big"
 * answers, which parse what VMs send.  Input: frame_max (2 bytes,
 * big-endian), then a frame.  Nothing may be read or written out of
 * bounds; a clamp changes only TCP header bytes, keeps a verifying TCP
 * checksum verifying (naive RFC 1071 sum), is done after one pass, and
 * with csum_partial differs from the full clamp only in the checksum
 * field, which it leaves alone; an answer is built only for an oversize
 * frame, is no larger than MTU_ICMP_MAX, is refused with one byte less
 * room, parses as ICMP "fragmentation needed" / ICMPv6 "packet too big"
 * with the MTU of mtu_vm_mtu(), swapped addresses, checksums that verify
 * and a quote of the original datagram.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "edge/van/mtu.h"
#include "edge/van/offload.h"
#include "tests/unit/frames.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FRAME_CAP	(WIRE_FRAME_MAX * 2)

static void
check_clamp(const uint8_t *orig, size_t len, size_t frame_max)
{
	uint8_t *a = malloc(len ? len : 1), *b = malloc(len ? len : 1);
	struct tcp_layout lay;
	bool parsed = offload_tcp_layout(orig, len, &lay), ok_before, changed, pchanged;
	size_t i;

	memcpy(a, orig, len);
	memcpy(b, orig, len);
	ok_before = parsed && frames_tcp_ok(orig, len, lay.l3);
	changed = mtu_clamp_mss(a, len, frame_max, false);
	pchanged = mtu_clamp_mss(b, len, frame_max, true);
	if (changed != pchanged || (changed && !parsed))
		abort();
	for (i = 0; i < len; i++) {
		if (a[i] != orig[i] && (!changed || i < lay.l4 || i >= lay.payload))
			abort();
		/* partial: the same, but for the checksum field, left alone */
		if (parsed && (i == lay.l4 + 16u || i == lay.l4 + 17u)) {
			if (b[i] != orig[i])
				abort();
		} else if (b[i] != a[i])
			abort();
	}
	if (changed && ok_before && !frames_tcp_ok(a, len, lay.l3))
		abort();
	if (mtu_clamp_mss(a, len, frame_max, false))
		abort();
	free(a);
	free(b);
}

static void
check_answer(const uint8_t *orig, size_t len, size_t frame_max, const uint8_t *out,
    size_t n)
{
	bool tagged = frames_be16(orig + 12) == 0x8100;
	size_t l3 = tagged ? 18 : 14;
	unsigned mtu = mtu_vm_mtu(frame_max, tagged);
	const uint8_t *ip = out + l3, *oip = orig + l3;
	size_t quote;

	if (len <= frame_max || n > MTU_ICMP_MAX || n < l3 + 28 ||
	    memcmp(out, orig + 6, 6) != 0 || memcmp(out + 6, orig, 6) != 0 ||
	    memcmp(out + 12, orig + 12, l3 - 12) != 0)
		abort();
	if (frames_be16(out + l3 - 2) == 0x0800) {
		size_t tot = frames_be16(ip + 2);

		quote = n - l3 - 28;
		if (tot != n - l3 || tot > MTU_ICMP4_MAX || ip[0] != 0x45 ||
		    frames_csum(ip, 20, 0) != 0 || ip[9] != 1 ||
		    ip[20] != 3 || ip[21] != 4 || frames_be16(ip + 26) != mtu ||
		    frames_csum(ip + 20, tot - 20, 0) != 0 ||
		    memcmp(ip + 12, oip + 16, 4) != 0 || memcmp(ip + 16, oip + 12, 4) != 0 ||
		    memcmp(ip + 28, oip, quote) != 0)
			abort();
	} else if (frames_be16(out + l3 - 2) == 0x86dd) {
		size_t plen = frames_be16(ip + 4);

		if (n < l3 + 48)
			abort();
		quote = n - l3 - 48;
		if (plen + 40 != n - l3 || plen + 40 > MTU_IP6_MIN || ip[6] != 58 ||
		    ip[40] != 2 || ip[41] != 0 ||
		    ((uint32_t)frames_be16(ip + 44) << 16 | frames_be16(ip + 46)) != mtu ||
		    frames_l4_csum(ip, true, ip + 40, plen, 58) != 0 ||
		    memcmp(ip + 8, oip + 24, 16) != 0 || memcmp(ip + 24, oip + 8, 16) != 0 ||
		    memcmp(ip + 48, oip, quote) != 0)
			abort();
	} else
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t out[MTU_ICMP_MAX], again[MTU_ICMP_MAX];
	uint8_t *frame;
	size_t len, frame_max, n;

	if (size < 2 || size - 2 > FRAME_CAP)
		return 0;
	frame_max = frames_be16(data);
	len = size - 2;
	frame = malloc(len ? len : 1);		/* exactly len: ASan sees over-reads */
	memcpy(frame, data + 2, len);

	check_clamp(frame, len, frame_max);
	n = mtu_too_big(frame, len, frame_max, out, sizeof(out));
	if (n > 0) {
		check_answer(frame, len, frame_max, out, n);
		if (mtu_too_big(frame, len, frame_max, again, n - 1) != 0 ||
		    mtu_too_big(frame, len, frame_max, again, n) != n ||
		    memcmp(out, again, n) != 0)
			abort();
	}
	free(frame);
	return 0;
}
