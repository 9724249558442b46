#include "activity.h"

namespace winsock {

ActivityPages::Slot ActivityPages::Take(Napi::Env env, double now) {
  if (free_.empty()) {
    const uint32_t first = static_cast<uint32_t>(pages_.size()) * kSlotsPerPage;
    Napi::Float64Array array = Napi::Float64Array::New(env, kSlotsPerPage * kFields);
    pages_.push_back(PageData{Napi::Persistent(array), array.Data()});
    // Hand out low indexes first: a busy page stays warm in the cache.
    for (uint32_t i = kSlotsPerPage; i-- > 0;) free_.push_back(first + i);
  }
  Slot slot;
  slot.index = free_.back();
  free_.pop_back();
  slot.fields = pages_[slot.index / kSlotsPerPage].data + Offset(slot);
  for (uint32_t i = 0; i < kFields; i++) slot.fields[i] = now;
  return slot;
}

void ActivityPages::Give(Slot& slot) {
  if (!slot) return;
  free_.push_back(slot.index);
  slot = Slot();
}

Napi::Float64Array ActivityPages::Page(const Slot& slot) const {
  return pages_[slot.index / kSlotsPerPage].array.Value();
}

}  // namespace winsock
