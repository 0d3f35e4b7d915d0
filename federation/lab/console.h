/*
 * console.h — into a running lab: `vanlab exec NAME -- COMMAND...` runs a
 * command in the namespace NAME stands for (a VM, a host, SITE-sw and,
 * with several sites, SITE-gw and inet: `ip netns exec`), `vanlab ctl
 * HOST|SITE-gw -- ARGS...` runs vanctl against that host's vanedge or
 * that site's vanproxy.  A site with a pair of gateways: SITE-gw is the
 * active one (asked at the time), SITE-gw1 and SITE-gw2 each of them.
 */
#ifndef FEDERATION_LAB_CONSOLE_H
#define FEDERATION_LAB_CONSOLE_H

#define CONSOLE_ARGS_MAX	64	/* words of the command */

/*
 * argv[0] the name, then an optional "--" and the command; argc >= 1.
 * They return only when they cannot run it: 1 (no such lab or name), 2
 * (no command, or more than CONSOLE_ARGS_MAX words), 127 (the exec
 * failed); each reported.
 */
int	console_exec(const char *prefix, int argc, char **argv);
int	console_ctl(const char *prefix, int argc, char **argv);

#endif /* FEDERATION_LAB_CONSOLE_H */
