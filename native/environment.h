// Per-environment state of the addon (one per main thread or Worker),
// kept with napi_set_instance_data so worker threads never share it.
#pragma once

#include <napi.h>

#include <memory>

#include "activity.h"
#include "completions.h"
#include "sys.h"

namespace winsock {

struct Environment {
  napi_env env = nullptr;
  sys::Loop* loop = nullptr;
  Napi::FunctionReference socket_constructor;
  // SocketWrap::Wrap: the socket the constructor it calls takes (so no
  // External is made, and left to the collector, per accepted socket).
  sys::Socket** wrapping = nullptr;
  // Error classes of lib/errors/, handed over by lib/native/binding.ts at load.
  Napi::FunctionReference socket_error;
  Napi::FunctionReference abort_error;
  Napi::FunctionReference usage_error;
  // lib/native/slab.ts: chunkSlab(size) makes an untransferable ArrayBuffer,
  // chunkView(slab, offset, length) a Buffer over part of it (chunks.h).
  Napi::FunctionReference chunk_slab;
  Napi::FunctionReference chunk_view;
  napi_ref slab = nullptr;  // the slab small chunks are copied into now
  size_t slab_used = 0;
  napi_ref spare = nullptr;  // a Buffer reads land in (chunks.h), never seen by JS
  char* spare_data = nullptr;
  size_t spare_length = 0;
  // The resource and async context under which loop completions run.
  Napi::ObjectReference resource;
  napi_async_context async_context = nullptr;
  // Scopes of the batch being delivered (LoopHooks enter/leave).
  napi_handle_scope batch_handles = nullptr;
  napi_callback_scope batch_callbacks = nullptr;
  int batch_depth = 0;
  // Records of completed operations for lib/native/completions.ts to settle.
  CompletionRing completions;
  ActivityPages activity;
  // Shared with every SocketWrap: false once the cleanup hook closed the loop.
  std::shared_ptr<struct Liveness> liveness;
  napi_async_cleanup_hook_handle cleanup = nullptr;

  ~Environment() {
    if (slab != nullptr) napi_delete_reference(env, slab);
    if (spare != nullptr) napi_delete_reference(env, spare);
    completions.Release(env);
  }

  static Environment* Of(Napi::Env env) { return env.GetInstanceData<Environment>(); }
};

}  // namespace winsock
