/*
 * plan_bench.c — `make bench`'s vanplan figure: a federation of SITES
 * sites (default 10000) with LINKS random candidate links (default
 * 100000; a random spanning tree first, so the graph is connected) and
 * 100 VANs of 2 to 20 sites each, the same every run (fixed seed).
 *
 * Prints the time of plan_run alone (tree, VAN subtrees and transit IDs,
 * summary), and of parsing and checking the same federation written as an
 * inventory file; each the best of ROUNDS runs (default 3).  The goal of
 * issue 6: planning within 1000 ms.
 *
 * usage: plan-bench [SITES LINKS [ROUNDS [MAX_TUNNELS]]] (MAX_TUNNELS: a
 * bound on every site, to time the heuristic; default none)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "crypto/key.h"
#include "federation/plan/plan.h"
#include "federation/plan/planconf.h"

#define VANS		100
#define GOAL_MS		1000.0

static uint64_t seed = 0x76616e706c616eULL;

static uint64_t
next(void)
{
	uint64_t z = (seed += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

struct edge {
	uint32_t	a, b;
};

static int
edge_cmp(const void *x, const void *y)
{
	const struct edge *p = x, *q = y;

	if (p->a != q->a)
		return p->a < q->a ? -1 : 1;
	return p->b < q->b ? -1 : p->b > q->b;
}

/* m distinct random links over n sites, a spanning tree among them. */
static uint32_t
make_links(uint32_t n, uint32_t m, struct edge *e)
{
	uint32_t i, k = 0, got;

	for (i = 1; i < n; i++) {
		uint32_t j = (uint32_t)(next() % i);

		e[k].a = j;
		e[k++].b = i;
	}
	do {
		while (k < m) {
			uint32_t a = (uint32_t)(next() % n), b = (uint32_t)(next() % n);

			if (a == b)
				continue;
			e[k].a = a < b ? a : b;
			e[k++].b = a < b ? b : a;
		}
		qsort(e, k, sizeof(*e), edge_cmp);
		for (i = got = 0; i < k; i++)
			if (got == 0 || edge_cmp(&e[i], &e[got - 1]) != 0)
				e[got++] = e[i];
		k = got;
	} while (k < m);
	return k;
}

int
main(int argc, char **argv)
{
	uint32_t n = argc > 2 ? (uint32_t)atoi(argv[1]) : 10000;
	uint32_t m = argc > 2 ? (uint32_t)atoi(argv[2]) : 100000;
	int rounds = argc > 3 ? atoi(argv[3]) : 3, r;
	uint32_t bound = argc > 4 ? (uint32_t)atoi(argv[4]) : 256;
	struct plan_site *sites = calloc(n, sizeof(*sites));
	struct plan_link *links = calloc(m, sizeof(*links));
	struct plan_van *vans = calloc(VANS, sizeof(*vans));
	struct plan_member *members = calloc(VANS * 20, sizeof(*members));
	struct edge *e = calloc(m, sizeof(*e));
	struct plan_input in = { 0 };
	struct plan_result res;
	struct plan_err err;
	double best_plan = 1e300, best_load = 1e300, t;
	char path[] = "/tmp/vanplan-bench.XXXXXX", cerr[SETTING_ERR_MAX];
	uint32_t i, j, used = 0;
	FILE *f;
	int fd;

	if (!sites || !links || !vans || !members || !e || n < 2 ||
	    (uint64_t)m > (uint64_t)n * (n - 1) / 2 || m < n - 1 ||
	    sodium_init() == -1) {
		fprintf(stderr, "usage: plan-bench [SITES LINKS [ROUNDS [MAX_TUNNELS]]]\n");
		return 2;
	}
	for (i = 0; i < n; i++) {
		snprintf(sites[i].name, PLAN_NAME_MAX, "s%u", i);
		sites[i].max_tunnels = bound;
		sites[i].transit_lo = 100000;
		sites[i].transit_hi = 199999;
	}
	m = make_links(n, m, e);
	for (i = 0; i < m; i++)
		links[i] = (struct plan_link){ e[i].a, e[i].b,
		    1 + (double)(next() % 100000) / 1000, PLAN_LINK_FREE, NULL };
	for (i = 0; i < VANS; i++) {
		uint32_t k = 2 + (uint32_t)(next() % 19);

		snprintf(vans[i].name, PLAN_NAME_MAX, "van%u", i);
		vans[i].members = members + used;
		for (j = 0; j < k; j++) {
			uint32_t s = (uint32_t)(next() % n), x;

			for (x = 0; x < vans[i].nmembers && vans[i].members[x].site != s; x++)
				;
			if (x < vans[i].nmembers)
				continue;
			vans[i].members[vans[i].nmembers++] = (struct plan_member){ s, 1 + i,
			    NULL };
		}
		used += vans[i].nmembers;
	}
	in = (struct plan_input){ sites, n, links, m, vans, VANS, 0, NULL, NULL };

	for (r = 0; r < rounds; r++) {
		t = now_ms();
		if (!plan_run(&in, &res, &err)) {
			fprintf(stderr, "plan-bench: %s\n", err.msg);
			return 1;
		}
		t = now_ms() - t;
		if (t < best_plan)
			best_plan = t;
		if (r + 1 < rounds)
			plan_result_free(&res);
	}

	/* The same federation as an inventory file. */
	if ((fd = mkstemp(path)) == -1 || (f = fdopen(fd, "w")) == NULL) {
		perror("plan-bench: mkstemp");
		return 1;
	}
	fprintf(f, "sites = (\n");
	for (i = 0; i < n; i++) {
		struct wg_key k;
		char b64[WG_KEY_B64_LEN + 1];
		uint64_t w[4] = { next(), next(), next(), next() };

		memcpy(k.b, w, sizeof(k.b));
		key_to_base64(b64, &k);
		fprintf(f, "  { name = \"s%u\"; endpoint = \"10.%u.%u.%u:51820\"; "
		    "public_key = \"%s\"; transit_ids = [ 100000, 199999 ]; }%s\n", i,
		    (i >> 16) & 255, (i >> 8) & 255, i & 255, b64, i + 1 < n ? "," : "");
	}
	fprintf(f, ");\nlinks = (\n");
	for (i = 0; i < m; i++)
		fprintf(f, "  { sites = [ \"s%u\", \"s%u\" ]; latency = %.3f; }%s\n",
		    links[i].a, links[i].b, links[i].cost, i + 1 < m ? "," : "");
	fprintf(f, ");\nvans = (\n");
	for (i = 0; i < VANS; i++) {
		fprintf(f, "  { name = \"%s\"; ids = (", vans[i].name);
		for (j = 0; j < vans[i].nmembers; j++)
			fprintf(f, "%s { site = \"s%u\"; id = %u; }", j ? "," : "",
			    vans[i].members[j].site, vans[i].members[j].id);
		fprintf(f, " ); }%s\n", i + 1 < VANS ? "," : "");
	}
	fprintf(f, ");\n");
	fclose(f);
	for (r = 0; r < rounds; r++) {
		struct planconf *pc;

		t = now_ms();
		if ((pc = planconf_load(path, cerr)) == NULL) {
			fprintf(stderr, "plan-bench: %s\n", cerr);
			unlink(path);
			return 1;
		}
		t = now_ms() - t;
		if (t < best_load)
			best_load = t;
		planconf_free(pc);
	}
	unlink(path);

	printf("vanplan: %u sites, %u candidate links, %u VANs: planned in %.1f ms "
	    "(goal <= %.0f ms); parsing and checking the inventory %.1f ms; "
	    "best of %d%s\n", n, m, VANS, best_plan, GOAL_MS, best_load, rounds,
	    bound < 256 ? " (max_tunnels bound)" : "");
	printf("vanplan:   %s, tree cost %.3f, %u tunnels (a full mesh: %llu), stretch "
	    "max %.2f mean %.2f, diameter %u hops, transit %u\n", res.exact ?
	    "a minimum spanning tree" : "the heuristic's tree", res.sum.cost,
	    res.sum.tunnels, (unsigned long long)res.sum.full_mesh,
	    res.sum.stretch_max, res.sum.stretch_mean, res.sum.diameter,
	    res.sum.transit);
	plan_result_free(&res);
	free(sites);
	free(links);
	free(vans);
	free(members);
	free(e);
	return best_plan <= GOAL_MS ? 0 : 1;
}
