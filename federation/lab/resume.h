/*
 * resume.h — the frames a VM sends the moment it runs on a new host after a
 * live migration, so that the network finds it there: a gratuitous ARP for
 * its IPv4 address and, when it has one, an unsolicited Neighbor
 * Advertisement for its IPv6 address (what Linux guests send on a
 * "notify peers" after they resume, RFC 5227 §3 and RFC 4861 §7.2.6).
 * `vanlab migrate` builds them here and sends them from the VM's eth0
 * (netns_send_frames); the time of the first is the VM's first frame on
 * its new host.
 *
 * Pure: byte arithmetic into the caller's buffer, no syscalls.
 */
#ifndef FEDERATION_LAB_RESUME_H
#define FEDERATION_LAB_RESUME_H

#include <stddef.h>
#include <stdint.h>

#define RESUME_GARP_LEN		60	/* ARP in the Ethernet minimum, no FCS */
#define RESUME_UNA_LEN		(14 + 40 + 24 + 8)	/* Ethernet, IPv6, NA, TLLA */
#define RESUME_FRAME_MAX	RESUME_UNA_LEN

/*
 * A gratuitous ARP as Linux sends it: a broadcast request "who-has IP tell
 * IP" from mac, target hardware address zero.  ip in host order.  Returns
 * RESUME_GARP_LEN, or 0 if cap is too small.
 */
size_t	resume_garp(const uint8_t mac[static 6], uint32_t ip, uint8_t *out, size_t cap);

/*
 * An unsolicited Neighbor Advertisement for ip6 from mac: to all nodes
 * (ff02::1, 33:33:00:00:00:01) from ip6 itself, hop limit 255, flags
 * R=0 S=0 O=1 (it overrides the old binding), a Target Link-Layer Address
 * option, the ICMPv6 checksum.  Returns RESUME_UNA_LEN, or 0 if cap is too
 * small.
 */
size_t	resume_una(const uint8_t mac[static 6], const uint8_t ip6[static 16],
	    uint8_t *out, size_t cap);

#endif /* FEDERATION_LAB_RESUME_H */
