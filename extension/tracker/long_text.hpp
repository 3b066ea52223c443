// long_text.hpp — the tracker's store of complete normalized texts that do not fit an entry's
// text area (azora_opt.max_text_bytes): long ORM statements must stay re-plannable.
//
// A dynamic shared memory area (PostgreSQL's DSA) created in place in the main shared memory
// segment, of azora_opt.long_text_bytes and never grown, so its allocator frees what evicted
// entries held. Callers: store.cpp under the tracker lock (exclusive to put and free, shared or
// exclusive to read), persist.cpp in the postmaster alone. The DSA's own lock is a leaf lock,
// taken inside the tracker lock.
#pragma once

#include "pg.hpp"

namespace azora::tracker {

Size long_text_shmem_size();
// In the postmaster at shared memory initialisation (also after a crash restart).
void long_text_init();

// A copy of text[0, len) and its NUL in the store, or InvalidDsaPointer when the store is off
// or full.
dsa_pointer long_text_put(const char* text, int len);
void long_text_free(dsa_pointer text);
// The NUL-terminated text stored at p.
const char* long_text_get(dsa_pointer text);

}  // namespace azora::tracker
