// giflib 5, used to write and read animated GIFs. Debian's libgif-dev ships no pkg-config file,
// so the header is found on the default include path and the library is linked by name.
#ifndef CTXRL_CGIF_SHIM_H
#define CTXRL_CGIF_SHIM_H

#include <gif_lib.h>

#endif
