// Calling into JS from a completion: the completions of socket_wrap.cc and
// socket_reading.cc run in C frames (libuv callbacks, a threadsafe function),
// so a throwing callback must become an uncaught exception, not a C++ one.
#pragma once

#include <node_api.h>

namespace winsock {

// A JS exception thrown by a callback we called (onData, onEnd, onurgent)
// becomes an uncaught exception, as from any Node callback. When none is
// pending, the call failed because JS cannot run any more: nothing to do.
inline void SurfaceCallbackError(napi_env env) noexcept {
  bool pending = false;
  if (napi_is_exception_pending(env, &pending) != napi_ok || !pending) return;
  napi_value error = nullptr;
  if (napi_get_and_clear_last_exception(env, &error) == napi_ok) napi_fatal_exception(env, error);
}

// Calls `receiver[callback](...argv)`; false when it threw or could not run.
inline bool CallBack(napi_env env, napi_value receiver, napi_value callback, size_t argc,
              const napi_value* argv) noexcept {
  napi_value result = nullptr;
  if (napi_call_function(env, receiver, callback, argc, argv, &result) == napi_ok) return true;
  SurfaceCallbackError(env);
  return false;
}

// A handle scope that closes itself; `ok` is false when Node-API refused it.
class Scope {
 public:
  explicit Scope(napi_env env) noexcept : env_(env) {
    ok = napi_open_handle_scope(env, &scope_) == napi_ok;
  }
  ~Scope() {
    if (ok) napi_close_handle_scope(env_, scope_);
  }
  Scope(const Scope&) = delete;
  Scope& operator=(const Scope&) = delete;
  bool ok = false;

 private:
  napi_env env_;
  napi_handle_scope scope_ = nullptr;
};

}  // namespace winsock
