/*
 * lab_int.h — what lab.c (sites, hosts, VMs) and labfed.c (the proxies,
 * the internet switch, the peerings) share while they parse one topology:
 * the parse context and the checked readers of libconfig settings, each
 * of which reports "FILE:LINE: message" through lab_fail.  Not for other
 * files: lab.h is the model's interface.
 */
#ifndef FEDERATION_LAB_INT_H
#define FEDERATION_LAB_INT_H

#include <stdbool.h>
#include <stdint.h>

#include <libconfig.h>

#include "federation/lab.h"

struct lab_ctx {
	const char	*file;
	char		*err;		/* LAB_ERR_MAX bytes */
	struct lab	*lab;
	bool		several;	/* more than one site: proxies, names kept */
};

/* Fill c->err with "FILE:LINE: message" (the line of s, 0 without); false. */
bool	lab_fail(struct lab_ctx *, const config_setting_t *, const char *, ...)
	    __attribute__((format(printf, 3, 4)));
/* Every member of group s is one of allowed (NULL-terminated). */
bool	lab_only_known(struct lab_ctx *, const config_setting_t *,
	    const char *const *allowed);
/* Optional settings of group g: unchanged *out when absent. */
bool	lab_get_u32(struct lab_ctx *, const config_setting_t *g, const char *name,
	    uint32_t min, uint32_t max, uint32_t *out);
bool	lab_get_str(struct lab_ctx *, const config_setting_t *g, const char *name,
	    const char **out);
bool	lab_get_bool(struct lab_ctx *, const config_setting_t *g, const char *name,
	    bool *out);
const config_setting_t *lab_member(const config_setting_t *g, const char *name);

uint32_t lab_plen_mask(unsigned plen);
bool	lab_ip_parse(const char *, uint32_t *ip);
/* "a.b.c.d/n" with min <= n <= max. */
bool	lab_cidr_parse(const char *, unsigned min, unsigned max, uint32_t *ip,
	    uint8_t *plen);

/* labfed.c.  A site's `proxy` group (s: the site's setting), once its
 * hosts are parsed; the defaults when there is none. */
bool	lab_parse_proxy(struct lab_ctx *, const config_setting_t *s, unsigned si);
/* The topology's `lab.internet` (g: the `lab` group, or NULL). */
bool	lab_parse_internet(struct lab_ctx *, const config_setting_t *g);
/* `peerings`, once every site is parsed (root: the file's root); or,
 * with `plan`, the peerings that vanplan's peering files make. */
bool	lab_parse_peerings(struct lab_ctx *, const config_setting_t *root);

#endif /* FEDERATION_LAB_INT_H */
