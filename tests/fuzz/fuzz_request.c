/*
 * fuzz_request.c — libFuzzer harness for request_split, which splits the
 * control socket's request lines: no out-of-bounds access; every word it
 * returns is non-empty, inside the line, free of separators and control
 * bytes, and UTF-8 (jansson, which the answer is made with, takes it).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "edge/van/request.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *line = malloc(size + 1), *argv[REQUEST_ARGS_MAX + 1];
	const char *err;
	json_t *w;
	int argc, i;

	memcpy(line, data, size);
	line[size] = '\0';
	argc = request_split(line, size, argv, &err);
	if (argc == 0 || argc > REQUEST_ARGS_MAX)
		abort();
	for (i = 0; i < argc; i++) {
		size_t n = strlen(argv[i]), k;

		if (n == 0 || argv[i] < line || argv[i] + n > line + size)
			abort();
		for (k = 0; k < n; k++)
			if ((unsigned char)argv[i][k] <= 0x20 || argv[i][k] == 0x7f)
				abort();
		if ((w = json_string(argv[i])) == NULL)
			abort();
		json_decref(w);
	}
	if (argc > 0 && argv[argc] != NULL)
		abort();
	free(line);
	return 0;
}
