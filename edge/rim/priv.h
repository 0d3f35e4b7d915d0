/*
 * priv.h — give up what a daemon no longer needs once its sockets are
 * open: no new privileges by exec, and every capability but those named.
 */
#ifndef EDGE_RIM_PRIV_H
#define EDGE_RIM_PRIV_H

#include <stdint.h>

/* keep: a mask of (1ULL << CAP_x).  0, or -1 with err. */
int	priv_drop(uint64_t keep, const char **err);

#endif /* EDGE_RIM_PRIV_H */
