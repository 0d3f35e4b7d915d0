/*
 * stage.h — packets waiting for a session [5]: one pool of fixed-size
 * slots shared by all peers of a device, and per peer a FIFO of slots
 * (at most WG_STAGED_PER_PEER; the oldest goes first when it is full).
 *
 * Pure but for the allocation in stage_init.  A slot's buffer has room for
 * the transport header in front and padding and tag behind the payload, so
 * a staged payload is encrypted in place when its session arrives.
 */
#ifndef CRYPTO_STAGE_H
#define CRYPTO_STAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define STAGE_NONE	UINT32_MAX

struct stage_meta {
	uint32_t	next;
	uint32_t	len;		/* payload bytes */
	uint32_t	flags;		/* the sender's wgdev_send flags */
};

struct stage_pool {
	uint8_t		*buf;		/* nslots * stride */
	struct stage_meta *meta;
	size_t		stride;
	uint32_t	nslots;
	uint32_t	free_head;
	uint32_t	nfree;
};

struct stage_queue {
	uint32_t	head;
	uint32_t	tail;
	uint32_t	count;
};

/* nslots slots each holding payloads of up to payload_max bytes. */
int	stage_init(struct stage_pool *, uint32_t nslots, size_t payload_max);
/* Wipes every slot. */
void	stage_free(struct stage_pool *);
void	stage_queue_init(struct stage_queue *);
/*
 * Append a copy of payload.  When the queue holds per_queue_max packets,
 * or the pool is empty, the queue's oldest packet makes room (*dropped
 * counts it); with an empty queue and an empty pool the new packet is the
 * one refused (-1).
 */
int	stage_push(struct stage_pool *, struct stage_queue *, const uint8_t *,
	    size_t len, uint32_t flags, uint32_t per_queue_max,
	    unsigned *dropped);
/* The oldest slot of a queue (STAGE_NONE when empty). */
uint32_t stage_head(const struct stage_queue *);
/* Slot buffer: the payload is at WG_TRANSPORT_HDR_LEN; capacity stride. */
uint8_t *stage_buf(const struct stage_pool *, uint32_t slot);
const struct stage_meta *stage_meta(const struct stage_pool *, uint32_t slot);
/* Remove (and wipe) the oldest packet of a queue. */
void	stage_pop(struct stage_pool *, struct stage_queue *);
/* Empty a queue; returns how many packets were dropped. */
unsigned stage_clear(struct stage_pool *, struct stage_queue *);

#endif /* CRYPTO_STAGE_H */
