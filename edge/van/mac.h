/*
 * mac.h — Ethernet MAC addresses as text: "02:00:5e:00:00:01" and back,
 * for configurations, logs and vanctl.
 *
 * Pure: no syscalls, no clock.
 */
#ifndef EDGE_VAN_MAC_H
#define EDGE_VAN_MAC_H

#include <stdbool.h>
#include <stdint.h>

/* "02:00:5e:00:00:01" -> 6 bytes; false if not exactly that form. */
bool	mac_parse(const char *, uint8_t mac[static 6]);
void	mac_str(const uint8_t mac[static 6], char buf[static 18]);

#endif /* EDGE_VAN_MAC_H */
