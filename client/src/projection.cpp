// projection.cpp — field allow-list and quoted SELECT lists (see projection.hpp).
#include "azora/projection.hpp"

#include "ascii_text.hpp"

#include <algorithm>

namespace azora {

Projection::Projection(std::vector<std::string> allowed) : allowed_(std::move(allowed)) {
  if (allowed_.empty()) throw UsageError("a projection needs at least one allowed field");
  for (std::size_t i = 0; i < allowed_.size(); i++) {
    if (allowed_[i].empty()) throw UsageError("an allowed field name is empty");
    if (std::find(allowed_.begin(), allowed_.begin() + i, allowed_[i]) != allowed_.begin() + i)
      throw UsageError("field \"" + allowed_[i] + "\" is allowed twice");
  }
}

std::vector<std::string> Projection::select(std::string_view fields) const {
  std::vector<std::string> names;
  while (!detail::trim_blanks(fields).empty()) {
    const std::size_t comma = fields.find(',');
    const std::string_view name = detail::trim_blanks(fields.substr(0, comma));
    if (name.empty()) throw UsageError("empty field name in the field list");
    names.emplace_back(name);
    if (comma == std::string_view::npos) break;
    fields.remove_prefix(comma + 1);
    if (detail::trim_blanks(fields).empty()) throw UsageError("empty field name in the field list");
  }
  return select(names);
}

std::vector<std::string> Projection::select(const std::vector<std::string>& fields) const {
  if (fields.empty()) return allowed_;
  std::vector<std::string> out;
  for (const std::string& f : fields) {
    if (std::find(allowed_.begin(), allowed_.end(), f) == allowed_.end()) {
      std::string list;
      for (const std::string& a : allowed_) list += (list.empty() ? "" : ", ") + a;
      // The unknown name is client input: cap it so the message stays readable.
      const std::string shown = f.size() > 64 ? f.substr(0, 64) + "..." : f;
      throw UsageError("unknown field \"" + shown + "\" (allowed: " + list + ")");
    }
    if (std::find(out.begin(), out.end(), f) == out.end()) out.push_back(f);
  }
  return out;
}

std::string Projection::sql_list(const Connection& conn, const std::vector<std::string>& columns) {
  if (columns.empty()) throw UsageError("no columns to select");
  std::string out;
  for (const std::string& c : columns) {
    if (!out.empty()) out += ", ";
    out += conn.quote_identifier(c);
  }
  return out;
}

}  // namespace azora
