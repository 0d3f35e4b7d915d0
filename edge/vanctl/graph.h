/*
 * graph.h — a federation graph drawn: the JSON of `show graph` (a
 * daemon's view) or of `vanlab graph` (the whole federation, merged) as
 * a Graphviz graph or as text (see graph.c).
 */
#ifndef EDGE_VANCTL_GRAPH_H
#define EDGE_VANCTL_GRAPH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

/*
 * vanctl's words after its options: for `show graph [--dot]` take --dot
 * out of argv (*dot true).  false when they are `show graph` with other
 * words (a usage error); true, argv untouched, for any other request.
 */
bool	graph_args(int *argc, char **argv, bool *dot);

/*
 * The graph {"title"?, "self"?, "nodes": [...], "edges": [...]} as an
 * undirected Graphviz graph: nodes with a "cluster" in a subgraph of their
 * own, alive ones solid, dead ones dashed and red, others (unknown, not
 * answering) dashed and grey; labels carry the VANs.  0, or -1 with err
 * when the JSON is not such a graph (nothing written).
 */
int	graph_dot(FILE *, const json_t *graph, char *err, size_t errlen);
/* The same as two tables, nodes and edges.  0, or -1 with err. */
int	graph_text(FILE *, const json_t *graph, char *err, size_t errlen);

#endif /* EDGE_VANCTL_GRAPH_H */
