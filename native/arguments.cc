#include "arguments.h"

#include <string>

#include "error.h"

namespace winsock {

int32_t Int32Arg(const Napi::CallbackInfo& info, size_t index, const char* name, int32_t fallback) {
  Napi::Value value = info[index];
  if (value.IsUndefined()) return fallback;
  if (!value.IsNumber()) {
    throw TypeError(info.Env(), "ERR_INVALID_ARG_TYPE", std::string(name) + " must be a number");
  }
  return value.As<Napi::Number>().Int32Value();
}

uint32_t SizeArg(const Napi::CallbackInfo& info, size_t index, const char* name) {
  Napi::Value value = info[index];
  if (!value.IsNumber()) {
    throw TypeError(info.Env(), "ERR_INVALID_ARG_TYPE", std::string(name) + " must be a number");
  }
  const double size = value.As<Napi::Number>().DoubleValue();
  if (!(size >= 0 && size <= 0x7fffffff) || size != static_cast<uint32_t>(size)) {
    throw RangeError(info.Env(), "ERR_OUT_OF_RANGE",
                     std::string(name) + " must be an integer from 0 to 2147483647");
  }
  return static_cast<uint32_t>(size);
}

}  // namespace winsock
