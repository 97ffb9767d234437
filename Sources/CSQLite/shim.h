// SQLite's C API. Swift cannot import the SQLITE_TRANSIENT macro (a cast of -1 to a function
// pointer), so it is exposed here as a function.
#ifndef CTXRL_CSQLITE_SHIM_H
#define CTXRL_CSQLITE_SHIM_H

#include <sqlite3.h>

/// The destructor value that makes SQLite copy a bound text or blob before the call returns.
static inline sqlite3_destructor_type ctxrl_sqlite_transient(void) {
    return SQLITE_TRANSIENT;
}

#endif
