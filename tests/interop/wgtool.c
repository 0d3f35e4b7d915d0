/*
 * wgtool.c — packet tools for the interop scenarios (tests/interop/run.sh),
 * run inside a test namespace:
 *
 *   wgtool replay IFACE PORT COUNT TIMEOUT_S
 *       Capture the first WireGuard transport message carrying data (type
 *       4, longer than a keepalive) that leaves IFACE for UDP port PORT,
 *       and send that exact frame COUNT more times: a replay by the
 *       network, byte for byte.  The UDP checksum is cleared (a captured
 *       outgoing frame may hold a partial, offloaded checksum; zero means
 *       "none" in IPv4).  Exit 0 once sent, 1 on timeout.
 *
 *   wgtool flood HOST PORT PUBKEY SECONDS BURST INTERVAL_MS
 *       Send BURST handshake initiations with a valid mac1 for PUBKEY (the
 *       responder's base64 public key) every INTERVAL_MS for SECONDS: junk
 *       the responder must queue and work on, which is what puts
 *       wireguard-go "under load" (>= 128 queued handshakes).  The cookie
 *       replies that come back are the responder's proof that it is under
 *       load: the first one is announced at once, and at the end (after
 *       SECONDS, or on SIGTERM) the CLOCK_MONOTONIC times of the first
 *       and last one are printed (same clock and format as wgpeer's log),
 *       so a script can tell that load lasted across an event, and every
 *       0.5 s a progress line "at TIME: N cookie replies"; exit 0.
 *
 * Test code: I/O only, with crypto/ for the mac1 of the flood.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "crypto/hash.h"
#include "crypto/key.h"
#include "crypto/wg.h"

static volatile sig_atomic_t stop;

static void
on_term(int sig)
{
	(void)sig;
	stop = 1;
}

static double
now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static uint16_t
ip_checksum(const uint8_t *p, size_t len)
{
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* A frame that is IPv4/UDP to port with a WireGuard data message? */
static bool
is_data_to(uint8_t *f, size_t len, uint16_t port, size_t *ip_off,
    size_t *udp_off)
{
	size_t ihl, ulen;
	uint8_t *u;

	if (len < 14 + 20 || f[12] != 0x08 || f[13] != 0x00 || f[14] >> 4 != 4)
		return false;
	ihl = (size_t)(f[14] & 0xf) * 4;
	if (ihl < 20 || len < 14 + ihl + 8 || f[14 + 9] != IPPROTO_UDP)
		return false;
	u = f + 14 + ihl;
	ulen = (size_t)(u[4] << 8 | u[5]);
	if ((u[2] << 8 | u[3]) != port || ulen < 8 + WG_TRANSPORT_MIN_LEN + 1 ||
	    14 + ihl + ulen > len)
		return false;
	if (u[8] != WG_MSG_TRANSPORT || u[9] || u[10] || u[11])
		return false;
	*ip_off = 14;
	*udp_off = 14 + ihl;
	return true;
}

static int
cmd_replay(char **argv)
{
	const char *ifname = argv[0];
	uint16_t port = (uint16_t)atoi(argv[1]);
	int count = atoi(argv[2]), i;
	double deadline = now_s() + atof(argv[3]);
	struct sockaddr_ll sll;
	struct pollfd pfd;
	uint8_t frame[2048];
	size_t ip_off, udp_off, ihl;
	socklen_t sl;
	ssize_t n;
	int fd;
	unsigned ifindex = if_nametoindex(ifname);

	if (ifindex == 0) {
		fprintf(stderr, "wgtool: no interface %s\n", ifname);
		return 1;
	}
	fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
	if (fd == -1) {
		perror("wgtool: AF_PACKET");
		return 1;
	}
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_P_ALL);
	sll.sll_ifindex = (int)ifindex;
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)) == -1) {
		perror("wgtool: bind");
		return 1;
	}
	pfd.fd = fd;
	pfd.events = POLLIN;
	for (;;) {
		double left = deadline - now_s();

		if (left <= 0) {
			fprintf(stderr, "wgtool: no data message to port %u seen "
			    "on %s\n", (unsigned)port, ifname);
			close(fd);
			return 1;
		}
		if (poll(&pfd, 1, (int)(left * 1000) + 1) <= 0)
			continue;
		sl = sizeof(sll);
		n = recvfrom(fd, frame, sizeof(frame), MSG_DONTWAIT,
		    (struct sockaddr *)&sll, &sl);
		if (n > 0 && sll.sll_pkttype == PACKET_OUTGOING &&
		    is_data_to(frame, (size_t)n, port, &ip_off, &udp_off))
			break;
	}
	/* UDP checksum 0 (none); IPv4 header checksum recomputed. */
	frame[udp_off + 6] = frame[udp_off + 7] = 0;
	ihl = udp_off - ip_off;
	frame[ip_off + 10] = frame[ip_off + 11] = 0;
	{
		uint16_t c = ip_checksum(frame + ip_off, ihl);

		frame[ip_off + 10] = (uint8_t)(c >> 8);
		frame[ip_off + 11] = (uint8_t)c;
	}
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_ifindex = (int)ifindex;
	sll.sll_halen = ETH_ALEN;
	memcpy(sll.sll_addr, frame, ETH_ALEN);
	for (i = 0; i < count; i++)
		if (sendto(fd, frame, (size_t)n, 0, (struct sockaddr *)&sll,
		    sizeof(sll)) != n) {
			perror("wgtool: sendto");
			close(fd);
			return 1;
		}
	{
		unsigned long long ctr = 0;

		for (i = 7; i >= 0; i--)
			ctr = ctr << 8 | frame[udp_off + 8 + 8 + (size_t)i];
		printf("wgtool: captured a %zd-byte data message to port %u "
		    "(counter %llu), sent it %d more time(s)\n",
		    n - (ssize_t)udp_off - 8, (unsigned)port, ctr, count);
	}
	close(fd);
	return 0;
}

static int
cmd_flood(char **argv)
{
	struct sockaddr_in to;
	struct wg_key pub;
	struct hash_part parts[2];
	uint8_t key[WG_HASH_LEN], msg[WG_INITIATION_LEN], back[256];
	double end = now_s() + atof(argv[3]);
	int burst = atoi(argv[4]), interval = atoi(argv[5]), fd, i;
	unsigned long long sent = 0, cookies = 0;
	double first = 0, last = 0, report = now_s() + 0.5;
	struct mmsghdr *mm;
	struct iovec iov;
	ssize_t n;

	memset(&to, 0, sizeof(to));
	to.sin_family = AF_INET;
	to.sin_port = htons((uint16_t)atoi(argv[1]));
	if (inet_pton(AF_INET, argv[0], &to.sin_addr) != 1 ||
	    !key_from_base64(&pub, argv[2], strlen(argv[2])) || burst < 1 ||
	    burst > 4096 || interval < 1) {
		fprintf(stderr, "wgtool: bad flood arguments\n");
		return 2;
	}
	/* An initiation that passes mac1 and nothing else. */
	randombytes_buf(msg, sizeof(msg));
	msg[0] = WG_MSG_INITIATION;
	msg[1] = msg[2] = msg[3] = 0;
	parts[0] = (struct hash_part){ WG_LABEL_MAC1, 8 };
	parts[1] = (struct hash_part){ pub.b, WG_KEY_LEN };
	if (hash_blake2s(key, parts, 2) != 0 ||
	    hash_mac(msg + WG_INITIATION_MAC1_OFF, key, sizeof(key), msg,
	    WG_INITIATION_MAC1_OFF) != 0)
		return 1;
	memset(msg + WG_INITIATION_MAC2_OFF, 0, WG_MAC_LEN);

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	if (fd == -1 || connect(fd, (struct sockaddr *)&to, sizeof(to)) == -1) {
		perror("wgtool: socket");
		return 1;
	}
	mm = calloc((size_t)burst, sizeof(*mm));
	if (mm == NULL)
		return 1;
	iov.iov_base = msg;
	iov.iov_len = sizeof(msg);
	for (i = 0; i < burst; i++) {
		mm[i].msg_hdr.msg_iov = &iov;
		mm[i].msg_hdr.msg_iovlen = 1;
	}
	signal(SIGTERM, on_term);
	signal(SIGINT, on_term);
	while (!stop && now_s() < end) {
		double next = now_s() + interval / 1000.0;
		int done = 0;

		while (done < burst) {
			int r = sendmmsg(fd, mm + done, (unsigned)(burst - done), 0);

			if (r <= 0)
				break;
			done += r;
		}
		sent += (unsigned long long)done;
		do {
			while ((n = recv(fd, back, sizeof(back), 0)) > 0) {
				if (n != WG_COOKIE_REPLY_LEN ||
				    back[0] != WG_MSG_COOKIE)
					continue;
				last = now_s();
				if (cookies++ == 0) {
					first = last;
					printf("wgtool: under load: first cookie "
					    "reply at %.3f\n", first);
				}
			}
			poll(NULL, 0, 1);
			if (now_s() >= report) {
				report += 0.5;
				printf("wgtool: at %.3f: %llu cookie replies\n",
				    now_s(), cookies);
			}
		} while (!stop && now_s() < next);
	}
	printf("wgtool: flood sent %llu initiations, got %llu cookie replies, "
	    "first at %.3f, last at %.3f\n", sent, cookies, first, last);
	free(mm);
	close(fd);
	return 0;
}

int
main(int argc, char **argv)
{
	if (sodium_init() < 0)
		return 1;
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 6 && strcmp(argv[1], "replay") == 0)
		return cmd_replay(argv + 2);
	if (argc == 8 && strcmp(argv[1], "flood") == 0)
		return cmd_flood(argv + 2);
	fprintf(stderr, "usage: wgtool replay IFACE PORT COUNT TIMEOUT_S\n"
	    "       wgtool flood HOST PORT PUBKEY SECONDS BURST INTERVAL_MS\n");
	return 2;
}
