// The declaration in include/CLibFuzzer.h is all this module is; its definition is linked in by
// -sanitize=fuzzer.
#include "CLibFuzzer.h"
