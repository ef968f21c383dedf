/* Test driver for core/opt.c (never installed). Usage:
 *   opttest [-P] [-X] -- ARGV0 ARGS...
 * -P: OPT_PERMUTE, -X: OPT_PREFIX. Prints one line per event:
 *   opt <id> [<arg>] | word <arg> | error <code> <bad> | rest <arg>... */
#include <stdio.h>
#include <string.h>

#include "opt.h"

static const struct opt table[] = {
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

int main(int argc, char **argv)
{
	unsigned flags = 0;
	struct opt_state st;
	int i = 1, id;

	for (; i < argc && strcmp(argv[i], "--"); i++) {
		if (!strcmp(argv[i], "-P"))
			flags |= OPT_PERMUTE;
		else if (!strcmp(argv[i], "-X"))
			flags |= OPT_PREFIX;
	}
	if (i >= argc)
		return 2;
	argc -= i + 1;
	argv += i + 1;
	opt_init(&st, flags);
	while ((id = opt_next(&st, argc, argv, table)) != OPT_DONE) {
		if (id == OPT_WORD)
			printf("word %s\n", st.arg);
		else if (id < 0) {
			printf("error %d %s\n", id, st.bad);
			return 1;
		} else if (st.arg)
			printf("opt %c %s\n", id, st.arg);
		else
			printf("opt %c\n", id);
	}
	printf("rest");
	for (i = st.ind; i < argc; i++)
		printf(" %s", argv[i]);
	printf("\n");
	return 0;
}
