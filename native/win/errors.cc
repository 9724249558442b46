// Winsock and Win32 error codes: their own names (WSAECONNREFUSED), the
// portable names Node and libuv give them (ECONNREFUSED, after libuv's
// uv_translate_sys_error in src/win/error.c), and the system's message.
#include <string>

#include "win.h"

// Not in mingw-w64's winerror.h (the Windows SDK has it).
#ifndef ERROR_ELEVATION_REQUIRED
#define ERROR_ELEVATION_REQUIRED 740
#endif

namespace sys {

namespace {

struct Name {
  int code;
  const char* platform;  // winerror.h's name
  const char* portable;  // errno-style name, or nullptr when there is none
};

// Every code of winerror.h's Windows Sockets range (WSABASEERR + 4 ... 112,
// 11001 ... 11031), then Win32 codes. A code libuv's uv_translate_sys_error
// knows has the name it gives, which is the name Node gives on Windows
// (WSAESHUTDOWN is EPIPE, WSAEINTR ECANCELED, ERROR_BROKEN_PIPE EOF); one it
// does not know (Node: UNKNOWN) keeps an errno-style name of its own here.
#define WINSOCK_WSA_ERRORS(X)                                    \
  X(WSAEINTR, "ECANCELED")                                       \
  X(WSAEBADF, "EBADF")                                           \
  X(WSAEACCES, "EACCES")                                         \
  X(WSAEFAULT, "EFAULT")                                         \
  X(WSAEINVAL, "EINVAL")                                         \
  X(WSAEMFILE, "EMFILE")                                         \
  X(WSAEWOULDBLOCK, "EAGAIN")                                    \
  X(WSAEINPROGRESS, "EINPROGRESS")                               \
  X(WSAEALREADY, "EALREADY")                                     \
  X(WSAENOTSOCK, "ENOTSOCK")                                     \
  X(WSAEDESTADDRREQ, "EDESTADDRREQ")                             \
  X(WSAEMSGSIZE, "EMSGSIZE")                                     \
  X(WSAEPROTOTYPE, "EPROTOTYPE")                                 \
  X(WSAENOPROTOOPT, "ENOPROTOOPT")                               \
  X(WSAEPROTONOSUPPORT, "EPROTONOSUPPORT")                       \
  X(WSAESOCKTNOSUPPORT, "ESOCKTNOSUPPORT")                       \
  X(WSAEOPNOTSUPP, "EOPNOTSUPP")                                 \
  X(WSAEPFNOSUPPORT, "EINVAL")                                   \
  X(WSAEAFNOSUPPORT, "EAFNOSUPPORT")                             \
  X(WSAEADDRINUSE, "EADDRINUSE")                                 \
  X(WSAEADDRNOTAVAIL, "EADDRNOTAVAIL")                           \
  X(WSAENETDOWN, "ENETDOWN")                                     \
  X(WSAENETUNREACH, "ENETUNREACH")                               \
  X(WSAENETRESET, "ENETRESET")                                   \
  X(WSAECONNABORTED, "ECONNABORTED")                             \
  X(WSAECONNRESET, "ECONNRESET")                                 \
  X(WSAENOBUFS, "ENOBUFS")                                       \
  X(WSAEISCONN, "EISCONN")                                       \
  X(WSAENOTCONN, "ENOTCONN")                                     \
  X(WSAESHUTDOWN, "EPIPE")                                       \
  X(WSAETOOMANYREFS, "ETOOMANYREFS")                             \
  X(WSAETIMEDOUT, "ETIMEDOUT")                                   \
  X(WSAECONNREFUSED, "ECONNREFUSED")                             \
  X(WSAELOOP, "ELOOP")                                           \
  X(WSAENAMETOOLONG, "ENAMETOOLONG")                             \
  X(WSAEHOSTDOWN, "EHOSTDOWN")                                   \
  X(WSAEHOSTUNREACH, "EHOSTUNREACH")                             \
  X(WSAENOTEMPTY, "ENOTEMPTY")                                   \
  X(WSAEPROCLIM, "EPROCLIM")                                     \
  X(WSAEUSERS, "EUSERS")                                         \
  X(WSAEDQUOT, "EDQUOT")                                         \
  X(WSAESTALE, "ESTALE")                                         \
  X(WSAEREMOTE, "EREMOTE")                                       \
  X(WSASYSNOTREADY, nullptr)                                     \
  X(WSAVERNOTSUPPORTED, nullptr)                                 \
  X(WSANOTINITIALISED, nullptr)                                  \
  X(WSAEDISCON, "EPIPE")                                         \
  X(WSAENOMORE, nullptr)                                         \
  X(WSAECANCELLED, "ECANCELED")                                  \
  X(WSAEINVALIDPROCTABLE, nullptr)                               \
  X(WSAEINVALIDPROVIDER, nullptr)                                \
  X(WSAEPROVIDERFAILEDINIT, nullptr)                             \
  X(WSASYSCALLFAILURE, nullptr)                                  \
  X(WSASERVICE_NOT_FOUND, nullptr)                               \
  X(WSATYPE_NOT_FOUND, nullptr)                                  \
  X(WSA_E_NO_MORE, nullptr)                                      \
  X(WSA_E_CANCELLED, "ECANCELED")                                \
  X(WSAEREFUSED, nullptr)                                        \
  X(WSAHOST_NOT_FOUND, "ENOENT")                                 \
  X(WSATRY_AGAIN, "EAI_AGAIN")                                   \
  X(WSANO_RECOVERY, "EAI_FAIL")                                  \
  X(WSANO_DATA, "ENOENT")                                        \
  X(WSA_QOS_RECEIVERS, nullptr)                                  \
  X(WSA_QOS_SENDERS, nullptr)                                    \
  X(WSA_QOS_NO_SENDERS, nullptr)                                 \
  X(WSA_QOS_NO_RECEIVERS, nullptr)                               \
  X(WSA_QOS_REQUEST_CONFIRMED, nullptr)                          \
  X(WSA_QOS_ADMISSION_FAILURE, nullptr)                          \
  X(WSA_QOS_POLICY_FAILURE, nullptr)                             \
  X(WSA_QOS_BAD_STYLE, nullptr)                                  \
  X(WSA_QOS_BAD_OBJECT, nullptr)                                 \
  X(WSA_QOS_TRAFFIC_CTRL_ERROR, nullptr)                         \
  X(WSA_QOS_GENERIC_ERROR, nullptr)                              \
  X(WSA_QOS_ESERVICETYPE, nullptr)                               \
  X(WSA_QOS_EFLOWSPEC, nullptr)                                  \
  X(WSA_QOS_EPROVSPECBUF, nullptr)                               \
  X(WSA_QOS_EFILTERSTYLE, nullptr)                               \
  X(WSA_QOS_EFILTERTYPE, nullptr)                                \
  X(WSA_QOS_EFILTERCOUNT, nullptr)                               \
  X(WSA_QOS_EOBJLENGTH, nullptr)                                 \
  X(WSA_QOS_EFLOWCOUNT, nullptr)                                 \
  X(WSA_QOS_EUNKOWNPSOBJ, nullptr)                               \
  X(WSA_QOS_EPOLICYOBJ, nullptr)                                 \
  X(WSA_QOS_EFLOWDESC, nullptr)                                  \
  X(WSA_QOS_EPSFLOWSPEC, nullptr)                                \
  X(WSA_QOS_EPSFILTERSPEC, nullptr)                              \
  X(WSA_QOS_ESDMODEOBJ, nullptr)                                 \
  X(WSA_QOS_ESHAPERATEOBJ, nullptr)                              \
  X(WSA_QOS_RESERVED_PETYPE, nullptr)                            \
  /* Win32 codes, named as libuv's uv_translate_sys_error (so Node) names  \
     them, then those it has no name for that socket calls report. */   \
  X(ERROR_ELEVATION_REQUIRED, "EACCES")                        \
  X(ERROR_CANT_ACCESS_FILE, "EACCES")                          \
  X(ERROR_ADDRESS_ALREADY_ASSOCIATED, "EADDRINUSE")            \
  X(ERROR_NO_DATA, "EAGAIN")                                   \
  X(ERROR_INVALID_FLAGS, "EBADF")                              \
  X(ERROR_INVALID_HANDLE, "EBADF")                             \
  X(ERROR_LOCK_VIOLATION, "EBUSY")                             \
  X(ERROR_PIPE_BUSY, "EBUSY")                                  \
  X(ERROR_SHARING_VIOLATION, "EBUSY")                          \
  X(ERROR_OPERATION_ABORTED, "ECANCELED")                      \
  X(ERROR_NO_UNICODE_TRANSLATION, "ECHARSET")                  \
  X(ERROR_CONNECTION_ABORTED, "ECONNABORTED")                  \
  X(ERROR_CONNECTION_REFUSED, "ECONNREFUSED")                  \
  X(ERROR_NETNAME_DELETED, "ECONNRESET")                       \
  X(ERROR_ALREADY_EXISTS, "EEXIST")                            \
  X(ERROR_FILE_EXISTS, "EEXIST")                               \
  X(ERROR_NOACCESS, "EFAULT")                                  \
  X(ERROR_HOST_UNREACHABLE, "EHOSTUNREACH")                    \
  X(ERROR_INSUFFICIENT_BUFFER, "EINVAL")                       \
  X(ERROR_INVALID_DATA, "EINVAL")                              \
  X(ERROR_INVALID_PARAMETER, "EINVAL")                         \
  X(ERROR_SYMLINK_NOT_SUPPORTED, "EINVAL")                     \
  X(ERROR_BEGINNING_OF_MEDIA, "EIO")                           \
  X(ERROR_BUS_RESET, "EIO")                                    \
  X(ERROR_CRC, "EIO")                                          \
  X(ERROR_DEVICE_DOOR_OPEN, "EIO")                             \
  X(ERROR_DEVICE_REQUIRES_CLEANING, "EIO")                     \
  X(ERROR_DISK_CORRUPT, "EIO")                                 \
  X(ERROR_EOM_OVERFLOW, "EIO")                                 \
  X(ERROR_FILEMARK_DETECTED, "EIO")                            \
  X(ERROR_GEN_FAILURE, "EIO")                                  \
  X(ERROR_INVALID_BLOCK_LENGTH, "EIO")                         \
  X(ERROR_IO_DEVICE, "EIO")                                    \
  X(ERROR_NO_DATA_DETECTED, "EIO")                             \
  X(ERROR_NO_SIGNAL_SENT, "EIO")                               \
  X(ERROR_OPEN_FAILED, "EIO")                                  \
  X(ERROR_SETMARK_DETECTED, "EIO")                             \
  X(ERROR_SIGNAL_REFUSED, "EIO")                               \
  X(ERROR_CANT_RESOLVE_FILENAME, "ELOOP")                      \
  X(ERROR_TOO_MANY_OPEN_FILES, "EMFILE")                       \
  X(ERROR_BUFFER_OVERFLOW, "ENAMETOOLONG")                     \
  X(ERROR_FILENAME_EXCED_RANGE, "ENAMETOOLONG")                \
  X(ERROR_NETWORK_UNREACHABLE, "ENETUNREACH")                  \
  X(ERROR_BAD_PATHNAME, "ENOENT")                              \
  X(ERROR_DIRECTORY, "ENOENT")                                 \
  X(ERROR_ENVVAR_NOT_FOUND, "ENOENT")                          \
  X(ERROR_FILE_NOT_FOUND, "ENOENT")                            \
  X(ERROR_INVALID_NAME, "ENOENT")                              \
  X(ERROR_INVALID_DRIVE, "ENOENT")                             \
  X(ERROR_INVALID_REPARSE_DATA, "ENOENT")                      \
  X(ERROR_MOD_NOT_FOUND, "ENOENT")                             \
  X(ERROR_PATH_NOT_FOUND, "ENOENT")                            \
  X(ERROR_NOT_ENOUGH_MEMORY, "ENOMEM")                         \
  X(ERROR_OUTOFMEMORY, "ENOMEM")                               \
  X(ERROR_CANNOT_MAKE, "ENOSPC")                               \
  X(ERROR_DISK_FULL, "ENOSPC")                                 \
  X(ERROR_EA_TABLE_FULL, "ENOSPC")                             \
  X(ERROR_END_OF_MEDIA, "ENOSPC")                              \
  X(ERROR_HANDLE_DISK_FULL, "ENOSPC")                          \
  X(ERROR_NOT_CONNECTED, "ENOTCONN")                           \
  X(ERROR_DIR_NOT_EMPTY, "ENOTEMPTY")                          \
  X(ERROR_NOT_SUPPORTED, "ENOTSUP")                            \
  X(ERROR_BROKEN_PIPE, "EOF")                                  \
  X(ERROR_ACCESS_DENIED, "EPERM")                              \
  X(ERROR_PRIVILEGE_NOT_HELD, "EPERM")                         \
  X(ERROR_BAD_PIPE, "EPIPE")                                   \
  X(ERROR_PIPE_NOT_CONNECTED, "EPIPE")                         \
  X(ERROR_WRITE_PROTECT, "EROFS")                              \
  X(ERROR_SEM_TIMEOUT, "ETIMEDOUT")                            \
  X(ERROR_NOT_SAME_DEVICE, "EXDEV")                            \
  X(ERROR_INVALID_FUNCTION, "EISDIR")                          \
  X(ERROR_META_EXPANSION_TOO_LONG, "E2BIG")                    \
  X(ERROR_BAD_EXE_FORMAT, "EFTYPE")                            \
  X(ERROR_BUSY, "EBUSY")                                       \
  X(ERROR_MORE_DATA, "EMSGSIZE")                               \
  X(ERROR_IO_INCOMPLETE, "EAGAIN")                             \
  X(ERROR_INVALID_NETNAME, "EADDRNOTAVAIL")                    \
  X(ERROR_GRACEFUL_DISCONNECT, "EPIPE")                        \
  X(ERROR_PROTOCOL_UNREACHABLE, "ENETUNREACH")                 \
  X(ERROR_PORT_UNREACHABLE, "ECONNREFUSED")                    \
  X(ERROR_REQUEST_ABORTED, "ECANCELED")                        \
  X(ERROR_CONNECTION_INVALID, "ENOTCONN")                      \
  X(ERROR_CONNECTION_ACTIVE, "EISCONN")                        \
  X(ERROR_NETWORK_BUSY, "ENETDOWN")                            \
  X(ERROR_UNEXP_NET_ERR, "ECONNABORTED")                       \
  X(ERROR_TIMEOUT, "ETIMEDOUT")

#define WINSOCK_NAME_ENTRY(code, portable) {code, #code, portable},
const Name kNames[] = {WINSOCK_WSA_ERRORS(WINSOCK_NAME_ENTRY)};
#undef WINSOCK_NAME_ENTRY

const Name* find(int code) {
  for (const Name& entry : kNames) {
    if (entry.code == code) return &entry;
  }
  return nullptr;
}

std::string utf8(const wchar_t* text, int length) {
  if (length <= 0) return std::string();
  int size = WideCharToMultiByte(CP_UTF8, 0, text, length, nullptr, 0, nullptr, nullptr);
  if (size <= 0) return std::string();
  std::string out(static_cast<size_t>(size), '\0');
  WideCharToMultiByte(CP_UTF8, 0, text, length, &out[0], size, nullptr, nullptr);
  return out;
}

}  // namespace

const char* error_code_name(int code) {
  const Name* entry = find(code);
  return entry != nullptr ? entry->portable : nullptr;
}

const char* error_platform_name(int code) {
  const Name* entry = find(code);
  return entry != nullptr ? entry->platform : nullptr;
}

std::string error_message(int code) {
  wchar_t* text = nullptr;
  const DWORD length = FormatMessageW(
      FORMAT_MESSAGE_ALLOCATE_BUFFER | FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS,
      nullptr, static_cast<DWORD>(code), MAKELANGID(LANG_NEUTRAL, SUBLANG_DEFAULT),
      reinterpret_cast<wchar_t*>(&text), 0, nullptr);
  std::string message;
  if (length > 0 && text != nullptr) message = utf8(text, static_cast<int>(length));
  if (text != nullptr) LocalFree(text);
  // System messages end with ".\r\n"; strerror's have neither.
  while (!message.empty() &&
         (message.back() == '\n' || message.back() == '\r' || message.back() == ' ' ||
          message.back() == '.')) {
    message.pop_back();
  }
  if (message.empty()) {
    const char* name = error_platform_name(code);
    message = name != nullptr ? name : "Unknown error " + std::to_string(code);
  }
  return message;
}

int error_invalid_argument() { return WSAEINVAL; }
int error_timed_out() { return WSAETIMEDOUT; }
int error_out_of_memory() { return ERROR_NOT_ENOUGH_MEMORY; }

const char* op_syscall(OpKind kind) {
  switch (kind) {
    case OpKind::Accept: return "AcceptEx";
    case OpKind::Connect: return "ConnectEx";
    case OpKind::Send: return "WSASend";
    case OpKind::Recv: return "WSARecv";
    case OpKind::SendTo: return "WSASendTo";
    case OpKind::RecvFrom: return "WSARecvFrom";
    case OpKind::SendMsg: return "WSASendMsg";
    case OpKind::RecvMsg: return "WSARecvMsg";
    case OpKind::UrgentWait: return "WSARecv";
  }
  return "unknown";
}

}  // namespace sys
