// Activity timestamps shared with JS: each socket owns three doubles in a
// Float64Array page (last activity, last read, last write; milliseconds on
// the uv_hrtime clock). The addon writes them as operations complete; JS
// reads them with no call into the addon, so an idle sweep over 10,000
// sockets costs an array read per socket.
#pragma once

#include <napi.h>

#include <cstdint>
#include <vector>

namespace winsock {

class ActivityPages {
 public:
  static constexpr uint32_t kSlotsPerPage = 1024;
  static constexpr uint32_t kFields = 3;  // any, read, write

  struct Slot {
    uint32_t index = UINT32_MAX;
    double* fields = nullptr;  // [any, read, write]
    explicit operator bool() const { return fields != nullptr; }
  };

  // A free slot, its fields set to `now`; a new page when all are taken.
  Slot Take(Napi::Env env, double now);
  // Returns a slot for reuse (after close: JS keeps its last values).
  void Give(Slot& slot);
  // The page that holds a slot, and the slot's first field in it.
  Napi::Float64Array Page(const Slot& slot) const;
  static uint32_t Offset(const Slot& slot) { return (slot.index % kSlotsPerPage) * kFields; }

 private:
  struct PageData {
    Napi::Reference<Napi::Float64Array> array;
    double* data;
  };
  std::vector<PageData> pages_;
  std::vector<uint32_t> free_;
};

}  // namespace winsock
