// The one egress from a raw platform code to a JS error (libuv's "egress
// point"): every SocketError the addon makes comes from here.
#pragma once

#include <napi.h>

#include <string>

#include "sys.h"

namespace winsock {

// A SocketError for a failed system call: code (portable name), errno (the
// raw number), syscall, wsaName (Windows), address/port when known.
Napi::Error SocketError(Napi::Env env, const sys::Error& error,
                        const sys::Address* address = nullptr);
// A SocketError for an operation cut short by close(): `code` is
// ERR_SOCKET_CLOSED, or the reason close() was given (ERR_SOCKET_IDLE_TIMEOUT).
Napi::Error ClosedError(Napi::Env env, const char* syscall, const std::string& code);
// An AbortError (name 'AbortError', code 'ABORT_ERR') for a cancelled operation.
Napi::Error AbortError(Napi::Env env, const char* syscall);
// A UsageError (lib/errors/) with a package code (ERR_SOCKET_HANDLE_USED)
// for misuse that is neither a bad argument nor a failed system call.
Napi::Error CodedError(Napi::Env env, const char* code, const std::string& message);
// Node-style argument errors, thrown before any system call.
Napi::Error TypeError(Napi::Env env, const char* code, const std::string& message);
Napi::Error RangeError(Napi::Env env, const char* code, const std::string& message);

}  // namespace winsock
