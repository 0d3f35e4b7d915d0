/*
 * uapi_sock.h — serve the wg UAPI on /var/run/wireguard/NAME.sock, so that
 * `wg show NAME` and `wg set NAME ...` work against a user-space WireGuard
 * daemon (vanproxy, tests/interop/wgpeer).
 *
 * I/O glue on libevent: the listening UNIX stream socket and its clients.
 * Framing, parsing and formatting are crypto/uapi.c's; what a request does
 * is the owner's, through two callbacks (a crypto/wgdev owner implements
 * them with wgdev_uapi_get and wgdev_uapi_set).
 *
 * Behaviour `wg` relies on (digest [10]): connect-and-close probes are
 * normal; one or several requests per connection; a stale socket file
 * (nobody listening) is replaced, a live one is refused; the directory is
 * made 0755 and the socket 0700; the socket file is removed on close.
 */
#ifndef PROXY_UAPI_SOCK_H
#define PROXY_UAPI_SOCK_H

#include <stddef.h>
#include <stdint.h>

struct event_base;
struct uapi_out;
struct uapi_set;

#define UAPI_SOCK_DIR		"/var/run/wireguard"
#define UAPI_SOCK_NAME_MAX	15	/* IFNAMSIZ - 1: what `wg` looks up */
#define UAPI_SOCK_CLIENTS_MAX	16
#define UAPI_SOCK_TIMEOUT_S	10	/* idle client connections */
#define UAPI_SOCK_REPLY_MAX	(16 * 1024 * 1024)

struct uapi_sock_ops {
	/*
	 * Format the get reply into out, resumably (*cursor starts at 0):
	 * return 1 when out is full and more follows, 0 when the reply is
	 * complete, -errno on failure.  See wgdev_uapi_get.
	 */
	int	(*get)(void *ctx, struct uapi_out *out, uint32_t *cursor);
	/* Apply a parsed set request; 0 or -errno (sent back to `wg`). */
	int	(*set)(void *ctx, const struct uapi_set *req);
	/* Optional: one line worth logging (never carries key material). */
	void	(*log)(void *ctx, const char *msg);
	void	*ctx;
};

struct uapi_sock;

/*
 * Listen on DIR/NAME.sock (dir NULL: UAPI_SOCK_DIR).  NAME: 1 to 15
 * characters, no '/'.  Returns NULL with a message in err on failure.
 */
struct uapi_sock *uapi_sock_open(struct event_base *, const char *dir,
	    const char *name, const struct uapi_sock_ops *, char *err,
	    size_t errlen);
/* Close every client, stop listening, remove the socket file if it is
 * still ours. */
void	uapi_sock_close(struct uapi_sock *);
const char *uapi_sock_path(const struct uapi_sock *);

#endif /* PROXY_UAPI_SOCK_H */
