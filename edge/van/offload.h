/*
 * offload.h — segmentation offloads between taps and the underlay.
 *
 * A tap opened with IFF_VNET_HDR and TSO/checksum offloads hands us TCP
 * "super-frames" of up to 64 KiB with a virtio_net_hdr in front (gso_size
 * = the MSS) and partial checksums; and it takes them back the same way.
 * Inside the site every VAN message carries one ordinary frame no larger
 * than the VM MTU, so:
 *   - from a tap: a super-frame is cut into MSS-sized TCP segments with
 *     complete checksums (offload_tso), laid out for one UDP-GSO send;
 *     a partial checksum of a single frame is completed (offload_csum);
 *   - to a tap: consecutive segments of one TCP flow are merged back into
 *     a super-frame (struct gro), written once with a GSO header.
 * The wire format does not change: any member sees plain frames.
 *
 * Pure: byte arithmetic on caller buffers; no syscalls.
 */
#ifndef EDGE_VAN_OFFLOAD_H
#define EDGE_VAN_OFFLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VNET_HDR_LEN		10	/* struct virtio_net_hdr, little-endian */
#define VNET_F_NEEDS_CSUM	0x01
#define VNET_F_DATA_VALID	0x02
#define VNET_GSO_NONE		0
#define VNET_GSO_TCPV4		1
#define VNET_GSO_TCPV6		4
#define VNET_GSO_ECN		0x80

#define OFFLOAD_FRAME_MAX	(65535 + 14 + 4)	/* IP datagram + Ethernet + VLAN */
#define OFFLOAD_SEGS_MAX	256	/* segments one super-frame may become */

struct vnet_hdr {
	uint8_t		flags;
	uint8_t		gso_type;
	uint16_t	hdr_len;
	uint16_t	gso_size;
	uint16_t	csum_start;
	uint16_t	csum_offset;
};

void	vnet_hdr_get(const uint8_t p[static VNET_HDR_LEN], struct vnet_hdr *);
void	vnet_hdr_put(uint8_t p[static VNET_HDR_LEN], const struct vnet_hdr *);

/* The Internet checksum: a running 32-bit sum and its 16-bit fold. */
uint32_t csum_add(uint32_t sum, const void *, size_t);
uint16_t csum_fold(uint32_t sum);	/* ones' complement of the folded sum */

/* Where the headers of an Ethernet + IPv4/IPv6 + TCP frame are. */
struct tcp_layout {
	uint16_t	l3;		/* IP header */
	uint16_t	l4;		/* TCP header */
	uint16_t	payload;	/* TCP payload */
	bool		v6;
};

/* A plain (no IP options past the header, no IPv6 extension) TCP frame? */
bool	offload_tcp_layout(const uint8_t *frame, size_t len, struct tcp_layout *);

/*
 * Complete a partial checksum in place: the 16 bits at start+offset hold
 * the pseudo-header sum; the checksum covers [start, len).  false when the
 * offsets do not fit the frame (the frame is then left as it was).
 */
bool	offload_csum(uint8_t *frame, size_t len, uint16_t start, uint16_t offset);

/* How many wire segments a frame with this header stands for (1 if plain). */
unsigned offload_segs(const uint8_t *frame, size_t len, const struct vnet_hdr *);

/*
 * Cut a GSO TCP super-frame into segments.  Segment i is written at
 * out + i * stride + prefix (prefix bytes are left for the caller, e.g. a
 * VAN header), stride = prefix + headers + gso_size; every segment has
 * that length but the last (*last_len, prefix included).  Returns the
 * number of segments, or 0 if the frame is not a TCP super-frame we can cut
 * or out is too small.
 */
unsigned offload_tso(const uint8_t *frame, size_t len, const struct vnet_hdr *,
	    uint8_t *out, size_t cap, size_t prefix, size_t *stride, size_t *last_len);

/*
 * Receive-side coalescing into one buffer: [virtio_net_hdr][frame].
 * gro_add takes a frame: it is appended when it continues the flow being
 * built, else the caller must gro_take what is there and gro_add again.
 */
struct gro {
	uint8_t		*buf;		/* OFFLOAD_FRAME_MAX + VNET_HDR_LEN */
	size_t		len;		/* frame bytes in buf after the header */
	struct tcp_layout lay;
	uint32_t	next_seq;
	uint16_t	mss;
	uint16_t	segs;
	bool		closed;		/* last segment was short or PSH/FIN */
};

enum gro_result {
	GRO_STARTED,	/* buffer was empty: it holds this frame now */
	GRO_MERGED,	/* appended */
	GRO_NO,		/* does not continue the flow: take, then add again */
	GRO_PLAIN,	/* not a TCP segment we merge: send it alone */
};

void	gro_init(struct gro *, uint8_t *buf);
enum gro_result gro_add(struct gro *, const uint8_t *frame, size_t len);
bool	gro_empty(const struct gro *);
/* Finish the buffer (header, lengths, checksums) and empty it; bytes to write. */
size_t	gro_take(struct gro *);

#endif /* EDGE_VAN_OFFLOAD_H */
