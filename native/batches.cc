#include "batches.h"

#include "js_callback.h"

namespace winsock {

void TurnEnd(void* context) {
  Environment* environment = static_cast<Environment*>(context);
  if (!environment->completions.waiting()) return;
  EnterBatch(environment);
  environment->completions.Flush(environment->env);  // in the batch's callback scope
  LeaveBatch(environment);
}

void ConnectBatches(Environment* environment, sys::LoopHooks* hooks) {
  hooks->enter = EnterBatch;
  hooks->leave = LeaveBatch;
  hooks->turn_end = TurnEnd;
  hooks->context = environment;
  environment->completions.before_settle = BatchCallsJs;
  environment->completions.before_settle_context = environment;
}

void EnterBatch(void* context) {
  Environment& environment = *static_cast<Environment*>(context);
  if (environment.batch_depth++ > 0) return;
  environment.batch_callbacks = nullptr;
  if (napi_open_handle_scope(environment.env, &environment.batch_handles) != napi_ok) {
    environment.batch_handles = nullptr;  // JS cannot run: the completions find out for themselves
  }
}

void BatchCallsJs(void* context) {
  Environment& environment = *static_cast<Environment*>(context);
  if (environment.batch_depth == 0 || environment.batch_callbacks != nullptr ||
      environment.batch_handles == nullptr) {
    return;
  }
  napi_env env = environment.env;
  napi_value resource = nullptr;
  if (napi_get_reference_value(env, environment.resource, &resource) != napi_ok || resource == nullptr ||
      napi_open_callback_scope(env, resource, environment.async_context, &environment.batch_callbacks) !=
          napi_ok) {
    environment.batch_callbacks = nullptr;
  }
}

void BeforeProgramCode(Environment* environment) {
  BatchCallsJs(environment);
  if (environment->completions.waiting()) environment->completions.Flush(environment->env);
}

void LeaveBatch(void* context) {
  Environment& environment = *static_cast<Environment*>(context);
  if (environment.batch_depth > 1) {
    environment.batch_depth--;
    return;
  }
  napi_env env = environment.env;
  // A batch that calls JS anyway settles its own; else the turn's end does.
  // Settled while the batch is still open, so that the settling runs in
  // its callback scope (BatchCallsJs opens one only inside a batch).
  if (environment.completions.waiting() &&
      (environment.batch_callbacks != nullptr || environment.loop == nullptr ||
       !sys::loop_call_at_turn_end(environment.loop))) {
    environment.completions.Flush(env);
  }
  environment.batch_depth = 0;
  if (environment.batch_callbacks != nullptr) {
    napi_close_callback_scope(env, environment.batch_callbacks);
    environment.batch_callbacks = nullptr;
  }
  if (environment.batch_handles != nullptr) {
    napi_close_handle_scope(env, environment.batch_handles);
    environment.batch_handles = nullptr;
  }
  // A JS exception that escaped code we called is an uncaught exception,
  // as from any Node callback. Taking it makes a handle, and no scope is
  // open around the end-of-turn check: this one is its own.
  Scope scope(env);
  if (scope.ok) SurfaceCallbackError(env);
}

}  // namespace winsock
