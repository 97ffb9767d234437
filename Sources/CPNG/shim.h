// libpng, used only through its simplified png_image_* API. The classic API reports errors with
// setjmp/longjmp, which would jump over Swift frames and leak or corrupt their state; the
// simplified API returns an error flag and a message in png_image.message instead.
#ifndef CTXRL_CPNG_SHIM_H
#define CTXRL_CPNG_SHIM_H

#include <png.h>

#endif
