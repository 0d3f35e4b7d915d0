/*
 * edged.h — the vanedge daemon: one struct that owns the event base, the
 * bridge, the underlay socket, the taps, the timer, the signals and the
 * control socket, and frees them in reverse order.
 */
#ifndef EDGE_EDGED_H
#define EDGE_EDGED_H

#include "edge/conf.h"

struct edged;

/* Open everything conf names (taking conf); NULL with err on failure. */
struct edged	*edged_new(struct edge_conf *conf, char err[static CONF_ERR_MAX]);
/* Run until SIGTERM or SIGINT; 0, or -1 if the loop failed. */
int		edged_run(struct edged *);
void		edged_free(struct edged *);

#endif /* EDGE_EDGED_H */
