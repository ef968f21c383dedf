/* nsenter-lite: placeholder until its issue lands (see core/placeholder.c). */
#include "applets.h"
#include "placeholder.h"

static const char usage[] =
	"Usage: nsenter-lite [OPTIONS] [COMMAND [ARGS...]]\n"
	"Enter the namespaces of a running process and run COMMAND there.\n";

int nsenter_lite_main(int argc, char **argv)
{
	return placeholder_main("nsenter-lite", usage, argc, argv);
}
