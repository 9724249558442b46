// Whether this process runs on Wine: its ntdll.dll exports wine_get_version,
// Windows' never does. Used only to skip the few documented places where
// Wine's stack answers differently (see WINDOWS-ON-LINUX.md), never to
// change what the backend does.
#include "win.h"

namespace sys {

bool runs_under_wine() {
  static const bool wine = [] {
    HMODULE ntdll = GetModuleHandleW(L"ntdll.dll");
    return ntdll != nullptr && GetProcAddress(ntdll, "wine_get_version") != nullptr;
  }();
  return wine;
}

}  // namespace sys
