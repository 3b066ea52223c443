// iso8601.hpp — a PostgreSQL timestamp's text (DateStyle ISO) in ISO 8601 / RFC 3339 form, as
// PostgreSQL's own JSON functions write it (to_json, json_agg: a 'T' between date and time, the
// UTC offset with minutes), so a row shaped by the client and the same row encoded by the server
// (azora_opt.cached_json) give byte-identical JSON.
#pragma once

#include <string>
#include <string_view>

namespace azora::shaping::detail {

// "2026-12-03 18:57:45.692186+00" -> "2026-12-03T18:57:45.692186+00:00"; a timestamp without
// time zone just gets its 'T'; an offset with seconds (+05:53:28, local mean time) and a " BC"
// suffix are kept as the server writes them. Returns false, leaving `out` alone, for text that
// is not in that form (infinity, -infinity, a year past 9999, a DateStyle other than ISO).
inline bool iso8601_timestamp(std::string_view v, std::string& out) {
  auto digit = [&v](std::size_t i) { return i < v.size() && v[i] >= '0' && v[i] <= '9'; };
  // YYYY-MM-DD HH:MM:SS
  if (v.size() < 19 || v[4] != '-' || v[7] != '-' || v[10] != ' ' || v[13] != ':' || v[16] != ':')
    return false;
  for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18})
    if (!digit(i)) return false;
  std::size_t i = 19;
  if (i < v.size() && v[i] == '.') {
    ++i;
    while (digit(i)) ++i;
  }
  std::string result(v.substr(0, i));
  result[10] = 'T';
  if (i < v.size() && (v[i] == '+' || v[i] == '-')) {
    if (!digit(i + 1) || !digit(i + 2)) return false;
    result.append(v.substr(i, 3));
    i += 3;
    if (i < v.size() && v[i] == ':') {
      const std::size_t start = i;
      while (i < v.size() && (v[i] == ':' || digit(i))) ++i;
      result.append(v.substr(start, i - start));
    } else {
      result.append(":00");
    }
  }
  if (i < v.size()) {
    if (v.substr(i) != " BC") return false;
    result.append(" BC");
  }
  out = std::move(result);
  return true;
}

}  // namespace azora::shaping::detail
