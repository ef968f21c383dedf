/* fuzz-sources: core/opt.c
 * The option parser: the input is an argv split on NUL; its first byte picks
 * the table (a generic one and ones shaped like the applets': dpkg-style long
 * names with shared prefixes, util-linux style optional arguments) and the
 * flags (OPT_PERMUTE, OPT_PREFIX). Beyond memory errors it checks the parser's
 * contract: it terminates, never moves backwards, never reads past argc, and
 * what it returns agrees with the table. */
#include "fuzz_common.h"
#include "opt.h"

static const struct opt generic[] = {
	{"alpha", 'a', OPT_NOARG, 'a'},
	{"beta", 'b', OPT_REQUIRED, 'b'},
	{"gamma", 'c', OPT_OPTIONAL, 'c'},
	{"alpine", 0, OPT_NOARG, 'p'},
	{"only-long", 0, OPT_REQUIRED, 'l'},
	{"verbose", 'v', OPT_NOARG, 'v'},
	{"verb", 0, OPT_NOARG, 'v'},
	{NULL, 'x', OPT_NOARG, 'x'},
	{0, 0, 0, 0},
};

static const struct opt ssd_like[] = {
	{"start", 'S', OPT_NOARG, 1},
	{"stop", 'K', OPT_NOARG, 2},
	{"status", 'T', OPT_NOARG, 3},
	{"pidfile", 'p', OPT_REQUIRED, 4},
	{"pid", 0, OPT_REQUIRED, 5},
	{"ppid", 0, OPT_REQUIRED, 6},
	{"exec", 'x', OPT_REQUIRED, 7},
	{"name", 'n', OPT_REQUIRED, 8},
	{"user", 'u', OPT_REQUIRED, 9},
	{"retry", 'R', OPT_REQUIRED, 10},
	{"signal", 's', OPT_REQUIRED, 11},
	{"make-pidfile", 'm', OPT_NOARG, 12},
	{"remove-pidfile", 0, OPT_NOARG, 13},
	{"isolate", 0, OPT_OPTIONAL, 14},
	{"notify-await", 0, OPT_NOARG, 15},
	{"notify-timeout", 0, OPT_REQUIRED, 16},
	{"background", 'b', OPT_NOARG, 17},
	{"oknodo", 'o', OPT_NOARG, 18},
	{"help", 'H', OPT_NOARG, 19},
	{"version", 'V', OPT_NOARG, 20},
	{0, 0, 0, 0},
};

static const struct opt nsenter_like[] = {
	{"target", 't', OPT_REQUIRED, 1},
	{"pidfile", 0, OPT_REQUIRED, 2},
	{"mount", 'm', OPT_OPTIONAL, 3},
	{"uts", 'u', OPT_OPTIONAL, 4},
	{"net", 'n', OPT_OPTIONAL, 5},
	{"pid", 'p', OPT_OPTIONAL, 6},
	{"user", 'U', OPT_OPTIONAL, 7},
	{"all", 'a', OPT_NOARG, 8},
	{"root", 'r', OPT_OPTIONAL, 9},
	{"wd", 'w', OPT_OPTIONAL, 10},
	{"setuid", 'S', OPT_REQUIRED, 11},
	{"preserve-credentials", 0, OPT_NOARG, 12},
	{"no-fork", 'F', OPT_NOARG, 13},
	{0, 0, 0, 0},
};

static const struct opt empty[] = {
	{0, 0, 0, 0},
};

static const struct opt *const tables[] = {generic, ssd_like, nsenter_like, empty};

/* Is p inside one of the argument strings (its terminating NUL included)? */
static int in_argv(const char *p, int argc, char *const argv[])
{
	int i;
	for (i = 0; i < argc; i++)
		if (p >= argv[i] && p <= argv[i] + strlen(argv[i]))
			return 1;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct opt *table;
	struct opt_state st;
	struct fuzz_argv a;
	unsigned flags;
	long steps = 0;
	int id, last_ind = 1;

	if (size < 1)
		return 0;
	table = tables[data[0] & 3];
	flags = (data[0] >> 2) & (OPT_PERMUTE | OPT_PREFIX);
	a = fuzz_argv_split(data + 1, size - 1);
	opt_init(&st, flags);
	for (;;) {
		id = opt_next(&st, a.argc, a.argv, table);
		/* Each call consumes a character of a bundle or an argument. */
		FUZZ_CHECK(++steps <= (long)size + a.argc + 1);
		FUZZ_CHECK(st.ind >= last_ind && st.ind <= a.argc);
		last_ind = st.ind;
		if (st.arg)
			FUZZ_CHECK(in_argv(st.arg, a.argc, a.argv));
		if (id == OPT_DONE)
			break;
		if (id == OPT_WORD) {
			FUZZ_CHECK(flags & OPT_PERMUTE);
			FUZZ_CHECK(st.arg && st.arg == a.argv[st.ind - 1]);
			continue;
		}
		if (id < 0) {
			FUZZ_CHECK(id >= OPT_AMBIGUOUS);
			FUZZ_CHECK(memchr(st.bad, 0, sizeof st.bad) && st.bad[0] == '-');
			FUZZ_CHECK(strlen(opt_strerror(id)) > 0);
			break; /* the applets stop at the first error */
		}
		FUZZ_CHECK(st.found && st.found->id == id);
		FUZZ_CHECK(st.found >= table && (st.found->name || st.found->shrt));
		if (st.found->arg == OPT_REQUIRED)
			FUZZ_CHECK(st.arg != NULL);
		if (st.found->arg == OPT_NOARG)
			FUZZ_CHECK(st.arg == NULL);
	}
	fuzz_argv_free(&a);
	return 0;
}
