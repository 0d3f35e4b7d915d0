/*
 * metrics.h — Prometheus metrics over HTTP (libevent's evhttp), shared by
 * vanedge and vanproxy, and the text exposition format made from the same
 * JSON the daemon's `show` requests answer.
 *
 * A daemon builds one JSON object per scrape ({"stats": show stats,
 * "members": show members, ...}) and gives a table of struct metric_def:
 * which value of that JSON is a sample of which family, of which type,
 * with which labels.  Everything a scrape shows therefore comes from the
 * show output: the two cannot drift.  metrics_unmapped() finds the
 * numbers and booleans of a JSON object that no row names, so that a new
 * counter in `show` without a metric fails a test (tests/unit/
 * test_metrics.c) and shows as vanfed_metrics_unmapped_fields.
 *
 * Paths.  A row's path is steps separated by '.', from the root object:
 *
 *	key		an object's member
 *	key[f=label]	an array: each element, labelled label="its member f"
 *	key{label}	an object of counters by name: each, label="the name"
 *
 * The last step is the value: a number, a boolean (1 or 0), or a string
 * when the row has a value_label (one sample of 1, value_label="the
 * string"); a null or missing value gives no sample.  A row with `count`
 * ("field=value") counts the elements of the array its path names whose
 * field has that value.  A row with `info` takes an object's strings as
 * labels of one sample of 1.  A row without a name exports nothing: it
 * says (in help) why a field is not a metric, and covers it.
 *
 * Limits (the server's, every one named below): a request's headers, its
 * body, the time a connection may take, and the connections at once.
 * libevent 2.1 has no cap on an evhttp server's connections: the cap is
 * kept here (see metrics.c, "Connections").
 */
#ifndef EDGE_RIM_METRICS_H
#define EDGE_RIM_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "edge/rim/setting.h"

#define METRICS_PREFIX		"vanfed_"
#define METRICS_HEADERS_MAX	8192	/* bytes of a request's headers */
#define METRICS_BODY_MAX	0	/* a scrape has no body */
#define METRICS_TIMEOUT_S	5	/* a connection's read or write */
#define METRICS_CONN_MAX	32	/* connections at once; more are closed */
#define METRICS_BACKLOG		16
#define METRICS_LABELS_MAX	4	/* labels of one sample */

enum metric_type { METRIC_COUNTER = 1, METRIC_GAUGE };

struct metric_def {
	const char	*name;		/* without METRICS_PREFIX; NULL: not exported */
	enum metric_type type;
	const char	*path;
	const char	*labels;	/* constant labels, `dir="rx"`, or NULL */
	const char	*help;
	unsigned	div;		/* 0: as is; 1000: milliseconds to seconds */
	const char	*count;		/* "field=value": count matching elements */
	const char	*value_label;	/* a string value: this label, sample 1 */
	bool		info;		/* an object of strings: labels, sample 1 */
};

/*
 * A table: its rows (ended by a row with a NULL path) and what the names
 * of its families start with after METRICS_PREFIX ("edge_", or "").  A
 * daemon's list of tables ends with one whose defs is NULL.
 */
struct metric_table {
	const char		*prefix;
	const struct metric_def	*defs;
};

/*
 * The tables both daemons have (edge/rim/metricdefs.c): the bridge's show
 * output (stats, members, vans: the daemon's prefix), and, without prefix,
 * the global drops and the metrics server's own counters ("metrics").
 */
extern const struct metric_def metrics_bridge_defs[];
extern const struct metric_def metrics_common_defs[];

/*
 * The exposition text of root by tables, families in the tables' order: a
 * malloc'd string (*len bytes), or NULL if memory ran out.
 */
char	*metrics_text(const struct metric_table *tables, const json_t *root,
	    size_t *len);
/*
 * The numbers and booleans of root no row covers: their count; each one's
 * path ("stats.vans[].frames_in") to cb, if not NULL.  Arrays are walked
 * by their first element (they hold one kind of thing).
 */
unsigned metrics_unmapped(const struct metric_table *tables,
	    const json_t *root, void (*cb)(const char *path, void *), void *arg);
/* A label value escaped (\\, \", \n) into out (size bytes): false if cut. */
bool	metrics_escape(const char *, char *out, size_t size);

struct event_base;
struct metrics;

/* The JSON of one scrape (the caller's, freed by metrics). */
typedef json_t	*(*metrics_source)(void *arg);

/*
 * Serve GET /metrics at addr on base: NULL with *err (errno kept) if the
 * address cannot be had (in use, bad, not ours).
 */
struct metrics *metrics_open(struct event_base *, const struct setting_stream *addr,
	    const struct metric_table *tables, metrics_source, void *arg,
	    const char **err);
void	metrics_close(struct metrics *);
const struct setting_stream *metrics_addr(const struct metrics *);
/*
 * The server a configuration (FILE's) names: *out = cur if its address
 * is the same, a new one if it changed (opened while cur still serves: a
 * reload that cannot have it fails, the caller closes cur once it takes
 * the new one), NULL if off.  0, or -1 with err as "FILE:LINE: ...".
 */
int	metrics_reopen(struct event_base *, struct metrics *cur,
	    const struct setting_stream *want, const char *file,
	    const struct metric_table *tables, metrics_source, void *arg,
	    struct metrics **out, char err[static SETTING_ERR_MAX]);

/*
 * The version in vanfed_*_info: the programs' own (version.h).
 */
const char *metrics_version(void);

#endif /* EDGE_RIM_METRICS_H */
