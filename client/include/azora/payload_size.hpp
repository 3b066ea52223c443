// payload_size.hpp — how big a response is, in bytes and as text for logs ("1.5 KB").
#pragma once

#include <cstddef>
#include <string>

#include <nlohmann/json.hpp>

namespace azora {

// Bytes of doc serialized compactly (what dump() sends; invalid UTF-8 counted as U+FFFD).
std::size_t payload_size(const nlohmann::json& doc);

// Human-readable size with 1024-based units and one decimal above bytes:
// 0 -> "0 B", 512 -> "512 B", 1536 -> "1.5 KB", 5 << 20 -> "5.0 MB", up to "TB".
std::string human_size(std::size_t bytes);

}  // namespace azora
