/*
 * pair.c — see pair.h.
 */
#include "proxy/pair.h"

#include <string.h>

/* One side of node n: the site (inet false) or the internet. */
static void
instance(FILE *f, const struct pair_conf *p, unsigned n, int inet)
{
	const struct pair_node *me = &p->node[n], *twin = &p->node[1 - n];

	fprintf(f, "\nvrrp_instance %s_%s {\n", p->site, inet ? "inet" : "site");
	fprintf(f, "    # %s\n", inet ? "the internet side: the peers' endpoint" :
	    "the site side: the edges' member");
	fprintf(f, "    state BACKUP\n    interface %s\n    virtual_router_id %u\n"
	    "    priority %u\n    advert_int %s\n    preempt_delay %s\n",
	    inet ? p->inet_dev : p->site_dev, inet ? p->vrid_inet : p->vrid_site,
	    n == 0 ? PAIR_PRIO_FIRST : PAIR_PRIO_SECOND, PAIR_ADVERT_INT,
	    PAIR_PREEMPT_DELAY);
	fprintf(f, "    unicast_src_ip %s\n    unicast_peer {\n        %s\n    }\n"
	    "    check_unicast_src\n", inet ? me->inet_addr : me->site_addr,
	    inet ? twin->inet_addr : twin->site_addr);
	fprintf(f, "    virtual_ipaddress {\n        %s/32 dev %s\n    }\n",
	    inet ? p->inet_vip : p->site_vip, inet ? p->inet_dev : p->site_dev);
	/*
	 * A master that hears a lower priority has won after the pair split
	 * (both were master: the twin served the site meanwhile, with a newer
	 * epoch and sessions): renew.  Once, on the site side.
	 */
	if (!inet)
		fprintf(f, "    notify_master_rx_lower_pri \"%s %s %s renew "
		    "MASTER_RX_LOWER_PRI\"\n", p->notify, p->control, p->state_dir);
	fprintf(f, "}\n");
}

void
pair_keepalived_conf(FILE *f, const struct pair_conf *p, unsigned n)
{
	const char *d = p->state_dir;

	fprintf(f, "# keepalived.conf of %s, node %u of site %s's vanproxy pair "
	    "(with %s).\n# Written by vanfed (proxy/pair.c); docs/operations.md, "
	    "\"A gateway pair\".\n", p->node[n].name, n + 1, p->site,
	    p->node[1 - n].name);
	fprintf(f, "global_defs {\n    router_id %s\n    vrrp_version 3\n"
	    "    # adverts on time on a busy gateway\n    vrrp_rt_priority 50\n"
	    "    max_auto_priority -1\n    script_user root\n"
	    "    enable_script_security\n}\n", p->node[n].name);
	if (p->track_process)
		fprintf(f, "\n# vanproxy's death is seen at once (the kernel's "
		    "process events).\nvrrp_track_process vanproxy {\n"
		    "    process \"%s\" -f \"%s\"\n    param_match partial\n"
		    "    weight 0\n}\n", p->vanproxy, p->vanproxy_conf);
	else
		fprintf(f, "\n# No track_process: this network namespace has no "
		    "process events;\n# the check sees a dead vanproxy within its "
		    "second.\n");
	fprintf(f, "\n# vanproxy answers in time: a hung one fails.\n"
	    "vrrp_script vanproxy_answers {\n    script \"%s -s %s show stats\"\n"
	    "    interval 1\n    timeout 1\n    fall 1\n    rise 1\n}\n", p->vanctl,
	    p->control);
	fprintf(f, "\n# vanproxy's drain_file: 1 when it was stood down by hand (a "
	    "planned\n# switch-over), 0 from its start.\n"
	    "track_file drain {\n    file \"%s/" PAIR_DRAIN_FILE "\"\n"
	    "    weight 0\n    init_file 0\n}\n", d);
	fprintf(f, "\nvrrp_sync_group %s {\n    group {\n        %s_site\n"
	    "        %s_inet\n    }\n", p->site, p->site, p->site);
	if (p->track_process)
		fprintf(f, "    track_process {\n        vanproxy\n    }\n");
	fprintf(f, "    track_script {\n        vanproxy_answers\n    }\n"
	    "    track_file {\n        drain\n    }\n");
	fprintf(f, "    notify_master \"%s %s %s active MASTER\"\n"
	    "    notify_backup \"%s %s %s standby BACKUP\"\n"
	    "    notify_fault \"%s %s %s standby FAULT\"\n"
	    "    notify_stop \"%s %s %s standby STOP\"\n}\n",
	    p->notify, p->control, d, p->notify, p->control, d,
	    p->notify, p->control, d, p->notify, p->control, d);
	instance(f, p, n, 0);
	instance(f, p, n, 1);
}

static int
word_ok(const char *s, const char *more)
{
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || strchr("._-", *s) != NULL ||
		    strchr(more, *s) != NULL))
			return 0;
	return 1;
}

const char *
pair_conf_bad(const struct pair_conf *p)
{
	const struct { const char *name, *v, *more; } f[] = {
		{ "site", p->site, "" },
		{ "site_vip", p->site_vip, "" }, { "site_dev", p->site_dev, "" },
		{ "inet_vip", p->inet_vip, "" }, { "inet_dev", p->inet_dev, "" },
		{ "node 1 name", p->node[0].name, "" },
		{ "node 1 site address", p->node[0].site_addr, "" },
		{ "node 1 internet address", p->node[0].inet_addr, "" },
		{ "node 2 name", p->node[1].name, "" },
		{ "node 2 site address", p->node[1].site_addr, "" },
		{ "node 2 internet address", p->node[1].inet_addr, "" },
		{ "notify", p->notify, "/+" }, { "vanctl", p->vanctl, "/+" },
		{ "control", p->control, "/+" }, { "state_dir", p->state_dir, "/+" },
		{ "vanproxy", p->vanproxy, "/+" },
		{ "vanproxy_conf", p->vanproxy_conf, "/+" },
	};
	size_t i;

	for (i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		if (!word_ok(f[i].v, f[i].more))
			return f[i].name;
	if (p->vrid_site < 1 || p->vrid_site > 255 || p->vrid_inet < 1 ||
	    p->vrid_inet > 255 || p->vrid_site == p->vrid_inet)
		return "virtual router IDs";
	return NULL;
}
