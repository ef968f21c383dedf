/* nsinit: placeholder until its issue lands (see core/placeholder.c). */
#include "applets.h"
#include "placeholder.h"

static const char usage[] =
	"Usage: nsinit [OPTIONS] [--] COMMAND [ARGS...]\n"
	"A PID 1 for a namespace, a container or an initramfs: spawn COMMAND, reap\n"
	"every child, forward signals, stay until the last child is gone.\n";

int nsinit_main(int argc, char **argv)
{
	return placeholder_main("nsinit", usage, argc, argv);
}
