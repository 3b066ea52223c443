// advisor/hypo_store.cpp — the session's hypothetical indexes (see hypo_store.hpp).
#include "advisor/hypo_store.hpp"

#include "boundary.hpp"

namespace azora::advisor {
namespace {

// Plain vectors of plain records: backend-local, never touched by another process.
std::vector<HypoIndex> indexes;
std::vector<Oid> hidden_indexes;
MemoryContext context = nullptr;

bool oid_taken(Oid oid) {
  for (const HypoIndex& h : indexes)
    if (h.oid == oid) return true;
  return SearchSysCacheExists1(RELOID, ObjectIdGetDatum(oid));
}

}  // namespace

MemoryContext store_context() {
  if (context == nullptr) {
    context = AllocSetContextCreate(TopMemoryContext, "azora_opt advisor", ALLOCSET_SMALL_SIZES);
  }
  return context;
}

int count() {
  return static_cast<int>(indexes.size());
}

HypoIndex* at(int i) {
  return &indexes[static_cast<size_t>(i)];
}

HypoIndex* find(Oid oid) {
  for (HypoIndex& h : indexes)
    if (h.oid == oid) return &h;
  return nullptr;
}

Oid allocate_oid(Oid below) {
  for (Oid oid = below - 1; oid >= FirstUnpinnedObjectId; --oid) {
    bool taken = pg_call([oid] { return oid_taken(oid); });
    if (!taken) return oid;
  }
  throw Error(ERRCODE_PROGRAM_LIMIT_EXCEEDED, "too many hypothetical indexes in this session",
              "Drop some with azora_opt.hypo_drop() or azora_opt.hypo_reset().");
}

void add(const HypoIndex& index) {
  indexes.push_back(index);
}

bool drop(Oid oid) {
  for (size_t i = 0; i < indexes.size(); ++i) {
    if (indexes[i].oid != oid) continue;
    MemoryContextDelete(indexes[i].context);
    indexes.erase(indexes.begin() + static_cast<std::ptrdiff_t>(i));
    return true;
  }
  return false;
}

void reset() {
  indexes.clear();
  hidden_indexes.clear();
  if (context != nullptr) MemoryContextReset(context);  // deletes every index's child context
}

bool hide(Oid index) {
  if (hidden(index)) return false;
  hidden_indexes.push_back(index);
  return true;
}

bool unhide(Oid index) {
  auto it = std::find(hidden_indexes.begin(), hidden_indexes.end(), index);
  if (it == hidden_indexes.end()) return false;
  hidden_indexes.erase(it);
  return true;
}

bool hidden(Oid index) {
  return std::find(hidden_indexes.begin(), hidden_indexes.end(), index) != hidden_indexes.end();
}

int hidden_count() {
  return static_cast<int>(hidden_indexes.size());
}

Oid hidden_at(int i) {
  return hidden_indexes[static_cast<size_t>(i)];
}

}  // namespace azora::advisor
