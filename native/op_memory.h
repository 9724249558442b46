// Memory for a backend's op (a type derived from sys::Op): one block, with
// the Address after the op only for the kinds that carry one
// (sys::op_has_address). Both backends allocate and free their ops here.
#pragma once

#include <cstddef>
#include <new>

#include "sys.h"

namespace sys {

template <class T>
constexpr size_t op_address_offset() {
  return (sizeof(T) + alignof(Address) - 1) / alignof(Address) * alignof(Address);
}

// Bytes an op of `kind` takes.
template <class T>
constexpr size_t op_size(OpKind kind) {
  return op_has_address(kind) ? op_address_offset<T>() + sizeof(Address) : sizeof(T);
}

// Builds an op in `memory` of op_size<T>(kind) bytes. T's constructor must
// not throw (default member initializers, no allocation).
template <class T>
T* op_construct(void* memory, OpKind kind) noexcept {
  static_assert(noexcept(T(kind)), "an op is built where nothing may throw");
  T* op = new (memory) T(kind);
  if (op_has_address(kind)) {
    op->address = new (static_cast<char*>(memory) + op_address_offset<T>()) Address;
  }
  return op;
}

// A new op, or nullptr when memory is short.
template <class T>
T* op_allocate(OpKind kind) noexcept {
  void* memory = ::operator new(op_size<T>(kind), std::nothrow);
  return memory == nullptr ? nullptr : op_construct<T>(memory, kind);
}

// Destroys an op and gives back its memory (op_allocate's).
template <class T>
void op_destroy(T* op) noexcept {
  op->~T();
  ::operator delete(static_cast<void*>(op));
}

}  // namespace sys
