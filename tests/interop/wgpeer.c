/*
 * wgpeer.c — a WireGuard peer built on crypto/, for interop tests against
 * wireguard-go: IP packets between a TUN device and one UDP socket, the
 * handshake, transport and timers of crypto/wgdev.c, and the wg UAPI on
 * /var/run/wireguard/NAME.sock (proxy/uapi_sock.c), so that the test
 * configures it with the same `wg set` commands as the reference and
 * reads it with `wg show`.
 *
 *   wgpeer [options] NAME
 *     --under-load          treat every handshake as arriving under load:
 *                           demand mac2, answer cookie replies
 *     --rekey-after-time S  REKEY_AFTER_TIME (default 120 s), to see a
 *                           time-based rekey without waiting two minutes
 *     --private-key FILE    key file (refused if group/world-accessible)
 *   Signals: TERM/INT stop (socket removed); USR1 prints counters;
 *   USR2 expires every current keypair (the next packet rehandshakes).
 *
 * A test program, not a product: it runs in the foreground, logs to
 * stdout, and does what wireguard-go does with IP packets (route by the
 * allowed IPs, trim padding by the IP length, drop a source address that
 * is not the sender's).  I/O only; all protocol work is crypto/'s.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>
#include <sodium.h>

#include "crypto/endpoint.h"
#include "crypto/key.h"
#include "crypto/keyfile.h"
#include "crypto/uapi.h"
#include "crypto/wgdev.h"
#include "crypto/wgdev_uapi.h"
#include "proxy/uapi_sock.h"
#include "tests/interop/tun.h"

#define PEER_MTU	WG_MTU_DEFAULT
#define IO_BUDGET	64		/* datagrams or packets per wake-up */
#define BUF_LEN		65536

struct peerd {
	struct event_base *base;
	struct wgdev	*dev;
	struct uapi_sock *uapi;
	char		name[UAPI_SOCK_NAME_MAX + 1];
	int		tun_fd;
	int		udp_fd;
	int		udp_family;
	struct event	*tun_ev, *udp_ev, *timer_ev;
	struct event	*sig_term, *sig_int, *sig_usr1, *sig_usr2;
	bool		under_load;
	uint8_t		buf[BUF_LEN];
	/* counters of what the IP layer here drops */
	uint64_t	tun_no_peer, rx_not_ip, rx_bad_source, tx_errors;
	uint64_t	ev_count[WGDEV_EV_COUNT];
};

static struct wg_now
clock_now(void)
{
	struct timespec m, w;
	struct wg_now now;

	clock_gettime(CLOCK_MONOTONIC, &m);
	clock_gettime(CLOCK_REALTIME, &w);
	now.mono = MONO_SEC(m.tv_sec) + m.tv_nsec;
	now.wall = (uint64_t)w.tv_sec * WG_WALL_SEC + (uint64_t)w.tv_nsec;
	return now;
}

static void
say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void
say(const char *fmt, ...)
{
	struct timespec t;
	va_list ap;

	clock_gettime(CLOCK_MONOTONIC, &t);
	printf("[%5lld.%03ld] ", (long long)t.tv_sec, t.tv_nsec / 1000000);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

static void
peer_name(const struct peerd *d, uint32_t peer, char out[static 12])
{
	struct wgdev_peer_info info;
	char b64[WG_KEY_B64_LEN + 1];

	if (peer == WGDEV_PEER_NONE || wgdev_peer_info(d->dev, peer, &info)) {
		snprintf(out, 12, "-");
		return;
	}
	key_to_base64(b64, &info.public_key);
	sodium_memzero(&info, sizeof(info));
	snprintf(out, 12, "%.8s", b64);
}

/* Re-arm the one timer to the device's next deadline. */
static void
rearm(struct peerd *d)
{
	monotime_t next = wgdev_next_deadline(d->dev), mono = clock_now().mono;
	struct timeval tv;

	if (next == MONO_NEVER) {
		evtimer_del(d->timer_ev);
		return;
	}
	next = next > mono ? next - mono : 0;
	tv.tv_sec = (time_t)(next / MONO_SEC(1));
	tv.tv_usec = (suseconds_t)(next % MONO_SEC(1) / 1000 + 1);
	evtimer_add(d->timer_ev, &tv);
}

/* ---------------------------------------------------------- wgdev ops --- */

static void
dev_send(void *ctx, const struct wg_endpoint *to, const uint8_t *pkt,
    size_t len)
{
	struct peerd *d = ctx;
	struct sockaddr_in6 mapped;
	const struct sockaddr *sa = &to->addr.sa;
	socklen_t salen = endpoint_socklen(to);

	if (d->udp_fd == -1)
		return;
	if (d->udp_family == AF_INET6 && to->addr.sa.sa_family == AF_INET) {
		memset(&mapped, 0, sizeof(mapped));
		mapped.sin6_family = AF_INET6;
		mapped.sin6_port = to->addr.in4.sin_port;
		mapped.sin6_addr.s6_addr[10] = 0xff;
		mapped.sin6_addr.s6_addr[11] = 0xff;
		memcpy(&mapped.sin6_addr.s6_addr[12], &to->addr.in4.sin_addr, 4);
		sa = (const struct sockaddr *)&mapped;
		salen = sizeof(mapped);
	}
	if (sendto(d->udp_fd, pkt, len, 0, sa, salen) == -1)
		d->tx_errors++;
}

static void
dev_event(void *ctx, uint32_t peer, enum wgdev_event ev)
{
	struct peerd *d = ctx;
	char who[12];

	d->ev_count[ev]++;
	peer_name(d, peer, who);
	say("peer %s: %s", who, wgdev_event_str(ev));
}

/* --------------------------------------------------------------- UDP --- */

/* A dual-stack socket when IPv6 exists, else IPv4; port 0: any. */
static int
udp_open(uint16_t port, int *family, uint16_t *bound)
{
	struct sockaddr_in6 a6;
	struct sockaddr_in a4;
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	int fd, off = 0, e;

	fd = socket(AF_INET6, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd != -1) {
		memset(&a6, 0, sizeof(a6));
		a6.sin6_family = AF_INET6;
		a6.sin6_port = htons(port);
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off));
		if (bind(fd, (struct sockaddr *)&a6, sizeof(a6)) == -1) {
			e = errno;
			close(fd);
			errno = e;
			return -1;
		}
		*family = AF_INET6;
	} else {
		fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (fd == -1)
			return -1;
		memset(&a4, 0, sizeof(a4));
		a4.sin_family = AF_INET;
		a4.sin_port = htons(port);
		if (bind(fd, (struct sockaddr *)&a4, sizeof(a4)) == -1) {
			e = errno;
			close(fd);
			errno = e;
			return -1;
		}
		*family = AF_INET;
	}
	if (getsockname(fd, (struct sockaddr *)&ss, &sl) == 0)
		*bound = ntohs(ss.ss_family == AF_INET6 ?
		    ((struct sockaddr_in6 *)&ss)->sin6_port :
		    ((struct sockaddr_in *)&ss)->sin_port);
	return fd;
}

static void udp_cb(evutil_socket_t, short, void *);

static int
udp_rebind(struct peerd *d, uint16_t port)
{
	int fd, family;
	uint16_t bound = port;

	fd = udp_open(port, &family, &bound);
	if (fd == -1)
		return -errno;
	if (d->udp_ev != NULL)
		event_free(d->udp_ev);
	if (d->udp_fd != -1)
		close(d->udp_fd);
	d->udp_fd = fd;
	d->udp_family = family;
	d->udp_ev = event_new(d->base, fd, EV_READ | EV_PERSIST, udp_cb, d);
	event_add(d->udp_ev, NULL);
	wgdev_set_listen_port(d->dev, bound);
	say("listening on UDP port %u", (unsigned)bound);
	return 0;
}

/* What wireguard-go does with a decrypted payload: it must be an IP
 * packet from an address the sending peer may use; trim the padding. */
static void
deliver_ip(struct peerd *d, uint32_t peer, const uint8_t *p, size_t len)
{
	uint32_t owner;
	size_t ip_len;
	int family;
	const uint8_t *src;

	if (len >= 20 && p[0] >> 4 == 4) {
		ip_len = (size_t)(p[2] << 8 | p[3]);
		family = AF_INET;
		src = p + 12;
		if (ip_len < 20 || ip_len > len)
			goto not_ip;
	} else if (len >= 40 && p[0] >> 4 == 6) {
		ip_len = 40 + (size_t)(p[4] << 8 | p[5]);
		family = AF_INET6;
		src = p + 8;
		if (ip_len > len)
			goto not_ip;
	} else
		goto not_ip;
	if (!wgdev_peer_for_addr(d->dev, family, src, &owner) || owner != peer) {
		d->rx_bad_source++;
		return;
	}
	if (write(d->tun_fd, p, ip_len) == -1)
		d->tx_errors++;
	return;
not_ip:
	d->rx_not_ip++;
}

static void
udp_cb(evutil_socket_t fd, short what, void *arg)
{
	struct peerd *d = arg;
	struct sockaddr_storage ss;
	struct wg_endpoint src;
	struct wgdev_rx rx;
	socklen_t sl;
	ssize_t n;
	int i;

	(void)what;
	for (i = 0; i < IO_BUDGET; i++) {
		sl = sizeof(ss);
		n = recvfrom(fd, d->buf, sizeof(d->buf), 0,
		    (struct sockaddr *)&ss, &sl);
		if (n < 0)
			break;
		if (endpoint_from_sockaddr(&src, (struct sockaddr *)&ss, sl) != 0)
			continue;
		if (wgdev_recv(d->dev, d->buf, (size_t)n, &src,
		    d->under_load ? WGDEV_RECV_UNDER_LOAD : 0, clock_now(),
		    &rx) == WGDEV_RECV_DATA)
			deliver_ip(d, rx.peer, d->buf + rx.off, rx.len);
	}
	rearm(d);
}

/* --------------------------------------------------------------- TUN --- */

static void
tun_cb(evutil_socket_t fd, short what, void *arg)
{
	struct peerd *d = arg;
	uint8_t *p = d->buf + WG_TRANSPORT_HDR_LEN;
	uint32_t peer;
	ssize_t n;
	int i;

	(void)what;
	for (i = 0; i < IO_BUDGET; i++) {
		n = read(fd, p, PEER_MTU);
		if (n <= 0)
			break;
		if (n >= 20 && p[0] >> 4 == 4 &&
		    wgdev_peer_for_addr(d->dev, AF_INET, p + 16, &peer))
			;
		else if (n >= 40 && p[0] >> 4 == 6 &&
		    wgdev_peer_for_addr(d->dev, AF_INET6, p + 24, &peer))
			;
		else {
			d->tun_no_peer++;
			continue;
		}
		wgdev_send(d->dev, peer, d->buf, sizeof(d->buf), (size_t)n,
		    WGDEV_SEND_PAD_MTU, clock_now());
	}
	rearm(d);
}

/* -------------------------------------------------------------- UAPI --- */

static int
uapi_get(void *ctx, struct uapi_out *out, uint32_t *cursor)
{
	struct peerd *d = ctx;

	return wgdev_uapi_get(d->dev, out, cursor);
}

static int
uapi_set(void *ctx, const struct uapi_set *req)
{
	struct peerd *d = ctx;
	uint16_t bound;
	int rc;

	/* Bind first: a port in use refuses the whole request. */
	if (req->has_listen_port &&
	    (req->listen_port != wgdev_listen_port(d->dev) ||
	    req->listen_port == 0) && udp_rebind(d, req->listen_port) != 0)
		return -EADDRINUSE;
	if (req->has_fwmark && d->udp_fd != -1 &&
	    setsockopt(d->udp_fd, SOL_SOCKET, SO_MARK, &req->fwmark,
	    sizeof(req->fwmark)) == -1 && req->fwmark != 0)
		return -errno;
	/* The request's listen_port is the asked-for one; keep the port
	 * actually bound (they differ for 0). */
	bound = wgdev_listen_port(d->dev);
	rc = wgdev_uapi_set(d->dev, req, clock_now());
	wgdev_set_listen_port(d->dev, bound);
	rearm(d);
	return rc;
}

static void
uapi_log(void *ctx, const char *msg)
{
	(void)ctx;
	say("%s", msg);
}

/* ------------------------------------------------------------ signals --- */

static void
print_stats(struct peerd *d)
{
	char line[1024];
	size_t n = 0;
	int i;

	for (i = 1; i < WGDEV_DROP_COUNT; i++)
		n += (size_t)snprintf(line + n, sizeof(line) - n, " %s=%llu",
		    wgdev_drop_str(i),
		    (unsigned long long)wgdev_drops(d->dev, i));
	say("stats:%s tun-no-peer=%llu not-ip=%llu bad-source=%llu "
	    "tx-errors=%llu cookies-sent=%llu cookies-received=%llu "
	    "handshakes=%llu", line, (unsigned long long)d->tun_no_peer,
	    (unsigned long long)d->rx_not_ip,
	    (unsigned long long)d->rx_bad_source,
	    (unsigned long long)d->tx_errors,
	    (unsigned long long)d->ev_count[WGDEV_EV_COOKIE_SENT],
	    (unsigned long long)d->ev_count[WGDEV_EV_COOKIE_RECEIVED],
	    (unsigned long long)d->ev_count[WGDEV_EV_HANDSHAKE_COMPLETE]);
}

static void
signal_cb(evutil_socket_t sig, short what, void *arg)
{
	struct peerd *d = arg;
	uint32_t cursor = 0, peer;
	unsigned n = 0;

	(void)what;
	switch (sig) {
	case SIGUSR1:
		print_stats(d);
		break;
	case SIGUSR2:
		while (wgdev_peer_next(d->dev, &cursor, &peer)) {
			wgdev_peer_expire(d->dev, peer, clock_now());
			n++;
		}
		say("expired the keypairs of %u peer(s)", n);
		rearm(d);
		break;
	default:
		say("signal %d: stopping", (int)sig);
		event_base_loopexit(d->base, NULL);
	}
}

static void
timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct peerd *d = arg;

	(void)fd;
	(void)what;
	wgdev_tick(d->dev, clock_now());
	rearm(d);
}

/* --------------------------------------------------------------- main --- */

static void
usage(void)
{
	fprintf(stderr, "usage: wgpeer [--under-load] [--rekey-after-time S] "
	    "[--private-key FILE] NAME\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "under-load", no_argument, NULL, 'l' },
		{ "rekey-after-time", required_argument, NULL, 'r' },
		{ "private-key", required_argument, NULL, 'k' },
		{ NULL, 0, NULL, 0 },
	};
	struct wg_timing timing = wg_timing_default;
	struct uapi_sock_ops uops;
	struct wgdev_config cfg;
	struct wg_key key;
	struct peerd *d;
	const char *keyfile = NULL;
	char err[256];
	int c, rc = 1;
	long secs;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (sodium_init() < 0)
		return 1;
	d = calloc(1, sizeof(*d));
	if (d == NULL)
		return 1;
	d->tun_fd = d->udp_fd = -1;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'l':
			d->under_load = true;
			break;
		case 'r':
			secs = strtol(optarg, NULL, 10);
			if (secs < 1 || secs > 120)
				usage();
			timing.rekey_after_time = MONO_SEC(secs);
			break;
		case 'k':
			keyfile = optarg;
			break;
		default:
			usage();
		}
	}
	if (optind != argc - 1 || strlen(argv[optind]) > UAPI_SOCK_NAME_MAX)
		usage();
	snprintf(d->name, sizeof(d->name), "%s", argv[optind]);

	memset(&cfg, 0, sizeof(cfg));
	cfg.max_peers = 16;
	cfg.mtu = PEER_MTU;
	cfg.payload_max = PEER_MTU;
	cfg.timing = &timing;
	cfg.ops = (struct wgdev_ops){ dev_send, dev_event, d };
	if (keyfile != NULL) {
		if (keyfile_read(keyfile, &key, err, sizeof(err)) != 0) {
			fprintf(stderr, "wgpeer: %s\n", err);
			goto out;
		}
		cfg.private_key = &key;
	}
	d->dev = wgdev_new(&cfg);
	key_wipe(&key);
	d->base = event_base_new();
	if (d->dev == NULL || d->base == NULL) {
		fprintf(stderr, "wgpeer: out of memory\n");
		goto out;
	}
	d->tun_fd = tun_open(d->name, PEER_MTU, err, sizeof(err));
	if (d->tun_fd == -1) {
		fprintf(stderr, "wgpeer: %s\n", err);
		goto out;
	}
	if (udp_rebind(d, 0) != 0) {
		fprintf(stderr, "wgpeer: UDP socket: %s\n", strerror(errno));
		goto out;
	}
	d->tun_ev = event_new(d->base, d->tun_fd, EV_READ | EV_PERSIST, tun_cb, d);
	d->timer_ev = evtimer_new(d->base, timer_cb, d);
	d->sig_term = evsignal_new(d->base, SIGTERM, signal_cb, d);
	d->sig_int = evsignal_new(d->base, SIGINT, signal_cb, d);
	d->sig_usr1 = evsignal_new(d->base, SIGUSR1, signal_cb, d);
	d->sig_usr2 = evsignal_new(d->base, SIGUSR2, signal_cb, d);
	if (!d->tun_ev || !d->timer_ev || !d->sig_term || !d->sig_int ||
	    !d->sig_usr1 || !d->sig_usr2) {
		fprintf(stderr, "wgpeer: out of memory\n");
		goto out;
	}
	event_add(d->tun_ev, NULL);
	event_add(d->sig_term, NULL);
	event_add(d->sig_int, NULL);
	event_add(d->sig_usr1, NULL);
	event_add(d->sig_usr2, NULL);
	/* The UAPI socket last: once it exists, the test configures us. */
	uops = (struct uapi_sock_ops){ uapi_get, uapi_set, uapi_log, d };
	d->uapi = uapi_sock_open(d->base, NULL, d->name, &uops, err, sizeof(err));
	if (d->uapi == NULL) {
		fprintf(stderr, "wgpeer: %s\n", err);
		goto out;
	}
	say("wgpeer %s up%s", d->name, d->under_load ? " (under load)" : "");
	event_base_dispatch(d->base);
	print_stats(d);
	rc = 0;
out:
	uapi_sock_close(d->uapi);
	if (d->udp_ev != NULL)
		event_free(d->udp_ev);
	if (d->tun_ev != NULL)
		event_free(d->tun_ev);
	if (d->timer_ev != NULL)
		event_free(d->timer_ev);
	if (d->sig_term != NULL)
		event_free(d->sig_term);
	if (d->sig_int != NULL)
		event_free(d->sig_int);
	if (d->sig_usr1 != NULL)
		event_free(d->sig_usr1);
	if (d->sig_usr2 != NULL)
		event_free(d->sig_usr2);
	if (d->udp_fd != -1)
		close(d->udp_fd);
	if (d->tun_fd != -1)
		close(d->tun_fd);
	wgdev_free(d->dev);
	if (d->base != NULL)
		event_base_free(d->base);
	sodium_memzero(d, sizeof(*d));
	free(d);
	return rc;
}
