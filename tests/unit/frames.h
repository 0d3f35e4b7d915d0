/*
 * frames.h — what the packet tests share (test_arpnd, test_mtu,
 * test_offload, test_resume, and the fuzz_mtu harness): Ethernet, IPv4,
 * IPv6, TCP, UDP and ND frames built field by field, and the Internet
 * checksum summed the slow way (RFC 1071: big-endian 16-bit words, folded
 * at the end) — independently of edge/van/offload.c's sum, which these
 * tests check.
 *
 * Test code, not cmocka's: it asserts nothing (a fuzz harness links it
 * too).  A builder writes its header at the pointer it is given and
 * returns the header's length; the caller sizes the buffer.  Offsets
 * (l3: the IP header) are from the frame's first byte.
 */
#ifndef TESTS_UNIT_FRAMES_H
#define TESTS_UNIT_FRAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FRAMES_ETH_LEN	14
#define FRAMES_IP4_LEN	20
#define FRAMES_IP6_LEN	40
#define FRAMES_TCP_LEN	20	/* without options */
#define FRAMES_UDP_LEN	8

uint16_t frames_be16(const uint8_t *);
uint32_t frames_be32(const uint8_t *);

/* ---------------------------------------------------------- checksums --- */

/* sum plus the 16-bit big-endian words of p (an odd last byte padded). */
uint32_t frames_sum(const uint8_t *p, size_t len, uint32_t sum);
/* Folded and complemented: what a checksum field holds; 0 over a whole
 * message whose checksum is right. */
uint16_t frames_fold(uint32_t sum);
/* frames_fold(frames_sum(p, len, sum)). */
uint16_t frames_csum(const uint8_t *p, size_t len, uint32_t sum);
/* The pseudo-header's sum for l4len bytes of proto above IP header ip. */
uint32_t frames_pseudo(const uint8_t *ip, bool v6, size_t l4len, uint8_t proto);
/* The checksum over l4len bytes at l4 with ip's pseudo-header (0: right). */
uint16_t frames_l4_csum(const uint8_t *ip, bool v6, const uint8_t *l4,
	    size_t l4len, uint8_t proto);
/*
 * Does the TCP checksum of the frame verify?  IP at l3 (IPv4 by its IHL,
 * IPv6 with TCP right after its header), the segment's end by the IP
 * length; false when that is not within len.
 */
bool	frames_tcp_ok(const uint8_t *f, size_t len, size_t l3);
/* Write the IPv4 header checksum of ip (its IHL). */
void	frames_fix_ip4(uint8_t *ip);
/* Write the TCP checksum of the frame (IP at l3, as frames_tcp_ok reads
 * it); false, nothing written, when the segment is not within len. */
bool	frames_fix_tcp(uint8_t *f, size_t len, size_t l3);
/*
 * Write the checksum of the ICMPv6 message right after the IPv6 header at
 * l3, over the header's payload length, whatever its version and next
 * header say (a test may have changed them); false, nothing written, when
 * the message is not within len.
 */
bool	frames_fix_icmp6(uint8_t *f, size_t len, size_t l3);

/* ----------------------------------------------------------- builders --- */

size_t	frames_eth(uint8_t *f, const uint8_t dst[static 6], const uint8_t src[static 6],
	    uint16_t type);
/* 20 bytes: no options, DF, TTL 64, its checksum; l4len bytes follow. */
size_t	frames_ip4(uint8_t *ip, uint8_t proto, uint16_t id, const uint8_t src[static 4],
	    const uint8_t dst[static 4], size_t l4len);
/* 40 bytes, traffic class and flow label 0; l4len bytes follow. */
size_t	frames_ip6(uint8_t *ip, uint8_t next, uint8_t hlim, const uint8_t src[static 16],
	    const uint8_t dst[static 16], size_t l4len);
/*
 * 20 bytes and the options (optlen a multiple of 4); checksum 0: fill it
 * with frames_fix_tcp once the payload is in.
 */
size_t	frames_tcp(uint8_t *tcp, uint16_t sport, uint16_t dport, uint32_t seq,
	    uint32_t ack, uint8_t flags, uint16_t window, const uint8_t *opts,
	    size_t optlen);
/* 8 bytes, checksum 0; paylen bytes follow. */
size_t	frames_udp(uint8_t *udp, uint16_t sport, uint16_t dport, size_t paylen);
/*
 * A whole untagged ND frame (RFC 4861): ICMPv6 type with its first flags
 * byte, the target (but for a Router Advertisement, type 134) and optlen
 * bytes of options; hop limit 255, checksum filled.  Its length.
 */
size_t	frames_nd(uint8_t *f, const uint8_t edst[static 6], const uint8_t esrc[static 6],
	    const uint8_t src[static 16], const uint8_t dst[static 16], uint8_t type,
	    uint8_t flags, const uint8_t target[static 16], const uint8_t *opts,
	    size_t optlen);
/* The payload the tests fill: byte i is i * 7 + 3. */
void	frames_pattern(uint8_t *p, size_t len);

#endif /* TESTS_UNIT_FRAMES_H */
