// Checks of the numbers JS passes to NativeSocket methods, shared by the
// glue's files: a bad one is a TypeError/RangeError with a Node-style code.
#pragma once

#include <napi.h>

#include <cstdint>

namespace winsock {

// A number argument, or `fallback` when it is undefined.
int32_t Int32Arg(const Napi::CallbackInfo& info, size_t index, const char* name, int32_t fallback);
// A size: an integer from 0 to 2**31 - 1.
uint32_t SizeArg(const Napi::CallbackInfo& info, size_t index, const char* name);

}  // namespace winsock
