/*
 * metricdefs.h — vanproxy's metrics (edge/rim/metrics.h): its tables, and
 * the JSON of one scrape they read.
 */
#ifndef PROXY_METRICDEFS_H
#define PROXY_METRICDEFS_H

#include "edge/rim/metrics.h"

/* vanproxy's own rows: "info", show stats' "daemon" and "tunnel", show peers. */
extern const struct metric_def proxy_metric_defs[];
/* Every table of vanproxy, in the order a scrape lists them. */
extern const struct metric_table proxy_metric_tables[];

#endif /* PROXY_METRICDEFS_H */
