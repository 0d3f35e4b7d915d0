/*
 * device.c — see device.h.
 *
 * The socket: AF_PACKET, SOCK_RAW, bound to the interface with ETH_P_ALL
 * (created with protocol 0, so it hears nothing of other interfaces before
 * the bind).  PACKET_VNET_HDR gives a guest's TCP super-frames and partial
 * checksums to us, and ours to it, as one unit with the header a tap uses;
 * PACKET_QDISC_BYPASS hands what we send to the driver; PACKET_IGNORE_OUTGOING
 * keeps frames the host sends on the interface out of our reads.  The
 * promiscuous membership is for interfaces that filter by destination (a
 * NIC; a tap or veth does not), and goes with the socket.
 *
 * The fence: libnftables, one transaction per change, chains named
 * "in-IFNAME" and "out-IFNAME" (interface names are 1-15 of A-Z a-z 0-9
 * _ . -, all of which an nft name may hold after a letter).
 */
#include "edge/rim/device.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <nftables/libnftables.h>

#ifndef PACKET_IGNORE_OUTGOING
#define PACKET_IGNORE_OUTGOING	23
#endif

/* Receive buffer: bursts of a guest's super-frames while we are busy. */
#define DEVICE_RCVBUF		(4 << 20)

static int
device_check(int fd, const char *name, const char **err)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.ifr_name, name, strlen(name));
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) == -1) {
		*err = errno == ENODEV ? "no such interface" : "cannot read its flags";
		return -1;
	}
	if (!(ifr.ifr_flags & IFF_UP)) {
		*err = "interface is not up";
		errno = ENETDOWN;
		return -1;
	}
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) == -1) {
		*err = "cannot read its hardware address";
		return -1;
	}
	if (ifr.ifr_hwaddr.sa_family != ARPHRD_ETHER) {
		*err = "not an Ethernet interface";
		errno = EINVAL;
		return -1;
	}
	return 0;
}

bool
device_is_up(const char *name)
{
	struct ifreq ifr;
	int fd;
	bool up;

	if (strlen(name) == 0 || strlen(name) >= IFNAMSIZ ||
	    (fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return false;
	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.ifr_name, name, strlen(name));
	up = ioctl(fd, SIOCGIFFLAGS, &ifr) == 0 && (ifr.ifr_flags & IFF_UP);
	close(fd);
	return up;
}

int
device_open(const char *name, bool vnet, int *ifindex, const char **err)
{
	struct sockaddr_ll sll;
	struct packet_mreq mr;
	int fd, saved, one = 1, mark = DEVICE_MARK, rcv = DEVICE_RCVBUF;
	unsigned idx;

	if (strlen(name) == 0 || strlen(name) >= IFNAMSIZ) {
		*err = "bad interface name";
		errno = EINVAL;
		return -1;
	}
	fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1) {
		*err = "cannot open a packet socket";
		return -1;
	}
	if (device_check(fd, name, err) == -1)
		goto fail;
	if ((idx = if_nametoindex(name)) == 0) {
		*err = "no such interface";
		goto fail;
	}
	if (vnet && setsockopt(fd, SOL_PACKET, PACKET_VNET_HDR, &one, sizeof(one)) == -1) {
		*err = "PACKET_VNET_HDR failed";
		goto fail;
	}
	if (setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof(one)) == -1 ||
	    setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof(one)) == -1) {
		*err = "PACKET_QDISC_BYPASS or PACKET_IGNORE_OUTGOING failed";
		goto fail;
	}
	if (setsockopt(fd, SOL_SOCKET, SO_MARK, &mark, sizeof(mark)) == -1) {
		*err = "SO_MARK failed (needs CAP_NET_ADMIN)";
		goto fail;
	}
	/* Above net.core.rmem_max where we may; the default where not. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcv, sizeof(rcv)) == -1)
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv));
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_P_ALL);
	sll.sll_ifindex = (int)idx;
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)) == -1) {
		*err = "cannot bind to the interface";
		goto fail;
	}
	memset(&mr, 0, sizeof(mr));
	mr.mr_ifindex = (int)idx;
	mr.mr_type = PACKET_MR_PROMISC;
	if (setsockopt(fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr, sizeof(mr)) == -1) {
		*err = "cannot make the interface promiscuous";
		goto fail;
	}
	*ifindex = (int)idx;
	return fd;
fail:
	saved = errno;
	close(fd);
	errno = saved;
	return -1;
}

/* ------------------------------------------------------------- drops --- */

unsigned
device_drops(int fd)
{
	struct tpacket_stats st;
	socklen_t len = sizeof(st);

	if (getsockopt(fd, SOL_PACKET, PACKET_STATISTICS, &st, &len) == -1)
		return 0;
	return st.tp_drops;
}

/* ------------------------------------------------------------- fence --- */

struct device_fence {
	struct nft_ctx	*nft;
};

/* Run one nft transaction; its message in err (when err != NULL). */
static int
fence_run(struct device_fence *f, const char *cmd, char *err, size_t errlen)
{
	int rc = nft_run_cmd_from_buffer(f->nft, cmd);

	if (rc != 0 && err != NULL) {
		const char *m = nft_ctx_get_error_buffer(f->nft);
		size_t n;

		snprintf(err, errlen, "%s", m != NULL && *m ? m : "nftables failed");
		/* One line: nft adds the command and a caret below it. */
		n = strcspn(err, "\n");
		err[n] = '\0';
	}
	/* The next command's messages only. */
	(void)nft_ctx_get_error_buffer(f->nft);
	return rc == 0 ? 0 : -1;
}

struct device_fence *
device_fence_new(const char **err)
{
	struct device_fence *f;
	char e[256];

	if ((f = calloc(1, sizeof(*f))) == NULL) {
		*err = "out of memory";
		return NULL;
	}
	if ((f->nft = nft_ctx_new(NFT_CTX_DEFAULT)) == NULL) {
		*err = "cannot set up nftables";
		free(f);
		return NULL;
	}
	nft_ctx_buffer_output(f->nft);
	nft_ctx_buffer_error(f->nft);
	if (fence_run(f, "add table netdev " DEVICE_TABLE "\n"
	    "delete table netdev " DEVICE_TABLE "\n"
	    "add table netdev " DEVICE_TABLE "\n", e, sizeof(e)) == -1) {
		*err = "cannot create nftables table netdev " DEVICE_TABLE
		    " (no nf_tables netdev family?)";
		device_fence_free(f);
		return NULL;
	}
	return f;
}

int
device_fence_add(struct device_fence *f, const char *name, char *err, size_t errlen)
{
	char cmd[1024];

	snprintf(cmd, sizeof(cmd),
	    "add chain netdev %s in-%s { type filter hook ingress device \"%s\""
	    " priority -500; policy drop; }\n"
	    "add chain netdev %s out-%s { type filter hook egress device \"%s\""
	    " priority -500; policy drop; }\n"
	    "flush chain netdev %s out-%s\n"
	    "add rule netdev %s out-%s meta mark 0x%08x accept\n",
	    DEVICE_TABLE, name, name, DEVICE_TABLE, name, name, DEVICE_TABLE, name,
	    DEVICE_TABLE, name, DEVICE_MARK);
	return fence_run(f, cmd, err, errlen);
}

void
device_fence_del(struct device_fence *f, const char *name)
{
	char cmd[512];

	/* One by one: a chain the kernel dropped with its device is no error. */
	snprintf(cmd, sizeof(cmd), "delete chain netdev %s in-%s\n", DEVICE_TABLE,
	    name);
	(void)fence_run(f, cmd, NULL, 0);
	snprintf(cmd, sizeof(cmd), "delete chain netdev %s out-%s\n", DEVICE_TABLE,
	    name);
	(void)fence_run(f, cmd, NULL, 0);
}

void
device_fence_free(struct device_fence *f)
{
	if (f == NULL)
		return;
	nft_ctx_free(f->nft);
	free(f);
}
