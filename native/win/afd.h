// The AFD poll (IOCTL_AFD_POLL): how Windows' own select() and WSAPoll wait
// for socket events, issued here as one overlapped request that completes
// on our completion port. It is the one way to wait for urgent data that
// is right on Windows and works under Wine: a pending overlapped
// WSARecv(MSG_OOB) completes there, but stalls the normal stream after it.
// The structures are the driver's (as wepoll and libuv declare them); the
// call goes to NtDeviceIoControlFile, found in ntdll.dll at run time so
// that no import library is needed.
// https://github.com/piscisaureus/wepoll (afd.h), libuv src/win/poll.c
#pragma once

#include "system_headers.h"

namespace sys {

constexpr ULONG kAfdPollReceiveExpedited = 0x0002;  // urgent data to read
constexpr ULONG kAfdPollLocalClose = 0x0020;        // closesocket on our side

struct AfdPollInfo {
  LARGE_INTEGER timeout;
  ULONG handle_count;
  ULONG exclusive;
  struct {
    HANDLE handle;
    ULONG events;
    LONG status;
  } handles[1];
};

// Starts a poll of `socket` for `events`. Without an event it completes on
// the socket's completion port with `overlapped` as its packet (the
// OVERLAPPED's Internal and InternalHigh are the request's IO_STATUS_BLOCK);
// with one (a socket on another port) it signals the event instead and
// queues no packet. Returns the NTSTATUS: 0 done at once (no packet under
// FILE_SKIP_COMPLETION_PORT_ON_SUCCESS), 0x103 pending, else a failure as
// a Win32 code in *error.
LONG afd_poll(SOCKET socket, ULONG events, HANDLE event, OVERLAPPED* overlapped,
              AfdPollInfo* info, DWORD* error);

constexpr LONG kStatusSuccess = 0;
constexpr LONG kStatusPending = 0x103;

}  // namespace sys
