// shaping_detail.hpp — (internal) document shaping with a pre-parsed field tree, so Result
// shaping can apply a nested selection to a json/jsonb column.
#pragma once

#include <nlohmann/json.hpp>

#include "azora/shaping.hpp"
#include "field_tree.hpp"

namespace azora::shaping::detail {

using azora::detail::FieldTree;

// v shaped by sel and opts; a narrower selection that matches nothing yields {}.
nlohmann::json shape_value(const nlohmann::json& v, const FieldTree& sel, const Options& opts);

}  // namespace azora::shaping::detail
