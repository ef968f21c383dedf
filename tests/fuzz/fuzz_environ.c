/* fuzz-sources: core/nsenter.c core/err.c core/reaper.c core/sys.c
 * nse_read_env (nsenter-lite -e: /proc/PID/environ) fed through a memfd,
 * against a model: split the bytes read on NUL, keep the pieces that contain
 * '=' and do not start with it. The parser reads into its own mmap'd buffer,
 * which ASan does not watch, so the bounds are checked here: every entry lies
 * within the bytes read (its NUL at most the one added after them), entries
 * come in order at the model's offsets with the model's bytes, and the list
 * ends with NULL right after the last one.
 *
 * The stream is "S=1\0" followed by the input, so list[0] is the start of
 * the parser's buffer and both its mappings can be unmapped after each run
 * (the parser never frees: its result becomes environ).
 *
 * An input starting with "\xffBIG" is repeated to just under, at or just past
 * 64 KiB (the parser's first buffer), so its growth by mremap is fuzzed too. */
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz_common.h"
#include "nsenter.h"

#define PREFIX "S=1"
#define FIRST_CAP ((size_t)1 << 16) /* nse_read_env's first buffer */

static int memfd = -1;

static void put_all(const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(memfd, p, n);
		if (w <= 0)
			abort();
		p += w;
		n -= (size_t)w;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t total, cap, segs = 0, kept = 0, off, start;
	char *stream, **list, *base;

	if (memfd < 0) {
		memfd = memfd_create("fuzz_environ", MFD_CLOEXEC);
		if (memfd < 0)
			abort();
	}
	total = sizeof PREFIX + size; /* the prefix with its NUL */
	if (size > 5 && !memcmp(data, "\xff" "BIG", 4))
		total = FIRST_CAP - 4 + data[4] % 8; /* 65532 .. 65539 bytes */
	stream = malloc(total + 1);
	if (!stream)
		abort();
	memcpy(stream, PREFIX, sizeof PREFIX);
	for (off = sizeof PREFIX; off < total; off += size)
		memcpy(stream + off, data, total - off < size ? total - off : size);
	if (ftruncate(memfd, 0) < 0 || lseek(memfd, 0, SEEK_SET) < 0)
		abort();
	put_all(stream, total);
	if (lseek(memfd, 0, SEEK_SET) < 0)
		abort();

	list = nse_read_env(memfd);
	FUZZ_CHECK(list != NULL);
	FUZZ_CHECK(list[0] != NULL && !strcmp(list[0], PREFIX));
	base = list[0];

	/* The model, over the same bytes. */
	stream[total] = 0;
	for (start = 0; start < total; start += strlen(stream + start) + 1) {
		const char *s = stream + start;
		segs++;
		if (*s == '=' || !strchr(s, '='))
			continue;
		/* Inside the bytes read: the entry and its NUL end by base[total],
		 * the NUL the parser adds; nothing read beyond. */
		FUZZ_CHECK(list[kept] >= base && list[kept] < base + total);
		FUZZ_CHECK((size_t)(list[kept] - base) == start);
		FUZZ_CHECK(memchr(list[kept], 0, total + 1 - start) != NULL);
		FUZZ_CHECK(!strcmp(list[kept], s));
		FUZZ_CHECK(list[kept][0] != '=' && strchr(list[kept], '='));
		kept++;
	}
	FUZZ_CHECK(list[kept] == NULL);
	FUZZ_CHECK(base[total] == 0);

	/* Unmap what the parser mapped: its buffer grows by doubling whenever
	 * it is full to its last byte, kept for the terminating NUL. */
	for (cap = FIRST_CAP; total > cap - 2; cap *= 2)
		;
	if (munmap(list, (segs + 1) * sizeof *list) < 0 || munmap(base, cap) < 0)
		abort();
	free(stream);
	return 0;
}
