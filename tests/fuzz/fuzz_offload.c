/*
 * fuzz_offload.c — libFuzzer harness for the offload code, which parses
 * frames that VMs write to their taps: a virtio_net_hdr (10 bytes) and a
 * frame.  Nothing may read or write out of bounds; when a super-frame is
 * cut, every segment must parse as TCP and GRO must merge them back to the
 * same number of payload bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "edge/van/offload.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define OUT_CAP	(OFFLOAD_SEGS_MAX * 2048)

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t *out, *gbuf;
	struct vnet_hdr h;
	struct tcp_layout lay, orig;
	struct gro g;
	uint8_t *frame;
	size_t len, stride, last, i, payload = 0, merged = 0, takes = 0;
	unsigned n;

	if (size < VNET_HDR_LEN || size - VNET_HDR_LEN > OFFLOAD_FRAME_MAX)
		return 0;
	if (out == NULL) {
		out = malloc(OUT_CAP);
		gbuf = malloc(OFFLOAD_FRAME_MAX + VNET_HDR_LEN);
	}
	vnet_hdr_get(data, &h);
	len = size - VNET_HDR_LEN;
	frame = malloc(len ? len : 1);
	memcpy(frame, data + VNET_HDR_LEN, len);

	(void)offload_segs(frame, len, &h);
	n = offload_tso(frame, len, &h, out, OUT_CAP, 4, &stride, &last);
	gro_init(&g, gbuf);
	for (i = 0; i < n; i++) {
		uint8_t *s = out + i * stride + 4;
		size_t slen = (i + 1 < n ? stride : last) - 4;

		if (!offload_tcp_layout(s, slen, &lay))
			abort();
		payload += slen - lay.payload;
		/* Segments of one super-frame always continue one flow. */
		switch (gro_add(&g, s, slen)) {
		case GRO_NO:
			merged += gro_take(&g) - VNET_HDR_LEN;
			takes++;
			if (gro_add(&g, s, slen) != GRO_STARTED)
				abort();
			break;
		case GRO_PLAIN:
			merged += slen;		/* e.g. a segment without payload */
			takes++;
			break;
		default:
			break;
		}
	}
	if (!gro_empty(&g)) {
		merged += gro_take(&g) - VNET_HDR_LEN;
		takes++;
	}
	if (n > 0) {
		if (!offload_tcp_layout(frame, len, &orig) || payload != len - orig.payload ||
		    merged != payload + takes * orig.payload)
			abort();
	}
	/* GRO takes a frame only with its TCP payload inside its IP packet
	 * inside the frame: what it keeps is never longer than the frame. */
	if (gro_add(&g, frame, len) == GRO_STARTED &&
	    (!offload_tcp_layout(frame, len, &lay) || g.len > len || g.mss == 0 ||
	    g.mss > len - lay.payload))
		abort();
	if (!gro_empty(&g))
		(void)gro_take(&g);
	(void)offload_csum(frame, len, h.csum_start, h.csum_offset);
	free(frame);
	return 0;
}
