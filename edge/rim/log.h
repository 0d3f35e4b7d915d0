/*
 * log.h — daemon logging: one line per event to stderr (journald adds the
 * time and the unit), with a level, and a token bucket for messages that
 * packets from the network can trigger.  Pure code never logs.  When
 * stderr is journald's stream (JOURNAL_STREAM names it, log_init checks)
 * each line starts with its syslog priority, <3> error, <4> warning,
 * <6> info, <7> debug, so that `journalctl -p err` selects.
 */
#ifndef EDGE_RIM_LOG_H
#define EDGE_RIM_LOG_H

#include <stdbool.h>
#include <stdint.h>

#include "crypto/bucket.h"
#include "crypto/monotime.h"

enum log_level { LOG_LVL_ERR, LOG_LVL_WARN, LOG_LVL_INFO, LOG_LVL_DEBUG };

void	log_init(const char *prog, enum log_level);
void	log_set_level(enum log_level);
/* The level in force: log_set_level's, never below the floor. */
enum log_level log_get_level(void);
/* Never below it: refuse log_set_level(lvl)? */
bool	log_below_floor(enum log_level);
/* Never log less than this (vanedge -d), whatever log_set_level says. */
void	log_set_floor(enum log_level);
/* error, warning (or warn), info, debug. */
bool	log_level_parse(const char *, enum log_level *);
const char *log_level_str(enum log_level);

void	log_err(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));
/* Start-up failures only: log and exit(1). */
void	fatal(const char *, ...) __attribute__((format(printf, 1, 2), noreturn));

/* At most b messages, r a second (LOG_LIMIT(r, b)); counts what it held back. */
struct log_limit {
	struct bucket	bucket;
	uint64_t	suppressed;
};
#define LOG_LIMIT(r, b)	\
	((struct log_limit){ .bucket = { .rate = (r), .burst = (b) } })

bool	log_limit_ok(struct log_limit *, monotime_t now);

#endif /* EDGE_RIM_LOG_H */
