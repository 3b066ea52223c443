// cache_keys.cpp — key builders (see cache_keys.hpp).
#include "azora/cache_keys.hpp"

#include "azora/error.hpp"

namespace azora::keys {

namespace {

void require_positive(const char* what, int v) {
  if (v < 1)
    throw UsageError(std::string("cache key: ") + what + " must be >= 1, got " + std::to_string(v));
}

}  // namespace

std::string escape_component(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       c == '_' || c == '.' || c == '-';
    if (plain) {
      out.push_back(ch);
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
    }
  }
  return out;
}

std::string course_list(int page, int size) {
  require_positive("page", page);
  require_positive("size", size);
  return "courses:list:page=" + std::to_string(page) + ":size=" + std::to_string(size);
}

std::string course(std::int64_t id) {
  return "courses:id=" + std::to_string(id);
}
std::string course(std::string_view id) {
  return "courses:id=" + escape_component(id);
}

std::string wallet_balance(std::string_view user) {
  return "wallet:balance:user=" + escape_component(user);
}
std::string wallet_balance(std::int64_t user) {
  return "wallet:balance:user=" + std::to_string(user);
}

std::string jobs_by_category(std::string_view category, int page) {
  require_positive("page", page);
  return "jobs:category=" + escape_component(category) + ":page=" + std::to_string(page);
}

std::string all_courses() {
  return "courses:*";
}
std::string all_course_lists() {
  return "courses:list:*";
}
std::string jobs_by_category_pages(std::string_view category) {
  return "jobs:category=" + escape_component(category) + ":page=*";
}

}  // namespace azora::keys
