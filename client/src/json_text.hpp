// json_text.hpp — (internal) appending JSON string literals to a buffer, fast and safe for any
// bytes: control characters are escaped and invalid UTF-8 becomes U+FFFD, so the output is
// always valid JSON.
#pragma once

#include <string>
#include <string_view>

#include "azora/detail/utf8.hpp"

namespace azora::detail {

inline void append_json_string(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  std::size_t run = 0;  // start of the pending run of bytes that need no escaping
  std::size_t i = 0;
  const auto flush = [&](std::size_t end) {
    if (end > run) out.append(s.data() + run, end - run);
  };
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
      i++;
      continue;
    }
    if (c >= 0x80) {
      const std::size_t n = utf8::sequence_length(s.substr(i));
      if (n != 0) {
        i += n;  // well-formed: copied verbatim with the run
        continue;
      }
      flush(i);
      out += "\\ufffd";
      run = ++i;
      continue;
    }
    flush(i);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      default:
        out += "\\u00";
        out.push_back(kHex[c >> 4]);
        out.push_back(kHex[c & 0xF]);
    }
    run = ++i;
  }
  flush(i);
  out.push_back('"');
}

}  // namespace azora::detail
