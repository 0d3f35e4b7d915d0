/*
 * fault.c — see fault.h.  The fate of a frame follows netem's order: lost
 * first, then maybe duplicated; each copy is then either reordered (sent
 * at once) or delayed by delay ± jitter, so jitter alone reorders too.
 */
#include "federation/lab/fault.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "20ms", "500us", "1s", "20" (ms) → microseconds. */
static bool
parse_time(const char *s, uint32_t *us)
{
	char *end;
	double v = strtod(s, &end), mul;

	if (end == s || v < 0)
		return false;
	if (*end == '\0' || strcmp(end, "ms") == 0)
		mul = 1000;
	else if (strcmp(end, "us") == 0)
		mul = 1;
	else if (strcmp(end, "s") == 0)
		mul = 1000000;
	else
		return false;
	v *= mul;
	if (v > FAULT_DELAY_MAX_US)
		return false;
	*us = (uint32_t)(v + 0.5);
	return true;
}

/* "5%", "0.5%", "5" → parts per million. */
static bool
parse_pct(const char *s, uint32_t *ppm)
{
	char *end;
	double v = strtod(s, &end);

	if (end == s || (*end != '\0' && strcmp(end, "%") != 0) || v < 0 || v > 100)
		return false;
	*ppm = (uint32_t)(v * 10000 + 0.5);
	return true;
}

bool
fault_parse(struct fault *f, int argc, char *const *argv, char *err, size_t errlen)
{
	bool seen[4] = { false, false, false, false };
	static const char *const words[] = { "delay", "loss", "duplicate", "reorder" };
	int i = 0, w;

	memset(f, 0, sizeof(*f));
	if (argc == 0) {
		snprintf(err, errlen, "no fault: delay, loss, duplicate or reorder");
		return false;
	}
	while (i < argc) {
		for (w = 0; w < 4 && strcmp(argv[i], words[w]) != 0; w++)
			;
		if (w == 4) {
			snprintf(err, errlen, "'%s': not delay, loss, duplicate or reorder",
			    argv[i]);
			return false;
		}
		if (seen[w]) {
			snprintf(err, errlen, "%s given twice", words[w]);
			return false;
		}
		seen[w] = true;
		if (++i == argc) {
			snprintf(err, errlen, "%s: a value is missing", words[w]);
			return false;
		}
		switch (w) {
		case 0:
			if (!parse_time(argv[i], &f->delay_us)) {
				snprintf(err, errlen, "delay '%s': a time up to 10s "
				    "(20ms, 500us)", argv[i]);
				return false;
			}
			/* An optional jitter: a time, not the next word. */
			if (i + 1 < argc && parse_time(argv[i + 1], &f->jitter_us)) {
				i++;
				if (f->jitter_us > f->delay_us) {
					snprintf(err, errlen, "jitter '%s' exceeds the delay",
					    argv[i]);
					return false;
				}
			}
			break;
		default:
			if (!parse_pct(argv[i], w == 1 ? &f->loss_ppm : w == 2 ?
			    &f->dup_ppm : &f->reorder_ppm)) {
				snprintf(err, errlen, "%s '%s': a percentage 0..100",
				    words[w], argv[i]);
				return false;
			}
		}
		i++;
	}
	if (f->reorder_ppm > 0 && f->delay_us == 0) {
		snprintf(err, errlen, "reorder needs a delay to reorder against");
		return false;
	}
	return true;
}

static void
pct_str(uint32_t ppm, char *out, size_t n)
{
	snprintf(out, n, "%g%%", ppm / 10000.0);
}

void
fault_str(const struct fault *f, char out[static FAULT_STR_MAX])
{
	char l[16], d[16], r[16];

	pct_str(f->loss_ppm, l, sizeof(l));
	pct_str(f->dup_ppm, d, sizeof(d));
	pct_str(f->reorder_ppm, r, sizeof(r));
	snprintf(out, FAULT_STR_MAX, "delay %gms %gms loss %s duplicate %s reorder %s",
	    f->delay_us / 1000.0, f->jitter_us / 1000.0, l, d, r);
}

uint64_t
fault_rand(struct fault_rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static bool
chance(struct fault_rng *r, uint32_t ppm)
{
	return ppm > 0 && fault_rand(r) % FAULT_PPM < ppm;
}

static uint32_t
copy_delay(const struct fault *f, struct fault_rng *r)
{
	uint64_t span;

	if (f->delay_us == 0 || chance(r, f->reorder_ppm))
		return 0;
	if (f->jitter_us == 0)
		return f->delay_us;
	span = 2 * (uint64_t)f->jitter_us + 1;
	return f->delay_us - f->jitter_us + (uint32_t)(fault_rand(r) % span);
}

unsigned
fault_fate(const struct fault *f, struct fault_rng *r, uint32_t delay_us[2])
{
	unsigned n, i;

	if (chance(r, f->loss_ppm))
		return 0;
	n = chance(r, f->dup_ppm) ? 2 : 1;
	for (i = 0; i < n; i++)
		delay_us[i] = copy_delay(f, r);
	return n;
}

/* ----------------------------------------------------------- the queue --- */

static bool
earlier(const struct fault_item *a, const struct fault_item *b)
{
	return a->due_ns < b->due_ns || (a->due_ns == b->due_ns && a->seq < b->seq);
}

static void
swap(struct fault_item *a, struct fault_item *b)
{
	struct fault_item t = *a;

	*a = *b;
	*b = t;
}

bool
fault_queue_push(struct fault_queue *q, const struct fault_item *it)
{
	unsigned i;

	if (q->n == FAULT_QUEUE_MAX)
		return false;
	i = q->n++;
	q->item[i] = *it;
	while (i > 0 && earlier(&q->item[i], &q->item[(i - 1) / 2])) {
		swap(&q->item[i], &q->item[(i - 1) / 2]);
		i = (i - 1) / 2;
	}
	return true;
}

bool
fault_queue_pop_due(struct fault_queue *q, int64_t now_ns, struct fault_item *out)
{
	unsigned i = 0;

	if (q->n == 0 || q->item[0].due_ns > now_ns)
		return false;
	*out = q->item[0];
	q->item[0] = q->item[--q->n];
	for (;;) {
		unsigned l = 2 * i + 1, r = l + 1, m = i;

		if (l < q->n && earlier(&q->item[l], &q->item[m]))
			m = l;
		if (r < q->n && earlier(&q->item[r], &q->item[m]))
			m = r;
		if (m == i)
			break;
		swap(&q->item[i], &q->item[m]);
		i = m;
	}
	return true;
}

int64_t
fault_queue_next(const struct fault_queue *q)
{
	return q->n == 0 ? -1 : q->item[0].due_ns;
}
