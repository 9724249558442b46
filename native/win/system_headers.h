// The one file of the Windows backend that includes Windows headers, in the
// order they need (as wepoll and libuv do): winsock2.h must come before
// windows.h, or windows.h drags in the old winsock.h and the two clash.
// Every other file in native/win/ includes this one (through win.h).
// Named after no SDK header: were it "winsock.h", MSVC's include lookup
// could take the SDK's <winsock.h> for it, or this file for the SDK's.
#pragma once

#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#ifndef NOMINMAX
#define NOMINMAX  // std::min/std::max, not the windows.h macros
#endif
#ifndef _WIN32_WINNT
#define _WIN32_WINNT 0x0A00  // Windows 10: AF_UNIX, SetFileCompletionNotificationModes
#endif

// clang-format off
#include <winsock2.h>
#include <windows.h>
#include <ws2tcpip.h>
#include <mswsock.h>
#include <mstcpip.h>
#include <afunix.h>
// clang-format on

// Names mingw-w64's headers lack, with their documented values. Each is a
// macro in the Windows SDK (the TCP_* ones in ws2ipdef.h since Windows 10
// 1709), so #ifndef is the right test here; constants.cc then lists every
// name without one (the SDK's IPPROTO_* are enum values: no #ifdef sees them).
// https://learn.microsoft.com/windows/win32/winsock/ipproto-tcp-socket-options
#ifndef TCP_KEEPALIVE
#define TCP_KEEPALIVE 3
#endif
#ifndef TCP_KEEPIDLE
#define TCP_KEEPIDLE TCP_KEEPALIVE
#endif
#ifndef TCP_KEEPCNT
#define TCP_KEEPCNT 16
#endif
#ifndef TCP_KEEPINTVL
#define TCP_KEEPINTVL 17
#endif
#ifndef TCP_FASTOPEN
#define TCP_FASTOPEN 15
#endif
#ifndef TCP_MAXRT
#define TCP_MAXRT 5
#endif
#ifndef SO_REUSE_UNICASTPORT
#define SO_REUSE_UNICASTPORT 0x3007
#endif
#ifndef FILE_SKIP_COMPLETION_PORT_ON_SUCCESS
#define FILE_SKIP_COMPLETION_PORT_ON_SUCCESS 0x1
#endif
#ifndef FILE_SKIP_SET_EVENT_ON_HANDLE
#define FILE_SKIP_SET_EVENT_ON_HANDLE 0x2
#endif
