/* ssd-isolate: placeholder until its issue lands (see core/placeholder.c). */
#include "applets.h"
#include "placeholder.h"

static const char usage[] =
	"Usage: ssd-isolate [OPTION...] COMMAND\n"
	"Debian's start-stop-daemon, option for option, plus --isolate.\n";

int ssd_isolate_main(int argc, char **argv)
{
	return placeholder_main("ssd-isolate", usage, argc, argv);
}
