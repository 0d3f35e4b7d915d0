/*
 * ctl.h — the control socket: a UNIX stream socket that takes one request
 * line per connection ("show fdb 100", "attach 100 tap3"), answers with one
 * JSON document on one line and closes.  vanctl is its client; so is any
 * script (`echo show vans | socat - UNIX:/run/van/edge.sock`).
 *
 * Envelope: {"ok":true,"result":...} or {"ok":false,"error":"..."}.
 * Requests are capped (CTL_LINE_MAX, CTL_ARGS_MAX), as are concurrent
 * clients (CTL_CLIENTS_MAX) and the time one may take (CTL_TIMEOUT_S).
 * The protocol, every request and its answer: docs/vanctl.md.
 */
#ifndef EDGE_RIM_CTL_H
#define EDGE_RIM_CTL_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

struct event_base;
struct ctl;

#include "edge/van/request.h"

#define CTL_CLIENTS_MAX	16
#define CTL_TIMEOUT_S	5

/* The result of a request, or NULL with err filled (a short sentence). */
typedef json_t	*(*ctl_handler)(void *arg, int argc, char **argv, char *err,
		    size_t errlen);

struct ctl_stats {
	uint64_t	requests;
	uint64_t	errors;		/* refused: unknown, malformed, failed */
	uint64_t	rejected;	/* too long, too many clients, timed out */
};

/*
 * The answer to one request line (n bytes and a NUL, without its newline;
 * split in place): split it (request_split), hand the words to handler,
 * wrap its result or error in the envelope.  One line of JSON with its
 * newline, to free; NULL only when memory ran out.  Counted in st.  The
 * socket's clients are answered so; fuzz_ctl answers without a socket.
 */
char	*ctl_answer(ctl_handler, void *arg, struct ctl_stats *st, char *line,
	    size_t n);

struct sockaddr_un;
/*
 * Before binding a unix socket at an address in use: remove the file a
 * dead process left, unless a live one answers there.  0, or -1 with *err
 * (errno EADDRINUSE when the path is someone's).
 */
int	unix_unlink_stale(const struct sockaddr_un *, const char **err);

struct ctl *ctl_open(struct event_base *, const char *path, ctl_handler, void *arg,
	    const char **err);
void	ctl_close(struct ctl *);
const struct ctl_stats *ctl_stats(const struct ctl *);

#endif /* EDGE_RIM_CTL_H */
