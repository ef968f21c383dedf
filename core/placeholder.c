/* Front end of an applet that is registered but not written yet: it answers
 * --help and --version, and refuses everything else with EXIT_OWN. Goes away
 * when the last applet is implemented. */
#include "applets.h"
#include "err.h"
#include "opt.h"
#include "placeholder.h"

int placeholder_main(const char *name, const char *usage, int argc, char **argv)
{
	static const struct opt table[] = {
		{"help", 'h', OPT_NOARG, 'h'},
		{"version", 0, OPT_NOARG, 'V'},
		{0, 0, 0, 0},
	};
	struct opt_state st;
	int id;

	opt_init(&st, 0);
	while ((id = opt_next(&st, argc, argv, table)) > 0) {
		if (id == 'h')
			return applet_usage(usage);
		if (id == 'V')
			return applet_version(name);
	}
	if (id < 0) {
		msg(name, opt_strerror(id), " '", st.bad, "'", NULL);
		return EXIT_OWN;
	}
	msg(name, "not implemented yet", NULL);
	return EXIT_OWN;
}
