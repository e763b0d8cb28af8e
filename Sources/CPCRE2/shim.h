#ifndef SCIMSYNC_CPCRE2_SHIM_H
#define SCIMSYNC_CPCRE2_SHIM_H
// The 8-bit library only: Swift calls the `_8` functions, as the generic names are macros.
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

// Constants defined as casts or expressions, which Swift does not import.
static inline PCRE2_SIZE scimsync_pcre2_unset(void) { return PCRE2_UNSET; }
#endif
