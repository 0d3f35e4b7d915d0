/*
 * request.c — split a control request line into words (see request.h).
 *
 * Pure.
 */
#include "edge/van/request.h"

#include <stdint.h>

/*
 * The length of the UTF-8 sequence at s (n bytes left), 0 if it is not
 * one: a truncated or overlong sequence, a surrogate, above U+10FFFF.  The
 * answer is JSON, which holds UTF-8 only, and quotes the request's words.
 */
static size_t
utf8_len(const unsigned char *s, size_t n)
{
	uint32_t cp;
	size_t len, i;

	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0) {
		len = 2;
		cp = s[0] & 0x1f;
	} else if ((s[0] & 0xf0) == 0xe0) {
		len = 3;
		cp = s[0] & 0x0f;
	} else if ((s[0] & 0xf8) == 0xf0) {
		len = 4;
		cp = s[0] & 0x07;
	} else
		return 0;
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) ||
	    (len == 4 && cp < 0x10000) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

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
		size_t n;

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
		if ((n = utf8_len((const unsigned char *)line + i, len - i)) == 0) {
			*err = "request is not UTF-8";
			return -1;
		}
		i += n - 1;
	}
	argv[argc] = NULL;
	if (argc == 0) {
		*err = "empty request";
		return -1;
	}
	return argc;
}
