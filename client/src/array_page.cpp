// array_page.cpp — paging an in-memory JSON array (see array_page.hpp).
#include "azora/array_page.hpp"

#include <string>

#include "azora/error.hpp"

namespace azora::shaping {

nlohmann::json paginate(const nlohmann::json& items, int page, int page_size) {
  if (!items.is_array()) throw UsageError("paginate: items is not an array");
  if (page < 1) throw UsageError("paginate: page must be >= 1, got " + std::to_string(page));
  if (page_size < 1 || page_size > kMaxPageSize)
    throw UsageError("paginate: pageSize must be in 1.." + std::to_string(kMaxPageSize) + ", got " +
                     std::to_string(page_size));
  const std::size_t total = items.size();
  // 64-bit arithmetic: page * page_size can exceed int for a hostile page number.
  const unsigned long long start =
      static_cast<unsigned long long>(page - 1) * static_cast<unsigned long long>(page_size);
  nlohmann::json data = nlohmann::json::array();
  if (start < total) {
    const std::size_t end = std::min<unsigned long long>(total, start + page_size);
    for (std::size_t i = start; i < end; i++) data.push_back(items[i]);
  }
  const bool has_more = start + page_size < total;
  return {{"data", std::move(data)},
          {"page", page},
          {"pageSize", page_size},
          {"total", total},
          {"hasMore", has_more}};
}

}  // namespace azora::shaping
