/* Shared by the libFuzzer harnesses (tests/fuzz/run builds them with clang
 * -fsanitize=fuzzer,address,undefined). Never part of isobox itself. */
#ifndef ISOBOX_FUZZ_COMMON_H
#define ISOBOX_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A broken invariant is a crash: libFuzzer saves the input that caused it. */
#define FUZZ_CHECK(cond)                                                          \
	do {                                                                      \
		if (!(cond)) {                                                    \
			fprintf(stderr, "%s:%d: invariant broken: %s\n", __FILE__, \
			        __LINE__, #cond);                                 \
			abort();                                                  \
		}                                                                 \
	} while (0)

/* Split data on NUL into an argv (the input format of AFL++'s argv fuzzing):
 * argv[0] is "fuzz", argv[argc] is NULL. Every string gets its own exact-size
 * allocation, so reading past the end of one is an ASan error rather than a
 * quiet read of the next. Free with fuzz_argv_free. */
struct fuzz_argv {
	int argc;
	char **argv;
};

#define FUZZ_MAX_ARGS 256

static inline char *fuzz_strndup(const uint8_t *s, size_t n)
{
	char *p = malloc(n + 1);
	if (!p)
		abort();
	memcpy(p, s, n);
	p[n] = 0;
	return p;
}

static inline struct fuzz_argv fuzz_argv_split(const uint8_t *data, size_t size)
{
	struct fuzz_argv a;
	size_t i, start = 0;

	a.argv = calloc(FUZZ_MAX_ARGS + 2, sizeof *a.argv);
	if (!a.argv)
		abort();
	a.argv[0] = fuzz_strndup((const uint8_t *)"fuzz", 4);
	a.argc = 1;
	for (i = 0; i <= size && a.argc <= FUZZ_MAX_ARGS; i++) {
		if (i < size && data[i])
			continue;
		if (i > start || i < size) /* "a\0\0b" has an empty argument */
			a.argv[a.argc++] = fuzz_strndup(data + start, i - start);
		start = i + 1;
	}
	a.argv[a.argc] = NULL;
	return a;
}

static inline void fuzz_argv_free(struct fuzz_argv *a)
{
	int i;
	for (i = 0; i < a->argc; i++)
		free(a->argv[i]);
	free(a->argv);
}

#endif
