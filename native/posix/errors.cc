// errno names for the POSIX backend: the names Node and libuv give them.
#include <errno.h>
#include <string.h>

#include <string>
#include <vector>

#include "posix.h"

namespace sys {

namespace {

struct Name {
  int code;
  const char* name;
};

// Names for the codes libuv has none for (ENETRESET, ...). First match wins
// where two names share a number.
#define WINSOCK_ERRNO(X)                                                   \
  X(EACCES) X(EADDRINUSE) X(EADDRNOTAVAIL) X(EAFNOSUPPORT) X(EAGAIN)       \
  X(EWOULDBLOCK) X(EALREADY) X(EBADF) X(EBUSY) X(ECANCELED)                \
  X(ECONNABORTED) X(ECONNREFUSED) X(ECONNRESET) X(EDESTADDRREQ) X(EEXIST)  \
  X(EFAULT) X(EHOSTDOWN) X(EHOSTUNREACH) X(EINPROGRESS) X(EINTR) X(EINVAL) \
  X(EIO) X(EISCONN) X(EISDIR) X(ELOOP) X(EMFILE) X(EMSGSIZE)               \
  X(ENAMETOOLONG) X(ENETDOWN) X(ENETRESET) X(ENETUNREACH) X(ENFILE)        \
  X(ENOBUFS) X(ENODEV) X(ENOENT) X(ENOMEM) X(ENOPROTOOPT) X(ENOSPC)        \
  X(ENOSYS) X(ENOTCONN) X(ENOTDIR) X(ENOTSOCK) X(EOPNOTSUPP) X(ENOTSUP)    \
  X(ENOTTY) X(ENXIO) X(EPERM) X(EPIPE) X(EPROTO) X(EPROTONOSUPPORT)        \
  X(EPROTOTYPE) X(ERANGE) X(EROFS) X(ESHUTDOWN) X(ESOCKTNOSUPPORT)         \
  X(ESPIPE) X(ESRCH) X(ETIMEDOUT) X(ETXTBSY) X(EXDEV) X(E2BIG)

#define WINSOCK_NAME_ENTRY(name) {name, #name},
const Name kNames[] = {WINSOCK_ERRNO(WINSOCK_NAME_ENTRY)};
#undef WINSOCK_NAME_ENTRY

// The name Node gives an errno: libuv's own (util.getSystemErrorName reads
// the same table), so ENOTSUP for 95 on Linux where both names share it.
// Codes libuv does not know keep the name from kNames.
const char* libuv_name(int code) {
  constexpr int kCodes = 512;
  static const std::vector<std::string> names = [] {
    std::vector<std::string> table(kCodes);
    char name[64];
    for (int i = 1; i < kCodes; i++) {
      uv_err_name_r(-i, name, sizeof(name));
      if (strncmp(name, "Unknown system error", 20) != 0) table[i] = name;
    }
    return table;
  }();
  if (code <= 0 || code >= kCodes || names[code].empty()) return nullptr;
  return names[code].c_str();
}

}  // namespace

const char* error_code_name(int code) {
  if (const char* name = libuv_name(code)) return name;
  for (const Name& entry : kNames) {
    if (entry.code == code) return entry.name;
  }
  return nullptr;
}

const char* error_platform_name(int) { return nullptr; }

std::string error_message(int code) { return strerror(code); }

int error_invalid_argument() { return EINVAL; }
int error_timed_out() { return ETIMEDOUT; }
int error_out_of_memory() { return ENOMEM; }

}  // namespace sys
