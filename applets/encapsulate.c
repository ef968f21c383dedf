/* encapsulate: placeholder until its issue lands (see core/placeholder.c). */
#include "applets.h"
#include "placeholder.h"

static const char usage[] =
	"Usage: encapsulate [OPTIONS] 'W1|W2|...' COMMAND [ARGS...]\n"
	"Run COMMAND in a read-only view of the system where only W1, W2, ... are\n"
	"writable, in new PID, mount, IPC, UTS and network namespaces.\n";

int encapsulate_main(int argc, char **argv)
{
	return placeholder_main("encapsulate", usage, argc, argv);
}
