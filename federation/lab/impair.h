/*
 * impair.h — a faulty underlay: `vanlab impair` makes a site's switch,
 * or the internet, lose, duplicate, delay and reorder frames (fault.h);
 * `vanlab partition` cuts a site's proxies off the internet and back.
 *
 * An impaired switch is a process of vanlab's in the switch's namespace:
 * its ports leave br0 and it forwards between them as a learning switch
 * does, each frame's copy to each output port meeting the faults on its
 * own, as netem on every port of the bridge would do it.  `off` stops it
 * and puts the ports back into br0.  Files in the state directory:
 * impair-NAME.pid, impair-NAME.conf (the faults), impair-NAME.stats (its
 * counters, rewritten every second), impair-NAME.log.
 */
#ifndef FEDERATION_LAB_IMPAIR_H
#define FEDERATION_LAB_IMPAIR_H

/* `vanlab impair SWITCH [FAULT...|off]`: no fault: show it.  0, 1 failed,
 * 2 usage. */
int	impair_run(const char *prefix, int argc, char **argv);
/* `vanlab partition SITE on|off`.  0, 1 failed, 2 usage. */
int	impair_partition(const char *prefix, const char *site, const char *how);

#endif /* FEDERATION_LAB_IMPAIR_H */
