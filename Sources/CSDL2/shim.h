// SDL2, used only through its software renderer on offscreen surfaces.
#ifndef CTXRL_CSDL2_SHIM_H
#define CTXRL_CSDL2_SHIM_H

#define SDL_MAIN_HANDLED
#include <SDL2/SDL.h>

#endif
