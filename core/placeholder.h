#ifndef ISOBOX_PLACEHOLDER_H
#define ISOBOX_PLACEHOLDER_H
int placeholder_main(const char *name, const char *usage, int argc, char **argv);
#endif
