/* chainstats: an example plugin in C. See chainstats.c. */
#ifndef CHAINSTATS_H
#define CHAINSTATS_H
#include "flux_plugin.h"
FLUX_PLUGIN_EXPORT const flux_plugin_descriptor *flux_plugin_entry(void);
#endif
