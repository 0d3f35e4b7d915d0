/*
 * bytes.h — loads and stores of integers at a byte address, in network
 * order (be: big-endian) and, for the virtio-net header, little-endian.
 * For code that has checked its bounds already (a frame's layout, a
 * header of known size); a parser of untrusted input uses wire.h's cursor,
 * which checks every read.
 *
 * Pure.
 */
#ifndef EDGE_VAN_BYTES_H
#define EDGE_VAN_BYTES_H

#include <stdint.h>

static inline uint16_t
bytes_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t
bytes_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline void
bytes_put_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void
bytes_put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static inline uint16_t
bytes_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static inline void
bytes_put_le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

#endif /* EDGE_VAN_BYTES_H */
