/*
 * log.c — see log.h.
 */
#include "edge/rim/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *log_prog = "van";
static enum log_level log_lvl = LOG_LVL_INFO;
static enum log_level log_floor = LOG_LVL_ERR;
static bool log_journal;	/* stderr is journald's stream: <N> prefixes */

/*
 * Is stderr the stream systemd connected to journald?  JOURNAL_STREAM is
 * its "DEVICE:INODE" (sd_journal_stream_fd(3), systemd.exec(5)); a child
 * whose stderr was redirected inherits the variable, so it counts only
 * if stderr is still that file.
 */
static bool
log_stderr_is_journal(void)
{
	const char *s = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;
	char *end;

	if (s == NULL)
		return false;
	dev = strtoull(s, &end, 10);
	if (end == s || *end != ':')
		return false;
	s = end + 1;
	ino = strtoull(s, &end, 10);
	if (end == s || *end != '\0')
		return false;
	return fstat(STDERR_FILENO, &st) == 0 && (unsigned long long)st.st_dev == dev &&
	    (unsigned long long)st.st_ino == ino;
}

void
log_init(const char *prog, enum log_level lvl)
{
	log_prog = prog;
	log_lvl = lvl;
	log_journal = log_stderr_is_journal();
}

void
log_set_level(enum log_level lvl)
{
	log_lvl = lvl > log_floor ? lvl : log_floor;
}

enum log_level
log_get_level(void)
{
	return log_lvl;
}

bool
log_below_floor(enum log_level lvl)
{
	return lvl < log_floor;
}

void
log_set_floor(enum log_level lvl)
{
	log_floor = lvl;
	if (log_lvl < lvl)
		log_lvl = lvl;
}

bool
log_level_parse(const char *s, enum log_level *lvl)
{
	static const char *const names[] = { "error", "warning", "info", "debug" };
	unsigned i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(s, names[i]) == 0) {
			*lvl = (enum log_level)i;
			return true;
		}
	if (strcmp(s, "warn") == 0) {
		*lvl = LOG_LVL_WARN;
		return true;
	}
	return false;
}

const char *
log_level_str(enum log_level lvl)
{
	switch (lvl) {
	case LOG_LVL_ERR:
		return "error";
	case LOG_LVL_WARN:
		return "warning";
	case LOG_LVL_INFO:
		return "info";
	case LOG_LVL_DEBUG:
		return "debug";
	}
	return "?";
}

static void log_v(enum log_level, const char *, va_list)
    __attribute__((format(printf, 2, 0)));

static void
log_v(enum log_level lvl, const char *fmt, va_list ap)
{
	static const char *const tag[] = { "error: ", "warning: ", "", "debug: " };
	/* syslog(3)'s priorities, which journald reads off each line. */
	static const char *const prio[] = { "<3>", "<4>", "<6>", "<7>" };
	char line[1024];

	if (lvl > log_lvl)
		return;
	vsnprintf(line, sizeof(line), fmt, ap);
	fprintf(stderr, "%s%s: %s%s\n", log_journal ? prio[lvl] : "", log_prog,
	    tag[lvl], line);
}

#define LOG_FN(name, lvl)			\
void						\
name(const char *fmt, ...)			\
{						\
	va_list ap;				\
						\
	va_start(ap, fmt);			\
	log_v(lvl, fmt, ap);			\
	va_end(ap);				\
}

LOG_FN(log_err, LOG_LVL_ERR)
LOG_FN(log_warn, LOG_LVL_WARN)
LOG_FN(log_info, LOG_LVL_INFO)
LOG_FN(log_debug, LOG_LVL_DEBUG)

void
fatal(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_v(LOG_LVL_ERR, fmt, ap);
	va_end(ap);
	exit(1);
}

bool
log_limit_ok(struct log_limit *l, monotime_t now)
{
	if (bucket_take(&l->bucket, 1, now))
		return true;
	l->suppressed++;
	return false;
}
