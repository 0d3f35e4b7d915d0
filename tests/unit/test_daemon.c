/*
 * test_daemon.c — edge/rim/daemon.c: the command line both daemons take,
 * the boot epoch, signals (SIGHUP reloads, SIGTERM stops), and that a
 * privilege drop that fails ends the process instead of warning.
 */
#include <errno.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <event2/event.h>

#include "edge/rim/daemon.h"

/* Run fn in a child; its exit status (or -1 if it did not exit). */
static int
in_child(void (*fn)(void *), void *arg)
{
	pid_t pid;
	int st;

	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		fn(arg);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void
parse(int argc, char **argv, struct daemon_args *a)
{
	optind = 1;
	daemon_args(argc, argv, "vantest", "/etc/van/test.conf", a);
}

static void
test_args(void **state)
{
	char *plain[] = { "vantest", NULL };
	char *all[] = { "vantest", "-d", "-n", "-f", "/tmp/x.conf", NULL };
	struct daemon_args a;

	(void)state;
	parse(1, plain, &a);
	assert_string_equal(a.file, "/etc/van/test.conf");
	assert_false(a.check);
	assert_false(a.debug);
	parse(5, all, &a);
	assert_string_equal(a.file, "/tmp/x.conf");
	assert_true(a.check);
	assert_true(a.debug);
}

static void
bad_option(void *arg)
{
	char *argv[] = { "vantest", "-x", NULL };
	struct daemon_args a;

	(void)arg;
	(void)freopen("/dev/null", "w", stderr);
	parse(2, argv, &a);
}

static void
extra_argument(void *arg)
{
	char *argv[] = { "vantest", "-n", "stray", NULL };
	struct daemon_args a;

	(void)arg;
	(void)freopen("/dev/null", "w", stderr);
	parse(3, argv, &a);
}

/* -h, --help, --version: arg is the option; they exit 0 (not 2). */
static void
asked_option(void *arg)
{
	char *argv[] = { "vantest", arg, NULL };
	struct daemon_args a;

	(void)freopen("/dev/null", "w", stdout);
	(void)freopen("/dev/null", "w", stderr);
	parse(2, argv, &a);
	_exit(3);
}

static void
test_args_usage(void **state)
{
	(void)state;
	assert_int_equal(in_child(bad_option, NULL), 2);
	assert_int_equal(in_child(extra_argument, NULL), 2);
	assert_int_equal(in_child(asked_option, "-h"), 0);
	assert_int_equal(in_child(asked_option, "--help"), 0);
	assert_int_equal(in_child(asked_option, "--version"), 0);
	/* Long options other than these two are bad options. */
	assert_int_equal(in_child(asked_option, "--debug"), 2);
}

static void
test_boot_epoch(void **state)
{
	uint64_t a, b;

	(void)state;
	a = daemon_boot_epoch();
	b = daemon_boot_epoch();
	assert_true(a != 0);
	assert_true(b >= a);
}

/* ------------------------------------------------------------ signals --- */

struct sigs {
	int	reloads;
};

static void
reload(void *arg)
{
	struct sigs *s = arg;

	s->reloads++;
}

static void
test_signals(void **state)
{
	struct daemon_signals ds = { 0 };
	struct event_base *base;
	struct sigs s = { 0 };
	int i;

	(void)state;
	assert_non_null(base = event_base_new());
	assert_int_equal(daemon_signals_open(&ds, base, reload, &s), 0);
	/* SIGHUP: a reload, and the loop goes on. */
	assert_int_equal(raise(SIGHUP), 0);
	for (i = 0; i < 1000 && s.reloads == 0; i++)
		event_base_loop(base, EVLOOP_ONCE);
	assert_int_equal(s.reloads, 1);
	assert_false(event_base_got_break(base));
	/* SIGPIPE is ignored: raising it does not kill us. */
	assert_int_equal(raise(SIGPIPE), 0);
	/* SIGTERM: the loop ends, without a reload (or it times out: exit). */
	assert_int_equal(raise(SIGTERM), 0);
	assert_int_equal(event_base_loopexit(base, &(struct timeval){ 30, 0 }), 0);
	assert_int_equal(event_base_dispatch(base), 0);
	assert_true(event_base_got_break(base));
	assert_false(event_base_got_exit(base));
	assert_int_equal(s.reloads, 1);
	daemon_signals_close(&ds);
	daemon_signals_close(&ds);	/* twice is harmless */
	event_base_free(base);
}

/* --------------------------------------------------------- privileges --- */

/* Make capset(2) fail with EPERM in this process (seccomp). */
static void
deny_capset(void)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_capset, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (EPERM & SECCOMP_RET_DATA)),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { (unsigned short)(sizeof(f) / sizeof(f[0])), f };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1 ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) == -1)
		_exit(99);
}

static void
drop_denied(void *arg)
{
	(void)arg;
	(void)freopen("/dev/null", "w", stderr);
	deny_capset();
	daemon_drop_privileges(0);
	_exit(0);	/* it returned: the failure was not fatal */
}

static void
drop_allowed(void *arg)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2];

	(void)arg;
	daemon_drop_privileges(0);
	if (syscall(SYS_capget, &hdr, data) == -1)
		_exit(3);
	/* Nothing is left, and no exec can bring it back. */
	if (data[0].effective != 0 || data[0].permitted != 0 ||
	    data[1].effective != 0 || data[1].permitted != 0)
		_exit(4);
	if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1)
		_exit(5);
	_exit(0);
}

static void
test_drop_privileges(void **state)
{
	(void)state;
	assert_int_equal(in_child(drop_allowed, NULL), 0);
	assert_int_equal(in_child(drop_denied, NULL), 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_args),
		cmocka_unit_test(test_args_usage),
		cmocka_unit_test(test_boot_epoch),
		cmocka_unit_test(test_signals),
		cmocka_unit_test(test_drop_privileges),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
