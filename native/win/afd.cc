#include "afd.h"

#include <cstdint>

namespace sys {

namespace {

// IO_STATUS_BLOCK, laid over an OVERLAPPED's Internal and InternalHigh.
struct IoStatus {
  union {
    LONG status;
    PVOID pointer;
  };
  ULONG_PTR information;
};
static_assert(sizeof(IoStatus) == 2 * sizeof(ULONG_PTR), "IO_STATUS_BLOCK is two words");

using NtDeviceIoControlFileFn = LONG(NTAPI*)(HANDLE, HANDLE, PVOID, PVOID, IoStatus*, ULONG, PVOID,
                                             ULONG, PVOID, ULONG);
using RtlNtStatusToDosErrorFn = ULONG(NTAPI*)(LONG);

// FILE_DEVICE_NETWORK (0x12) << 12 | AFD_POLL (9) << 2 | METHOD_BUFFERED.
constexpr ULONG kIoctlAfdPoll = 0x00012024;

template <typename Fn>
Fn ntdll(const char* name) {
  HMODULE module = GetModuleHandleW(L"ntdll.dll");
  return module == nullptr ? nullptr : reinterpret_cast<Fn>(reinterpret_cast<void*>(GetProcAddress(module, name)));
}

}  // namespace

LONG afd_poll(SOCKET socket, ULONG events, HANDLE event, OVERLAPPED* overlapped, AfdPollInfo* info,
              DWORD* error) {
  static const auto control = ntdll<NtDeviceIoControlFileFn>("NtDeviceIoControlFile");
  static const auto to_dos = ntdll<RtlNtStatusToDosErrorFn>("RtlNtStatusToDosError");
  *error = 0;
  if (control == nullptr) {
    *error = ERROR_PROC_NOT_FOUND;
    return -1;
  }
  info->timeout.QuadPart = INT64_MAX;  // no timeout
  info->handle_count = 1;
  info->exclusive = FALSE;
  info->handles[0].handle = reinterpret_cast<HANDLE>(socket);
  info->handles[0].events = events;
  info->handles[0].status = 0;
  auto* status = reinterpret_cast<IoStatus*>(&overlapped->Internal);
  status->status = kStatusPending;
  // ApcContext is the packet's OVERLAPPED; none with an event, so that the
  // request signals the event and queues nothing on the other port.
  const LONG result = control(reinterpret_cast<HANDLE>(socket), event, nullptr,
                              event == nullptr ? overlapped : nullptr, status, kIoctlAfdPoll, info,
                              sizeof(*info), info, sizeof(*info));
  if (result != kStatusSuccess && result != kStatusPending) {
    *error = to_dos != nullptr ? to_dos(result) : ERROR_GEN_FAILURE;
  }
  return result;
}

}  // namespace sys
