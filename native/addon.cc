// Module init: one Environment per Node environment (main thread or Worker),
// with its sys::Loop, released from an async cleanup hook so that the
// backend can close its handles and stop its thread before the environment
// goes away.
#include <napi.h>

#include "batches.h"
#include "environment.h"
#include "error.h"
#include "socket_wrap.h"
#include "sys.h"

namespace winsock {

namespace {

void OnLoopClosed(void* context) {
  napi_remove_async_cleanup_hook(static_cast<Environment*>(context)->cleanup);
}

void OnCleanup(napi_async_cleanup_hook_handle handle, void* context) {
  auto* environment = static_cast<Environment*>(context);
  environment->cleanup = handle;
  environment->liveness->loop_alive = false;
  // Completions from here on run no JS (Op::teardown): the async context
  // that delivered them is done with.
  if (environment->async_context != nullptr) {
    napi_async_destroy(environment->env, environment->async_context);
    environment->async_context = nullptr;
  }
  sys::Loop* loop = environment->loop;
  environment->loop = nullptr;
  sys::loop_close(loop, OnLoopClosed, environment);
}

// init({ SocketError, AbortError, UsageError, chunkSlab, chunkView, completions }):
// lib/errors/ hands its classes over so every error the addon makes is
// an instance of them; lib/native/slab.ts how received bytes become Buffers;
// lib/native/completions.ts where completed operations are recorded.
Napi::Value Init(const Napi::CallbackInfo& info) {
  Environment* environment = Environment::Of(info.Env());
  if (!info[0].IsObject()) throw TypeError(info.Env(), "ERR_INVALID_ARG_TYPE", "expected an object");
  Napi::Object classes = info[0].As<Napi::Object>();
  Napi::Value socket_error = classes.Get("SocketError");
  Napi::Value abort_error = classes.Get("AbortError");
  Napi::Value usage_error = classes.Get("UsageError");
  if (!socket_error.IsFunction() || !abort_error.IsFunction() || !usage_error.IsFunction()) {
    throw TypeError(info.Env(), "ERR_INVALID_ARG_TYPE", "expected SocketError, AbortError and UsageError classes");
  }
  environment->socket_error = Napi::Persistent(socket_error.As<Napi::Function>());
  environment->abort_error = Napi::Persistent(abort_error.As<Napi::Function>());
  environment->usage_error = Napi::Persistent(usage_error.As<Napi::Function>());
  Napi::Value chunk_slab = classes.Get("chunkSlab");
  Napi::Value chunk_view = classes.Get("chunkView");
  if (!chunk_slab.IsFunction() || !chunk_view.IsFunction()) {
    throw TypeError(info.Env(), "ERR_INVALID_ARG_TYPE", "expected chunkSlab and chunkView functions");
  }
  environment->chunk_slab = Napi::Persistent(chunk_slab.As<Napi::Function>());
  environment->chunk_view = Napi::Persistent(chunk_view.As<Napi::Function>());
  Napi::Value completions = classes.Get("completions");
  if (!completions.IsObject() || !environment->completions.Attach(info.Env(), completions)) {
    throw TypeError(info.Env(), "ERR_INVALID_ARG_TYPE", "expected the completion records of lib/native/completions.ts");
  }
  return info.Env().Undefined();
}

// errname(code): the portable name of a raw code (SO_ERROR's value), or null.
Napi::Value ErrorName(const Napi::CallbackInfo& info) {
  if (!info[0].IsNumber()) throw TypeError(info.Env(), "ERR_INVALID_ARG_TYPE", "code must be a number");
  const int code = info[0].As<Napi::Number>().Int32Value();
  if (code == 0) return info.Env().Null();
  const char* name = sys::error_code_name(code);
  if (name == nullptr) name = sys::error_platform_name(code);
  return Napi::String::New(info.Env(), name != nullptr ? name : "UNKNOWN");
}

Napi::Object Constants(Napi::Env env) {
  Napi::Object constants = Napi::Object::New(env);
  for (const sys::Constant& constant : sys::constants()) {
    constants.Set(constant.name, Napi::Number::New(env, static_cast<double>(constant.value)));
  }
  return constants;
}

}  // namespace

std::shared_ptr<Liveness> EnvironmentLiveness(Napi::Env env) {
  return Environment::Of(env)->liveness;
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  auto* owned = new Environment;
  env.SetInstanceData(owned);  // deleted when the environment is
  Environment& environment = *owned;
  environment.env = env;
  environment.liveness = std::make_shared<Liveness>();

  Napi::Object resource = Napi::Object::New(env);
  environment.resource = Napi::Persistent(resource);
  if (napi_async_init(env, resource, Napi::String::New(env, "winsock"),
                      &environment.async_context) != napi_ok) {
    throw Napi::Error::New(env, "napi_async_init failed");
  }
  sys::LoopHooks hooks;
  ConnectBatches(owned, &hooks);
  sys::Error error;
  environment.loop = sys::loop_open(env, hooks, &error);
  if (environment.loop == nullptr) throw SocketError(env, error);
  if (napi_add_async_cleanup_hook(env, OnCleanup, owned, nullptr) != napi_ok) {
    throw Napi::Error::New(env, "napi_add_async_cleanup_hook failed");
  }

  Napi::Function socket_class = SocketWrap::Define(env);
  environment.socket_constructor = Napi::Persistent(socket_class);
  exports.Set("NativeSocket", socket_class);
  exports.Set("init", Napi::Function::New<Init>(env, "init"));
  exports.Set("constants", Constants(env));
  exports.Set("errname", Napi::Function::New<ErrorName>(env, "errname"));
  exports.Set("ETIMEDOUT", Napi::Number::New(env, sys::error_timed_out()));
  exports.Set("backend", sys::backend_name());
  exports.Set("description", sys::backend_description(environment.loop));
  exports.Set("wine", Napi::Boolean::New(env, sys::runs_under_wine()));
  exports.Set("engine", sys::engine_name(environment.loop));
  exports.Set("engineFallback", sys::engine_fallback(environment.loop));
  return exports;
}

}  // namespace winsock

static Napi::Object InitWinsock(Napi::Env env, Napi::Object exports) {
  return winsock::Init(env, exports);
}

NODE_API_MODULE(winsock, InitWinsock)
