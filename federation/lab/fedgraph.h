/*
 * fedgraph.h — `vanlab graph`: the federation of a running lab as one
 * graph, merged from every proxy's `show graph`: a cluster per site with
 * its proxy and hosts, each tunnel once, alive or not, with its VANs.
 */
#ifndef FEDERATION_LAB_FEDGRAPH_H
#define FEDERATION_LAB_FEDGRAPH_H

#include <stdbool.h>

#include <jansson.h>

#include "federation/lab/lab.h"

/*
 * The merged graph (the schema of `show graph`, docs/operations.md
 * "Seeing the federation") of lab from views[s], site s's proxy's answer
 * to `show graph` or NULL when it gave none.  A tunnel is drawn once, as
 * the first site (in the topology's order) whose proxy reports it sees
 * it; its state is alive only if every proxy
 * that answers for it says so (seen_by: what each said); a peering no
 * answering proxy reports is there as unknown, with the topology's VANs.
 * Pure: no daemon is asked here.
 */
json_t	*fedgraph_merge(const struct lab *, const char *title,
	    json_t *const views[static LAB_SITE_MAX]);

/* Ask every proxy of the lab of this prefix, print the merged graph as
 * dot (dot) or text: 0, or 1 (reported). */
int	fedgraph_run(const char *prefix, bool dot);

#endif /* FEDERATION_LAB_FEDGRAPH_H */
