/* fuzz-sources: core/mount.c core/ns.c core/err.c core/reaper.c core/sys.c
 * mnt_parse_mountinfo and mnt_tree_members, the reading of
 * /proc/self/mountinfo behind encapsulate's walk on kernels without
 * mount_setattr. The parser against a model of the format as it reads it:
 * lines split on '\n' (a last line may lack it), fields on single spaces
 * (a missing field is ""), the first two decimal (digits up to the first
 * other byte, reading stops once the value reaches 2^58), the fifth the mount
 * point with \ooo escapes undone; every point inside the text, no more
 * entries than MAX or lines. Tree membership against a breadth-first search
 * from the root, on the parsed table and on a small random one. */
#include "fuzz_common.h"
#include "mount.h"

#define LIMIT (1UL << 58)

/* The digits at s[from, to): what number_at reads. */
static long model_number(const char *s, size_t from, size_t to)
{
	unsigned long long v = 0, prefix[20];
	size_t sig = 0;

	while (from < to && s[from] == '0')
		from++;
	for (; from < to && s[from] >= '0' && s[from] <= '9'; from++) {
		if (sig < 19)
			prefix[sig] = v = v * 10 + (unsigned)(s[from] - '0');
		sig++;
	}
	if (sig <= 18) /* below 10^18: read whole */
		return (long)v;
	/* 18 digits read; a 19th if they were still below the limit */
	return (long)(prefix[17] >= LIMIT ? prefix[17] : prefix[18]);
}

/* Field k of the line s[from, to): its start and end. */
static void model_field(const char *s, size_t from, size_t to, int k, size_t *start, size_t *end)
{
	for (;;) {
		size_t e = from;
		while (e < to && s[e] != ' ')
			e++;
		if (!k--) {
			*start = from;
			*end = e;
			return;
		}
		from = e < to ? e + 1 : to;
	}
}

/* s[from, to) with \ooo (first digit 0-3) decoded, as a C string in out. */
static void model_unescape(const char *s, size_t from, size_t to, char *out)
{
	while (from < to) {
		if (s[from] == '\\' && to - from >= 4 && s[from + 1] >= '0' && s[from + 1] <= '3' &&
		    s[from + 2] >= '0' && s[from + 2] <= '7' && s[from + 3] >= '0' && s[from + 3] <= '7') {
			*out++ = (char)((s[from + 1] - '0') * 64 + (s[from + 2] - '0') * 8 + (s[from + 3] - '0'));
			from += 4;
		} else {
			*out++ = s[from++];
		}
	}
	*out = 0;
}

/* Mounts with id ROOT, then the children of each member: breadth first. */
static void model_tree(const long *ids, const long *parents, size_t n, long root, unsigned char *in)
{
	size_t *queue = malloc((n + 1) * sizeof *queue), head = 0, tail = 0, i;
	if (!queue)
		abort();
	for (i = 0; i < n; i++) {
		in[i] = ids[i] == root;
		if (in[i])
			queue[tail++] = i;
	}
	while (head < tail) {
		size_t j = queue[head++];
		for (i = 0; i < n; i++)
			if (!in[i] && parents[i] == ids[j]) {
				in[i] = 1;
				queue[tail++] = i;
			}
	}
	free(queue);
}

static void check_tree(const long *ids, const long *parents, size_t n, long root)
{
	unsigned char *in = calloc(n + 1, 1), *want = calloc(n + 1, 1);
	size_t i;
	if (!in || !want)
		abort();
	mnt_tree_members(ids, parents, n, root, in);
	model_tree(ids, parents, n, root, want);
	for (i = 0; i < n; i++)
		FUZZ_CHECK(in[i] == want[i]);
	FUZZ_CHECK(in[n] == 0);
	free(in);
	free(want);
}

struct table {
	long *ids, *parents;
	char **points;
	size_t n;
};

/* Parse a fresh copy of the input with room for exactly MAX entries. */
static struct table parse(const char *given, size_t len, char *copy, size_t max)
{
	struct table t;
	size_t slots = max ? max : 1;

	memcpy(copy, given, len + 1);
	t.ids = malloc(slots * sizeof *t.ids);
	t.parents = malloc(slots * sizeof *t.parents);
	t.points = malloc(slots * sizeof *t.points);
	if (!t.ids || !t.parents || !t.points)
		abort();
	t.n = mnt_parse_mountinfo(copy, t.ids, t.parents, t.points, max);
	return t;
}

static void table_free(struct table *t)
{
	free(t->ids);
	free(t->parents);
	free(t->points);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *given = fuzz_strndup(data, size), *copy = malloc(size + 1), *want = malloc(size + 1);
	size_t len = strlen(given), lines = 1, n = 0, pos = 0, i;
	struct table t, part;

	if (!copy || !want)
		abort();
	for (i = 0; i < len; i++)
		lines += given[i] == '\n';
	t = parse(given, len, copy, lines); /* as ro_walk sizes it */
	FUZZ_CHECK(t.n <= lines);
	while (pos < len) {
		size_t end = pos, start, stop;
		while (end < len && given[end] != '\n')
			end++;
		FUZZ_CHECK(n < t.n);
		FUZZ_CHECK(t.ids[n] == model_number(given, pos, end));
		model_field(given, pos, end, 1, &start, &stop);
		FUZZ_CHECK(t.parents[n] == model_number(given, start, stop));
		model_field(given, pos, end, 4, &start, &stop);
		FUZZ_CHECK(t.points[n] == copy + start);
		model_unescape(given, start, stop, want);
		FUZZ_CHECK(!strcmp(t.points[n], want));
		FUZZ_CHECK(t.points[n] + strlen(t.points[n]) <= copy + stop);
		n++;
		pos = end < len ? end + 1 : len;
	}
	FUZZ_CHECK(t.n == n);
	FUZZ_CHECK(copy[len] == 0);

	/* Fewer slots: the same first entries, never more than MAX. */
	part = parse(given, len, copy, size % (lines + 1));
	FUZZ_CHECK(part.n == (n < size % (lines + 1) ? n : size % (lines + 1)));
	for (i = 0; i < part.n; i++)
		FUZZ_CHECK(part.ids[i] == t.ids[i] && part.parents[i] == t.parents[i] &&
		           part.points[i] == t.points[i]);
	table_free(&part);

	/* The walk's question on this table (kept small: the fixed point is
	 * cubic), rooted at one of its mounts. */
	if (n && n <= 32)
		check_tree(t.ids, t.parents, n, t.ids[data[size - 1] % n]);
	table_free(&t);

	/* And on a random table of few ids: cycles, shared ids, orphans. */
	{
		long ids[32], parents[32];
		size_t k = size / 2 < 32 ? size / 2 : 32;
		for (i = 0; i < k; i++) {
			ids[i] = data[2 * i] % 16;
			parents[i] = data[2 * i + 1] % 16;
		}
		check_tree(ids, parents, k, size ? data[0] % 16 : 0);
	}
	free(want);
	free(copy);
	free(given);
	return 0;
}
