/*
 * request.h — a control request is one line of words separated by spaces
 * or tabs: "show fdb 100", "attach blue tap7 02:00:5e:00:00:07".
 */
#ifndef EDGE_VAN_REQUEST_H
#define EDGE_VAN_REQUEST_H

#include <stddef.h>

#define REQUEST_LINE_MAX	1024
#define REQUEST_ARGS_MAX	16
#define CTL_LINE_MAX		REQUEST_LINE_MAX
#define CTL_ARGS_MAX		REQUEST_ARGS_MAX

/*
 * Split line (len bytes, no newline) in place into at most
 * REQUEST_ARGS_MAX words; argv[argc] = NULL.  Returns argc, or -1 with err
 * set: too long, a NUL or other control byte, not UTF-8 (the answer, JSON,
 * quotes the words), too many words, empty.
 */
int	request_split(char *line, size_t len, char *argv[static REQUEST_ARGS_MAX + 1],
	    const char **err);

#endif /* EDGE_VAN_REQUEST_H */
