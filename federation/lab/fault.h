/*
 * fault.h — the faults of an impaired switch (`vanlab impair`), in the
 * words of netem(8): delay with jitter, loss, duplication, reordering;
 * and the delay line the frames wait in.  This kernel's netem is not
 * always there (a lab machine's kernel may lack sch_netem), so vanlab
 * does it itself, in impair.c, with this model.
 *
 * Pure: no syscalls, no clock; `now` and the random state come in.
 */
#ifndef FEDERATION_LAB_FAULT_H
#define FEDERATION_LAB_FAULT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FAULT_DELAY_MAX_US	10000000u	/* 10 s */
#define FAULT_PPM		1000000u	/* 100 % */
#define FAULT_STR_MAX		128
#define FAULT_QUEUE_MAX		8192		/* frames waiting, per switch */

struct fault {
	uint32_t	delay_us;	/* each frame's delay ... */
	uint32_t	jitter_us;	/* ... plus or minus up to this, uniform */
	uint32_t	loss_ppm;	/* dropped */
	uint32_t	dup_ppm;	/* sent twice, each copy its own delay */
	uint32_t	reorder_ppm;	/* sent at once, ahead of delayed ones */
};

/*
 * netem's words: `delay TIME [JITTER]`, `loss PCT`, `duplicate PCT`,
 * `reorder PCT`, each at most once, in any order; TIME as 20ms, 500us,
 * 1s (a bare number is ms), PCT as 5%, 0.5% or 5.  false with a message
 * in err.  Reordering, as netem's, needs a delay to reorder against.
 */
bool	fault_parse(struct fault *, int argc, char *const *argv, char *err,
	    size_t errlen);
/* The same words back, as `vanlab impair` shows them. */
void	fault_str(const struct fault *, char out[static FAULT_STR_MAX]);

/* splitmix64: small, seeded by the caller (impair.c: random bytes). */
struct fault_rng {
	uint64_t	s;
};
uint64_t fault_rand(struct fault_rng *);

/*
 * One frame's fate on one output: how many copies go (0 lost, 1, or 2
 * duplicated) and each one's delay in microseconds (0: at once, a
 * reordered frame).
 */
unsigned fault_fate(const struct fault *, struct fault_rng *, uint32_t delay_us[2]);

/* The delay line: a binary heap of frames by due time, then arrival. */
struct fault_item {
	int64_t		due_ns;
	uint64_t	seq;		/* arrival order */
	unsigned	port;
	size_t		len;
	uint8_t		*buf;		/* the caller's */
};
struct fault_queue {
	struct fault_item	item[FAULT_QUEUE_MAX];
	unsigned		n;
};
/* false when full (the caller drops and counts the frame). */
bool	fault_queue_push(struct fault_queue *, const struct fault_item *);
/* The earliest item, if due at now: popped into *out. */
bool	fault_queue_pop_due(struct fault_queue *, int64_t now_ns, struct fault_item *out);
/* When the earliest is due, or -1 if empty. */
int64_t	fault_queue_next(const struct fault_queue *);

#endif /* FEDERATION_LAB_FAULT_H */
