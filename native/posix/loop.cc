// Per-environment state of the POSIX backend: Node's own uv loop.
#include <sys/utsname.h>

#include <stdlib.h>
#include <string.h>

#include "posix.h"
#include "uring.h"

namespace sys {

Loop* loop_open(napi_env env, const LoopHooks& hooks, Error* error) {
  uv_loop_t* uv = nullptr;
  if (napi_get_uv_event_loop(env, &uv) != napi_ok || uv == nullptr) {
    *error = Error{EINVAL, "napi_get_uv_event_loop"};
    return nullptr;
  }
  auto* loop = new Loop;
  loop->env = env;
  loop->uv = uv;
  loop->hooks = hooks;
  uv_prepare_init(uv, &loop->trim);
  loop->trim.data = loop;
  uv_unref(reinterpret_cast<uv_handle_t*>(&loop->trim));
  uv_check_init(uv, &loop->turn_end);
  uv_idle_init(uv, &loop->turn_idle);
  loop->turn_end.data = loop;
  loop->turn_idle.data = loop;
  // Neither keeps the process alive: a pending operation does that.
  uv_unref(reinterpret_cast<uv_handle_t*>(&loop->turn_end));
  uv_unref(reinterpret_cast<uv_handle_t*>(&loop->turn_idle));
  // The engine: epoll, unless WINSOCK_BACKEND=io_uring asks for io_uring
  // and the kernel allows it (else engine_fallback tells why not). epoll
  // stays the default: with the peer in another process, io_uring's
  // wake-ups arrive as task work that interrupts this thread (one IPI per
  // event), and HTTP under wrk measured 0.57x net against epoll's 0.97x.
  const char* asked = getenv("WINSOCK_BACKEND");
  if (asked != nullptr && strcmp(asked, "io_uring") == 0) {
    loop->uring = uring_open(loop, &loop->engine_fallback);
  }
  return loop;
}

namespace {

void finish_if_done(Loop* loop) {
  if (!loop->closing || loop->closing_polls > 0) return;
  void (*finished)(void*) = loop->finished;
  void* context = loop->finished_context;
  datagram_reads_free(loop);
  delete loop;
  if (finished != nullptr) finished(context);
}

}  // namespace

void loop_poll_closed(Loop* loop) {
  loop->closing_polls--;
  finish_if_done(loop);
}

void loop_trim_later(Socket* socket) {
  if (socket->trim_pending) return;
  Loop* loop = socket->loop;
  socket->trim_pending = true;
  if (loop->to_trim.empty()) uv_prepare_start(&loop->trim, on_trim);
  loop->to_trim.push_back(socket);
}

bool loop_call_at_turn_end(Loop* loop) {
  if (loop->closing || loop->hooks.turn_end == nullptr) return false;
  if (uv_is_active(reinterpret_cast<uv_handle_t*>(&loop->turn_end))) return true;
  uv_check_start(&loop->turn_end, [](uv_check_t* check) {
    Loop* loop = static_cast<Loop*>(check->data);
    uv_check_stop(&loop->turn_end);
    uv_idle_stop(&loop->turn_idle);
    loop->hooks.turn_end(loop->hooks.context);
  });
  uv_idle_start(&loop->turn_idle, [](uv_idle_t*) {});
  return true;
}

void loop_close(Loop* loop, void (*finished)(void* context), void* context) {
  loop->closing = true;
  loop->finished = finished;
  loop->finished_context = context;
  // Each close takes the socket out of the list.
  while (loop->open != nullptr) socket_close(loop->open);
  if (loop->uring != nullptr) uring_close(loop->uring);
  for (Socket* socket : loop->to_trim) {
    socket->trim_pending = false;
    socket_release(socket);
  }
  loop->to_trim.clear();
  auto closed = [](uv_handle_t* handle) { loop_poll_closed(static_cast<Loop*>(handle->data)); };
  loop->closing_polls += 3;
  uv_close(reinterpret_cast<uv_handle_t*>(&loop->trim), closed);
  uv_close(reinterpret_cast<uv_handle_t*>(&loop->turn_end), closed);
  uv_close(reinterpret_cast<uv_handle_t*>(&loop->turn_idle), closed);
}

const char* backend_name() { return "posix"; }

std::string backend_description(Loop*) {
  utsname name{};
  if (uname(&name) != 0) return "BSD sockets";
  return std::string("BSD sockets (") + name.sysname + " " + name.release + ")";
}

bool runs_under_wine() { return false; }

const char* engine_name(Loop* loop) {
  if (loop->uring != nullptr) return "io_uring";
#if defined(__linux__)
  return "epoll";
#else
  return "kqueue";  // libuv's engine on macOS and the BSDs
#endif
}

std::string engine_fallback(Loop* loop) { return loop->engine_fallback; }

}  // namespace sys
