/*
 * edged.h — the vanedge daemon: one struct that owns the event base, the
 * bridge, the underlay socket, the taps, the timer, the signals and the
 * control socket, and frees them in reverse order.
 */
#ifndef EDGE_VANEDGE_EDGED_H
#define EDGE_VANEDGE_EDGED_H

#include "edge/vanedge/conf.h"

struct edged;

/* Open everything conf names (taking conf); NULL with err on failure. */
struct edged	*edged_new(struct edge_conf *conf, char err[static SETTING_ERR_MAX]);
/* Run until SIGTERM or SIGINT; 0, or -1 if the loop failed. */
int		edged_run(struct edged *);
void		edged_free(struct edged *);

#endif /* EDGE_VANEDGE_EDGED_H */
