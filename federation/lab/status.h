/*
 * status.h — `vanlab status`: a running lab's hosts (namespace, underlay
 * address, whether vanedge runs and sees its members alive), its VMs
 * (where they run, their addresses, whether their NIC is there) and, with
 * several sites, its proxies (vanproxy, `wg` name, peers alive; of a
 * pair both gateways, each one's role and keepalived).
 */
#ifndef FEDERATION_LAB_STATUS_H
#define FEDERATION_LAB_STATUS_H

/* 0 when everything is as it should be; 1 otherwise, or when no lab of
 * this prefix is up (reported). */
int	status_run(const char *prefix);

#endif /* FEDERATION_LAB_STATUS_H */
