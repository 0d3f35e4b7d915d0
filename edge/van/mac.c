/*
 * mac.c — see mac.h.
 */
#include "edge/van/mac.h"

#include <stdio.h>
#include <string.h>

bool
mac_parse(const char *s, uint8_t mac[static 6])
{
	unsigned v[6];
	int i, n = 0;

	if (strlen(s) != 17 ||
	    sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%n", &v[0], &v[1], &v[2], &v[3],
	    &v[4], &v[5], &n) != 6 || n != 17)
		return false;
	for (i = 0; i < 6; i++) {
		if (s[3 * i] == ' ' || s[3 * i] == '+' || s[3 * i] == '-')
			return false;
		mac[i] = (uint8_t)v[i];
	}
	return true;
}

void
mac_str(const uint8_t mac[static 6], char buf[static 18])
{
	snprintf(buf, 18, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2],
	    mac[3], mac[4], mac[5]);
}
