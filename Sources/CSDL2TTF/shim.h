// SDL2_ttf, used to draw frame captions with a TrueType font. It includes SDL.h itself, so
// SDL_MAIN_HANDLED is defined here as in the CSDL2 shim.
#ifndef CTXRL_CSDL2TTF_SHIM_H
#define CTXRL_CSDL2TTF_SHIM_H

#define SDL_MAIN_HANDLED
#include <SDL2/SDL.h>
#include <SDL2/SDL_ttf.h>

#endif
