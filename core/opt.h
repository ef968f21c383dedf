#ifndef ISOBOX_OPT_H
#define ISOBOX_OPT_H

/* A small table-driven option parser. Pure and reentrant: it reads argv and a
 * table, keeps its position in a caller-owned struct, and never prints or
 * exits, so a libFuzzer harness and tests can drive it directly. */

enum opt_arg { OPT_NOARG, OPT_REQUIRED, OPT_OPTIONAL };
/* Or'ed into struct opt.arg: the long name is never matched by a prefix,
 * so an option added to a peer's set (ssd-isolate --isolate) does not make
 * that peer's abbreviations ambiguous (dpkg's "--i" stays --iosched). */
#define OPT_EXACT 8u
#define OPT_ARG_MASK 3u

struct opt {
	const char *name; /* long name without "--", or NULL */
	char shrt;        /* short letter, or 0 */
	unsigned char arg;/* enum opt_arg; OPT_OPTIONAL only attached: -xVAL, --name=VAL */
	int id;           /* what opt_next returns for it, > 0 */
};
/* A table ends with an entry whose name is NULL and shrt is 0. */

enum {
	OPT_DONE = 0,         /* no more options: the operands start at st->ind */
	OPT_WORD = -1,        /* OPT_PERMUTE only: st->arg is an operand met among options */
	OPT_UNKNOWN = -2,     /* st->bad holds the option as written */
	OPT_MISSING = -3,     /* required argument missing */
	OPT_UNEXPECTED = -4,  /* --name=VAL given to an option without argument */
	OPT_AMBIGUOUS = -5,   /* OPT_PREFIX: an abbreviation of several long options */
};

enum {
	OPT_PERMUTE = 1u, /* operands may be mixed with options (GNU getopt_long order) */
	OPT_PREFIX = 2u,  /* unambiguous prefixes of long names are accepted */
};

struct opt_state {
	int ind;             /* next argv element to read */
	unsigned flags;
	const char *bundle;  /* rest of a bundle of short options ("-abc") */
	const char *arg;     /* argument of the option returned, or NULL */
	const struct opt *found; /* table entry of the option returned */
	char bad[48];        /* option text for error messages: "-x" or "--name" */
};

void opt_init(struct opt_state *st, unsigned flags);
/* The next option's id, OPT_DONE, OPT_WORD or an error code. Stops (OPT_DONE)
 * at the first operand unless OPT_PERMUTE, and after "--". */
int opt_next(struct opt_state *st, int argc, char *const argv[], const struct opt *table);
/* "unknown option" etc., for messages. */
const char *opt_strerror(int code);

#endif
