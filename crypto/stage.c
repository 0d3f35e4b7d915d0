/*
 * stage.c — the staging pool and per-peer FIFOs.  Pure but for the one
 * allocation in stage_init.  Freed slots are wiped: they held plaintext.
 */
#include "crypto/stage.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/wg.h"

int
stage_init(struct stage_pool *sp, uint32_t nslots, size_t payload_max)
{
	uint32_t i;

	memset(sp, 0, sizeof(*sp));
	if (nslots == 0 || nslots > WG_STAGE_POOL_MAX ||
	    payload_max > WG_PAYLOAD_MAX)
		return -1;
	sp->stride = WG_TRANSPORT_MIN_LEN +
	    ((payload_max + WG_PAD_MULTIPLE - 1) & ~(size_t)(WG_PAD_MULTIPLE - 1));
	sp->buf = calloc(nslots, sp->stride);
	sp->meta = calloc(nslots, sizeof(*sp->meta));
	if (sp->buf == NULL || sp->meta == NULL) {
		stage_free(sp);
		return -1;
	}
	sp->nslots = nslots;
	for (i = 0; i < nslots; i++)
		sp->meta[i].next = i + 1 < nslots ? i + 1 : STAGE_NONE;
	sp->free_head = 0;
	sp->nfree = nslots;
	return 0;
}

void
stage_free(struct stage_pool *sp)
{
	if (sp->buf != NULL)
		sodium_memzero(sp->buf, (size_t)sp->nslots * sp->stride);
	free(sp->buf);
	free(sp->meta);
	memset(sp, 0, sizeof(*sp));
}

void
stage_queue_init(struct stage_queue *q)
{
	q->head = q->tail = STAGE_NONE;
	q->count = 0;
}

uint32_t
stage_head(const struct stage_queue *q)
{
	return q->head;
}

uint8_t *
stage_buf(const struct stage_pool *sp, uint32_t slot)
{
	return sp->buf + (size_t)slot * sp->stride;
}

const struct stage_meta *
stage_meta(const struct stage_pool *sp, uint32_t slot)
{
	return &sp->meta[slot];
}

void
stage_pop(struct stage_pool *sp, struct stage_queue *q)
{
	uint32_t s = q->head;
	size_t used;

	if (s == STAGE_NONE)
		return;
	q->head = sp->meta[s].next;
	if (q->head == STAGE_NONE)
		q->tail = STAGE_NONE;
	q->count--;
	/* Plaintext, padding and tag: at most this much of the slot was used. */
	used = WG_TRANSPORT_MIN_LEN + (size_t)sp->meta[s].len + WG_PAD_MULTIPLE;
	sodium_memzero(stage_buf(sp, s), used < sp->stride ? used : sp->stride);
	sp->meta[s].len = 0;
	sp->meta[s].next = sp->free_head;
	sp->free_head = s;
	sp->nfree++;
}

unsigned
stage_clear(struct stage_pool *sp, struct stage_queue *q)
{
	unsigned n = 0;

	while (q->head != STAGE_NONE) {
		stage_pop(sp, q);
		n++;
	}
	return n;
}

int
stage_push(struct stage_pool *sp, struct stage_queue *q, const uint8_t *p,
    size_t len, uint32_t flags, uint32_t per_queue_max, unsigned *dropped)
{
	uint32_t s;

	if (len + WG_TRANSPORT_MIN_LEN > sp->stride)
		return -1;
	if (q->count >= per_queue_max || (sp->nfree == 0 && q->count > 0)) {
		stage_pop(sp, q);
		(*dropped)++;
	}
	if (sp->nfree == 0)
		return -1;
	s = sp->free_head;
	sp->free_head = sp->meta[s].next;
	sp->nfree--;
	sp->meta[s].next = STAGE_NONE;
	sp->meta[s].len = (uint32_t)len;
	sp->meta[s].flags = flags;
	if (len > 0)
		memcpy(stage_buf(sp, s) + WG_TRANSPORT_HDR_LEN, p, len);
	if (q->tail == STAGE_NONE)
		q->head = s;
	else
		sp->meta[q->tail].next = s;
	q->tail = s;
	q->count++;
	return 0;
}
