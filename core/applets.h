#ifndef ISOBOX_APPLETS_H
#define ISOBOX_APPLETS_H

/* An applet that keeps the privilege of a setuid binary; every other one
 * runs with the real ids only (core/main.c drops before it parses). */
#define APPLET_PRIV 1u

#define APPLET(name, id, flags) int id##_main(int argc, char **argv);
#include "applets.def"
#undef APPLET

/* --help and --version answers shared by every applet. */
int applet_usage(const char *usage);
int applet_version(const char *name);

/* Real uid and gid as effective and saved ones too, checked: what every
 * applet but an APPLET_PRIV one gets before it runs. 0, or -1 with errno. */
int applet_drop_privilege(void);

#endif
