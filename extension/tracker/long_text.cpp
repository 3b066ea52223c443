// long_text.cpp — complete normalized texts in a fixed-size DSA area (see long_text.hpp).
#include "tracker/long_text.hpp"

#include "tracker/settings.hpp"

namespace azora::tracker {
namespace {

// The shared part: the DSA's tranche id, then the area itself.
struct LongTextShared {
  int tranche;
  Size size;  // bytes of the area; 0 when the store is off
};

LongTextShared* shared_store = nullptr;  // inherited by forked backends
dsa_area* area = nullptr;                // this process's handle
int area_pid = 0;                        // the process that made the handle

char* place() {
  return reinterpret_cast<char*>(shared_store) + MAXALIGN(sizeof(LongTextShared));
}

Size area_size() {
  if (long_text_bytes <= 0) return 0;
  return Max(static_cast<Size>(long_text_bytes), dsa_minimum_size());
}

// This process's handle: the postmaster's is created with the area; a backend inherits that
// pointer through fork() but attaches its own, so no two processes share handle state.
dsa_area* handle() {
  if (shared_store == nullptr || shared_store->size == 0) return nullptr;
  if (area == nullptr || area_pid != MyProcPid) {
    MemoryContext old = MemoryContextSwitchTo(TopMemoryContext);
    LWLockRegisterTranche(shared_store->tranche, "azora_opt_long_texts");
    area = dsa_attach_in_place(place(), nullptr);
    dsa_pin_mapping(area);
    MemoryContextSwitchTo(old);
    area_pid = MyProcPid;
  }
  return area;
}

}  // namespace

Size long_text_shmem_size() {
  return add_size(MAXALIGN(sizeof(LongTextShared)), area_size());
}

void long_text_init() {
  bool found = false;
  shared_store = static_cast<LongTextShared*>(
      ShmemInitStruct("azora_opt tracker long texts", long_text_shmem_size(), &found));
  if (found) return;
  shared_store->size = area_size();
  if (shared_store->size == 0) return;
  shared_store->tranche = LWLockNewTrancheId();
  LWLockRegisterTranche(shared_store->tranche, "azora_opt_long_texts");
  MemoryContext old = MemoryContextSwitchTo(TopMemoryContext);
  area = dsa_create_in_place(place(), shared_store->size, shared_store->tranche, nullptr);
  // Never grow into new DSM segments: the store is exactly the memory reserved at start-up.
  dsa_set_size_limit(area, shared_store->size);
  dsa_pin(area);
  MemoryContextSwitchTo(old);
  area_pid = MyProcPid;
}

dsa_pointer long_text_put(const char* text, int len) {
  dsa_area* a = handle();
  if (a == nullptr) return InvalidDsaPointer;
  dsa_pointer p = dsa_allocate_extended(a, len + 1, DSA_ALLOC_NO_OOM);
  if (!DsaPointerIsValid(p)) return p;
  char* dst = static_cast<char*>(dsa_get_address(a, p));
  memcpy(dst, text, len);
  dst[len] = '\0';
  return p;
}

void long_text_free(dsa_pointer text) {
  if (DsaPointerIsValid(text)) dsa_free(handle(), text);
}

const char* long_text_get(dsa_pointer text) {
  return static_cast<const char*>(dsa_get_address(handle(), text));
}

}  // namespace azora::tracker
