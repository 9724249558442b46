#include "completions.h"

#include <initializer_list>

#include "js_callback.h"

namespace winsock {
namespace {

bool Named(napi_env env, napi_value object, const char* name, napi_valuetype type, napi_value* out) {
  napi_valuetype found = napi_undefined;
  return napi_get_named_property(env, object, name, out) == napi_ok &&
         napi_typeof(env, *out, &found) == napi_ok && found == type;
}

bool TypedArrayOf(napi_env env, napi_value value, napi_typedarray_type type, void** data, size_t* length) {
  bool is = false;
  napi_typedarray_type found;
  return napi_is_typedarray(env, value, &is) == napi_ok && is &&
         napi_get_typedarray_info(env, value, &found, length, data, nullptr, nullptr) == napi_ok &&
         found == type;
}

bool Keep(napi_env env, napi_value value, napi_ref* out) {
  return napi_create_reference(env, value, 1, out) == napi_ok;
}

}  // namespace

bool CompletionRing::Attach(napi_env env, napi_value given) noexcept {
  if (attached()) return true;  // a second copy of lib/ shares the first one's
  napi_value records, values, settle, settle_one, pending;
  void* record_data = nullptr;
  size_t record_length = 0;
  bool is_array = false;
  if (!Named(env, given, "records", napi_object, &records) ||
      !TypedArrayOf(env, records, napi_float64_array, &record_data, &record_length) ||
      record_length < kRecordFields ||
      !Named(env, given, "values", napi_object, &values) ||
      napi_is_array(env, values, &is_array) != napi_ok || !is_array ||
      !Named(env, given, "settle", napi_function, &settle) ||
      !Named(env, given, "settleOne", napi_function, &settle_one) ||
      !Named(env, given, "pending", napi_symbol, &pending)) {
    return false;
  }
  if (!Keep(env, given, &object_) || !Keep(env, records, &records_ref_) || !Keep(env, values, &values_) ||
      !Keep(env, settle, &settle_) || !Keep(env, settle_one, &settle_one_) || !Keep(env, pending, &pending_)) {
    Release(env);
    return false;
  }
  // The records are lib/'s own, never handed out, so their memory stays put.
  records_ = static_cast<double*>(record_data);
  capacity_ = record_length / kRecordFields;
  return true;
}

void CompletionRing::Release(napi_env env) noexcept {
  for (napi_ref* ref : {&object_, &records_ref_, &values_, &settle_, &settle_one_, &pending_}) {
    if (*ref != nullptr) napi_delete_reference(env, *ref);
    *ref = nullptr;
  }
  records_ = nullptr;
  capacity_ = count_ = settled_ = 0;
}

bool CompletionRing::SetSlab(napi_env env, napi_value slab) noexcept {
  napi_value object = nullptr;
  return attached() && napi_get_reference_value(env, object_, &object) == napi_ok && object != nullptr &&
         napi_set_named_property(env, object, "slab", slab) == napi_ok;
}

napi_status CompletionRing::Pending(napi_env env, napi_value* out) const noexcept {
  return napi_get_reference_value(env, pending_, out);
}

bool CompletionRing::Call(napi_env env, napi_ref function, size_t argc, const napi_value* argv) noexcept {
  napi_value callee = nullptr;
  napi_value global = nullptr;
  napi_value result = nullptr;
  return napi_get_reference_value(env, function, &callee) == napi_ok && callee != nullptr &&
         napi_get_global(env, &global) == napi_ok &&
         napi_call_function(env, global, callee, argc, argv, &result) == napi_ok;
}

bool CompletionRing::Post(napi_env env, bool batching, uint32_t slot, Outcome how, double first,
                          double second) noexcept {
  if (!attached()) return false;
  if (count_ == capacity_) {
    if (flushing_) {
      // Full while JS is settling (a `then` getter of a resolved value ran
      // code that completed more): this one is settled by itself.
      napi_value argv[4];
      return napi_create_uint32(env, slot, &argv[0]) == napi_ok &&
             napi_create_uint32(env, static_cast<uint32_t>(how), &argv[1]) == napi_ok &&
             napi_create_double(env, first, &argv[2]) == napi_ok &&
             napi_create_double(env, second, &argv[3]) == napi_ok && Call(env, settle_one_, 4, argv);
    }
    Flush(env);
  }
  double* record = records_ + count_ * kRecordFields;
  record[0] = slot;
  record[1] = static_cast<double>(how);
  record[2] = first;
  record[3] = second;
  count_++;
  if (!batching) Flush(env);
  return true;
}

bool CompletionRing::PostValue(napi_env env, bool batching, uint32_t slot, bool failed,
                               napi_value value) noexcept {
  napi_value values = nullptr;
  if (!attached() || napi_get_reference_value(env, values_, &values) != napi_ok || values == nullptr ||
      napi_set_element(env, values, values_used_, value) != napi_ok) {
    return false;
  }
  return Post(env, batching, slot, failed ? Outcome::Failure : Outcome::Value, values_used_++);
}

void CompletionRing::Flush(napi_env env) noexcept {
  // A flush inside a flush leaves the records to the outer one's next round.
  if (flushing_ || !attached() || !waiting()) return;
  Scope scope(env);
  if (before_settle != nullptr) before_settle(before_settle_context);
  flushing_ = true;
  while (scope.ok && settled_ < count_) {
    const size_t to = count_;
    napi_value argv[2];
    if (napi_create_uint32(env, static_cast<uint32_t>(settled_), &argv[0]) != napi_ok ||
        napi_create_uint32(env, static_cast<uint32_t>(to), &argv[1]) != napi_ok ||
        !Call(env, settle_, 2, argv)) {
      break;  // JS cannot run any more: nothing is left to settle for
    }
    settled_ = to;
  }
  count_ = settled_ = 0;
  values_used_ = 0;
  flushing_ = false;
}

}  // namespace winsock
