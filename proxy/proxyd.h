/*
 * proxyd.h — the vanproxy daemon: one struct that owns the event base, the
 * bridge in proxy mode, the WireGuard-protocol device, the site socket, the
 * tunnel socket, the one timer, the signals, the control socket and the
 * UAPI socket, and frees them in reverse order.  It makes no forwarding
 * decision (the bridge does) and no protocol step (the device does).
 */
#ifndef PROXY_PROXYD_H
#define PROXY_PROXYD_H

#include "proxy/conf.h"

struct proxyd;

/* Open everything conf names (taking conf); NULL with err on failure. */
struct proxyd	*proxyd_new(struct proxy_conf *conf, char err[static SETTING_ERR_MAX]);
/* Run until SIGTERM or SIGINT; 0, or -1 if the loop failed. */
int		proxyd_run(struct proxyd *);
void		proxyd_free(struct proxyd *);

#endif /* PROXY_PROXYD_H */
