// array_page.hpp — one page of an in-memory JSON array, in the response envelope of the seed
// guide: {"data": [...], "page": p, "pageSize": n, "total": t, "hasMore": bool}.
//
// For data already in memory (e.g. a cached list). Paging in SQL is the query helpers' job.
#pragma once

#include <cstddef>

#include <nlohmann/json.hpp>

namespace azora::shaping {

// Largest page size accepted: a client must not be able to ask for an unbounded page.
inline constexpr int kMaxPageSize = 1000;

// Page `page` (1-based) of `items` with `page_size` elements. A page past the end has empty data
// and hasMore=false. Throws azora::UsageError when items is not an array, page < 1, or
// page_size is outside 1..kMaxPageSize.
nlohmann::json paginate(const nlohmann::json& items, int page, int page_size);

}  // namespace azora::shaping
