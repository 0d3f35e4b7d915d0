/*
 * metricdefs.h — vanedge's metrics (edge/rim/metrics.h): its tables, and
 * the JSON of one scrape they read.
 */
#ifndef EDGE_VANEDGE_METRICDEFS_H
#define EDGE_VANEDGE_METRICDEFS_H

#include "edge/rim/metrics.h"

/* vanedge's own rows: "info" and show stats' "daemon" (prefix edge_). */
extern const struct metric_def edge_metric_defs[];
/* Every table of vanedge, in the order a scrape lists them. */
extern const struct metric_table edge_metric_tables[];

#endif /* EDGE_VANEDGE_METRICDEFS_H */
