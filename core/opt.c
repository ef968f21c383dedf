/* Table-driven option parsing (the shape of skalibs gol and toybox lib/args.c):
 * short options with bundling, long options with "=value", "--" and a stop at
 * the first operand, so `encapsulate /w ls -l` gives -l to ls. */
#include <string.h>

#include "opt.h"

void opt_init(struct opt_state *st, unsigned flags)
{
	memset(st, 0, sizeof *st);
	st->ind = 1;
	st->flags = flags;
}

static void set_bad(struct opt_state *st, const char *prefix, const char *s, size_t n)
{
	size_t p = strlen(prefix);
	if (n > sizeof st->bad - p - 1)
		n = sizeof st->bad - p - 1;
	memcpy(st->bad, prefix, p);
	memcpy(st->bad + p, s, n);
	/* cppcheck-suppress arrayIndexOutOfBoundsCond ; the clamp above keeps p + n < sizeof st->bad */
	st->bad[p + n] = 0;
}

/* argv keeps main's type: C has no implicit char *const * -> const char *const *. */
/* cppcheck-suppress constParameter */
static int short_opt(struct opt_state *st, int argc, char *const argv[], const struct opt *t)
{
	char c = *st->bundle++;
	const struct opt *o;

	for (o = t; o->name || o->shrt; o++)
		if (o->shrt && o->shrt == c)
			break;
	set_bad(st, "-", &c, 1);
	if (!o->shrt) {
		st->bundle = NULL;
		return OPT_UNKNOWN;
	}
	st->found = o;
	if ((o->arg & OPT_ARG_MASK) == OPT_NOARG) {
		if (!*st->bundle)
			st->bundle = NULL;
		return o->id;
	}
	if (*st->bundle) {
		st->arg = st->bundle;
	} else if ((o->arg & OPT_ARG_MASK) == OPT_REQUIRED) {
		if (st->ind >= argc)
			return OPT_MISSING;
		st->arg = argv[st->ind++];
	}
	st->bundle = NULL;
	return o->id;
}

/* cppcheck-suppress constParameter ; as short_opt */
static int long_opt(struct opt_state *st, int argc, char *const argv[], const struct opt *t)
{
	const char *name = argv[st->ind++] + 2;
	const char *eq = strchr(name, '=');
	size_t len = eq ? (size_t)(eq - name) : strlen(name);
	const struct opt *o, *hit = NULL;
	int ambiguous = 0;

	set_bad(st, "--", name, len);
	for (o = t; o->name || o->shrt; o++) {
		if (!o->name || strncmp(o->name, name, len))
			continue;
		if (!o->name[len]) {
			hit = o;
			ambiguous = 0;
			break;
		}
		if (!(st->flags & OPT_PREFIX) || (o->arg & OPT_EXACT))
			continue;
		if (hit && hit->id != o->id)
			ambiguous = 1;
		if (!hit)
			hit = o;
	}
	if (!hit || (hit->name[len] && !(st->flags & OPT_PREFIX)))
		return OPT_UNKNOWN;
	if (ambiguous)
		return OPT_AMBIGUOUS;
	st->found = hit;
	set_bad(st, "--", hit->name, strlen(hit->name));
	if (eq) {
		if ((hit->arg & OPT_ARG_MASK) == OPT_NOARG)
			return OPT_UNEXPECTED;
		st->arg = eq + 1;
	} else if ((hit->arg & OPT_ARG_MASK) == OPT_REQUIRED) {
		if (st->ind >= argc)
			return OPT_MISSING;
		st->arg = argv[st->ind++];
	}
	return hit->id;
}

int opt_next(struct opt_state *st, int argc, char *const argv[], const struct opt *table)
{
	const char *a;

	st->arg = NULL;
	st->found = NULL;
	if (st->bundle)
		return short_opt(st, argc, argv, table);
	if (st->ind >= argc || !argv[st->ind])
		return OPT_DONE;
	a = argv[st->ind];
	if (a[0] != '-' || !a[1]) {
		if (!(st->flags & OPT_PERMUTE))
			return OPT_DONE;
		st->arg = a;
		st->ind++;
		return OPT_WORD;
	}
	if (a[1] == '-') {
		if (!a[2]) {
			st->ind++;
			return OPT_DONE;
		}
		return long_opt(st, argc, argv, table);
	}
	st->bundle = a + 1;
	st->ind++;
	return short_opt(st, argc, argv, table);
}

const char *opt_strerror(int code)
{
	switch (code) {
	case OPT_UNKNOWN:
		return "unknown option";
	case OPT_MISSING:
		return "option requires an argument";
	case OPT_UNEXPECTED:
		return "option takes no argument";
	case OPT_AMBIGUOUS:
		return "ambiguous option";
	default:
		return "bad option";
	}
}
