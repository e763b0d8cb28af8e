#ifndef SCIMSYNC_CLIBFUZZER_H
#define SCIMSYNC_CLIBFUZZER_H

#include <stddef.h>
#include <stdint.h>

/// libFuzzer's driver (libclang_rt.fuzzer of the Swift toolchain): parses the flags, replays
/// files or fuzzes, and calls `callback` once per input.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

#endif
