/*
 * test_link.c — link_parse (edge/rim/link.c): rtnetlink's link messages,
 * well formed and not, as the kernel would send them.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <linux/if.h>
#include <linux/rtnetlink.h>

#include "edge/rim/link.h"

static uint32_t buf[1024];	/* aligned, as a read into it would be */
static struct link_event seen[8];
static int nseen;

static void
record(const struct link_event *ev, void *arg)
{
	(void)arg;
	if (nseen < 8)
		seen[nseen] = *ev;
	nseen++;
}

/* Append a link message at off; returns the new end. */
static size_t
put(size_t off, uint16_t type, int idx, unsigned flags, const char *name,
    size_t namelen)
{
	uint8_t *p = (uint8_t *)buf + off;
	struct nlmsghdr *h = (struct nlmsghdr *)p;
	struct ifinfomsg *ifi = (struct ifinfomsg *)(p + NLMSG_HDRLEN);
	struct rtattr *a = (struct rtattr *)(p + NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(*ifi)));
	size_t len = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(*ifi));

	memset(p, 0, 256);
	ifi->ifi_index = idx;
	ifi->ifi_flags = flags;
	if (name != NULL) {
		a->rta_type = IFLA_IFNAME;
		a->rta_len = (unsigned short)RTA_LENGTH(namelen);
		memcpy(RTA_DATA(a), name, namelen);
		len += RTA_ALIGN(a->rta_len);
	}
	h->nlmsg_len = (uint32_t)len;
	h->nlmsg_type = type;
	return off + NLMSG_ALIGN(len);
}

static void
test_events(void **state)
{
	size_t n;

	(void)state;
	nseen = 0;
	n = put(0, RTM_NEWLINK, 7, IFF_UP, "vnet3", 6);
	n = put(n, RTM_DELLINK, 8, 0, "veth-h1", 8);
	n = put(n, RTM_NEWADDR, 9, 0, NULL, 0);		/* not a link: skipped */
	n = put(n, RTM_NEWLINK, 10, 0, NULL, 0);	/* no name */
	assert_int_equal(link_parse(buf, n, record, NULL), 3);
	assert_int_equal(nseen, 3);
	assert_int_equal(seen[0].ifindex, 7);
	assert_true(seen[0].up);
	assert_false(seen[0].gone);
	assert_string_equal(seen[0].name, "vnet3");
	assert_int_equal(seen[1].ifindex, 8);
	assert_true(seen[1].gone);
	assert_string_equal(seen[1].name, "veth-h1");
	assert_int_equal(seen[2].ifindex, 10);
	assert_false(seen[2].up);
	assert_string_equal(seen[2].name, "");
}

static void
test_malformed(void **state)
{
	struct nlmsghdr *h = (struct nlmsghdr *)buf;
	size_t n;

	(void)state;
	/* A name that does not fit IFNAMSIZ. */
	nseen = 0;
	n = put(0, RTM_NEWLINK, 7, IFF_UP, "abcdefghijklmnopqrst", 21);
	assert_int_equal(link_parse(buf, n, record, NULL), -1);
	assert_int_equal(nseen, 0);
	/* A length past the buffer: malformed, nothing read beyond it. */
	n = put(0, RTM_DELLINK, 7, 0, "vnet3", 6);
	h->nlmsg_len = 4000;
	assert_int_equal(link_parse(buf, n, record, NULL), -1);
	assert_int_equal(nseen, 0);
	/* One of 2^31 or more (libmnl's own check compares it as int). */
	h->nlmsg_len = 0x80000010;
	assert_int_equal(link_parse(buf, n, record, NULL), -1);
	assert_int_equal(nseen, 0);
	/* Too short for its ifinfomsg. */
	n = put(0, RTM_DELLINK, 7, 0, NULL, 0);
	h->nlmsg_len = NLMSG_HDRLEN + 4;
	assert_int_equal(link_parse(buf, NLMSG_HDRLEN + 4, record, NULL), -1);
	assert_int_equal(nseen, 0);
	/* No index. */
	n = put(0, RTM_DELLINK, 0, 0, "vnet3", 6);
	assert_int_equal(link_parse(buf, n, record, NULL), -1);
	/* The good one before a bad one is passed on. */
	nseen = 0;
	n = put(0, RTM_DELLINK, 5, 0, "vnet3", 6);
	n = put(n, RTM_DELLINK, -1, 0, "vnet4", 6);
	assert_int_equal(link_parse(buf, n, record, NULL), -1);
	assert_int_equal(nseen, 1);
	assert_int_equal(seen[0].ifindex, 5);
	/* Nothing at all. */
	assert_int_equal(link_parse(buf, 0, record, NULL), 0);
	assert_int_equal(link_parse(buf, 3, record, NULL), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_events),
		cmocka_unit_test(test_malformed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
