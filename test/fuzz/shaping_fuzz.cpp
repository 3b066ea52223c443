// shaping_fuzz.cpp — libFuzzer target for JSON payload shaping and its byte-level helpers
// (UTF-8 truncation, Accept-Encoding parsing, gzip decoding, array pagination).
//
// Input layout: byte 0 = flags (bit 0 drop_nulls, bits 1-2 preset), byte 1 = max_string_length,
// bytes 2-3 = page and page size, then a comma-separated field list up to the first '\n', then
// a JSON document. Every byte string must either shape cleanly or be refused with a typed
// azora error; the checks below abort (a fuzzer finding) when an invariant breaks.
// Built by scripts/fuzz.sh: clang++ -fsanitize=fuzzer,address,undefined with client/src/*.cpp.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "azora/accept_encoding.hpp"
#include "azora/array_page.hpp"
#include "azora/error.hpp"
#include "azora/gzip.hpp"
#include "azora/payload_size.hpp"
#include "azora/shaping.hpp"
#include "azora/detail/utf8.hpp"

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

// Every string in out is within the limit, valid UTF-8 when its source was, and (with
// drop_nulls) no object member is null.
void check_shaped(const nlohmann::json& v, const azora::shaping::Options& o, int depth) {
  check(depth <= azora::shaping::kMaxDepth + 1);
  if (v.is_string()) {
    const auto& s = v.get_ref<const std::string&>();
    if (o.max_string_length != 0) check(s.size() <= o.max_string_length);
  } else if (v.is_array()) {
    for (const auto& e : v) check_shaped(e, o, depth + 1);
  } else if (v.is_object()) {
    for (auto it = v.begin(); it != v.end(); ++it) {
      if (o.drop_nulls) check(!it.value().is_null());
      check_shaped(it.value(), o, depth + 1);
    }
  }
}

void fuzz_bytes(std::string_view bytes, std::size_t max) {
  const std::string_view cut = azora::utf8::truncate(bytes, max);
  check(cut.size() <= max && cut.size() <= bytes.size());
  check(bytes.substr(0, cut.size()) == cut);
  if (azora::utf8::is_valid(bytes)) check(azora::utf8::is_valid(cut));
  check(azora::utf8::is_valid(azora::utf8::sanitize(bytes)));
  for (const auto& p : azora::parse_accept_encoding(bytes)) check(p.q >= 0.0 && p.q <= 1.0);
  (void)azora::negotiate_encoding(bytes);
  try {
    (void)azora::gzip_decompress(bytes, 1 << 20);
  } catch (const azora::CompressionError&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 4) return 0;
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  const std::uint8_t flags = data[0];
  azora::shaping::Options opts =
      azora::shaping::preset(static_cast<azora::shaping::Preset>((flags >> 1) % 3));
  opts.drop_nulls = opts.drop_nulls || (flags & 1);
  opts.max_string_length = data[1];
  const int page = 1 + data[2] % 8;
  const int page_size = data[3] % 12;  // 0 is out of range on purpose

  std::string_view rest = in.substr(4);
  const std::size_t nl = rest.find('\n');
  if (nl != std::string_view::npos) {
    std::string_view list = rest.substr(0, nl);
    while (!list.empty()) {
      const std::size_t comma = list.find(',');
      opts.fields.emplace_back(list.substr(0, comma));
      list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
    }
    rest = rest.substr(nl + 1);
  }
  fuzz_bytes(rest, opts.max_string_length);

  const nlohmann::json doc = nlohmann::json::parse(rest.begin(), rest.end(), nullptr, false);
  if (doc.is_discarded()) return 0;
  try {
    const nlohmann::json out = azora::shaping::shape(doc, opts);
    check_shaped(out, opts, 0);
    const std::string text = out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    check(azora::payload_size(out) == text.size());
    check(!azora::human_size(text.size()).empty());
    // Shaping is idempotent.
    check(azora::shaping::shape(out, opts) == out);
  } catch (const azora::UsageError&) {
    // bad field path or a document nested too deeply: refused, as documented
  }
  try {
    const nlohmann::json p = azora::shaping::paginate(doc, page, page_size);
    check(p["data"].size() <= static_cast<std::size_t>(page_size));
  } catch (const azora::UsageError&) {
  }
  return 0;
}
