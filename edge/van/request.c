/*
 * request.c — split a control request line into words (see request.h).
 *
 * Pure.
 */
#include "edge/van/request.h"

int
request_split(char *line, size_t len, char *argv[static REQUEST_ARGS_MAX + 1],
    const char **err)
{
	size_t i;
	int argc = 0;

	if (len > REQUEST_LINE_MAX) {
		*err = "request too long";
		return -1;
	}
	for (i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)line[i];

		if (ch == ' ' || ch == '\t' || ch == '\r') {
			line[i] = '\0';
			continue;
		}
		if (ch < 0x20 || ch == 0x7f) {
			*err = "request contains a control character";
			return -1;
		}
		if (i == 0 || line[i - 1] == '\0') {
			if (argc == REQUEST_ARGS_MAX) {
				*err = "too many words in the request";
				return -1;
			}
			argv[argc++] = line + i;
		}
	}
	argv[argc] = NULL;
	if (argc == 0) {
		*err = "empty request";
		return -1;
	}
	return argc;
}
