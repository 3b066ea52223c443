// shaping_json.cpp — shaping of nlohmann::json documents, and presets (see shaping.hpp).
#include <string>

#include "azora/error.hpp"
#include "azora/shaping.hpp"
#include "azora/detail/utf8.hpp"
#include "field_tree.hpp"
#include "shaping_detail.hpp"

namespace azora::shaping {

namespace {

using detail::FieldTree;
using nlohmann::json;

void check_depth(int depth) {
  if (depth > kMaxDepth)
    throw UsageError("shaping: document nested deeper than " + std::to_string(kMaxDepth));
}

// Applies drop_nulls and max_string_length to everything under v.
json clean(const json& v, const Options& opts, int depth) {
  check_depth(depth);
  if (v.is_string()) {
    const auto& s = v.get_ref<const std::string&>();
    if (opts.max_string_length != 0 && s.size() > opts.max_string_length)
      return json(std::string(utf8::truncate(s, opts.max_string_length)));
    return v;
  }
  if (v.is_array()) {
    json out = json::array();
    for (const json& e : v) out.push_back(clean(e, opts, depth + 1));
    return out;
  }
  if (v.is_object()) {
    json out = json::object();
    for (auto it = v.begin(); it != v.end(); ++it) {
      if (opts.drop_nulls && it.value().is_null()) continue;
      out[it.key()] = clean(it.value(), opts, depth + 1);
    }
    return out;
  }
  return v;
}

// Keeps only the members of v selected by sel (recursively), then cleans them. Returns false
// when nothing under v matches a narrower selection (the value is then omitted).
bool select(const json& v, const FieldTree& sel, const Options& opts, int depth, json& out) {
  check_depth(depth);
  if (sel.keeps_all()) {
    out = clean(v, opts, depth);
    return true;
  }
  if (v.is_array()) {
    out = json::array();
    for (const json& e : v) {
      json shaped;
      // An element without the selected members is kept as an empty object: positions matter.
      if (!select(e, sel, opts, depth + 1, shaped)) shaped = json::object();
      out.push_back(std::move(shaped));
    }
    return true;
  }
  if (!v.is_object()) return false;  // a narrower path into a scalar matches nothing
  out = json::object();
  for (const auto& [name, child] : sel.children) {
    auto it = v.find(name);
    if (it == v.end()) continue;
    if (opts.drop_nulls && it->is_null()) continue;
    json shaped;
    if (select(*it, child, opts, depth + 1, shaped)) out[name] = std::move(shaped);
  }
  return true;
}

}  // namespace

namespace detail {
json shape_value(const json& v, const FieldTree& sel, const Options& opts) {
  json out;
  if (!select(v, sel, opts, 0, out)) out = json::object();
  return out;
}
}  // namespace detail

Options preset(Preset p, std::vector<std::string> fields) {
  Options o;
  o.fields = std::move(fields);
  switch (p) {
    case Preset::minimal:
      o.drop_nulls = true;
      o.max_string_length = 100;
      break;
    case Preset::standard:
      o.drop_nulls = true;
      o.max_string_length = 1000;
      break;
    case Preset::full:
      break;
  }
  return o;
}

Preset parse_preset(std::string_view name) {
  if (name == "minimal") return Preset::minimal;
  if (name == "standard") return Preset::standard;
  if (name == "full") return Preset::full;
  throw UsageError("shaping: unknown preset \"" + std::string(name) +
                   "\" (expected minimal, standard or full)");
}

json shape(const json& doc, const Options& opts) {
  return detail::shape_value(doc, FieldTree::parse(opts.fields), opts);
}

}  // namespace azora::shaping
