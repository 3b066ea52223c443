// accept_encoding.cpp — Accept-Encoding parsing and negotiation (see accept_encoding.hpp).
#include "azora/accept_encoding.hpp"

#include "ascii_text.hpp"

#include <cctype>
#include <optional>

namespace azora {

namespace {

// RFC 9110 qvalue: "0" ["." 0*3DIGIT] / "1" ["." 0*3("0")].
std::optional<double> parse_qvalue(std::string_view v) {
  if (v.empty() || v.size() > 5) return std::nullopt;
  if (v[0] != '0' && v[0] != '1') return std::nullopt;
  double q = v[0] - '0';
  if (v.size() == 1) return q;
  if (v[1] != '.') return std::nullopt;
  double scale = 0.1;
  for (std::size_t i = 2; i < v.size(); i++) {
    if (!std::isdigit(static_cast<unsigned char>(v[i]))) return std::nullopt;
    if (v[0] == '1' && v[i] != '0') return std::nullopt;
    q += (v[i] - '0') * scale;
    scale /= 10;
  }
  return q;
}

bool is_token_char(char c) {
  const auto u = static_cast<unsigned char>(c);
  return std::isalnum(u) || std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

}  // namespace

std::vector<EncodingPreference> parse_accept_encoding(std::string_view header) {
  std::vector<EncodingPreference> out;
  while (!header.empty()) {
    const std::size_t comma = header.find(',');
    std::string_view element = header.substr(0, comma);
    header = comma == std::string_view::npos ? std::string_view{} : header.substr(comma + 1);

    const std::size_t semi = element.find(';');
    const std::string_view coding = detail::trim_blanks(element.substr(0, semi));
    if (coding.empty()) continue;
    bool ok = true;
    for (char c : coding) ok = ok && is_token_char(c);
    if (!ok) continue;

    EncodingPreference pref{detail::lower_ascii(coding), 1.0};
    // Parameters: only q matters; a malformed q discards the element (safer than guessing).
    std::string_view params =
        semi == std::string_view::npos ? std::string_view{} : element.substr(semi + 1);
    while (ok && !params.empty()) {
      const std::size_t next = params.find(';');
      const std::string_view param = detail::trim_blanks(params.substr(0, next));
      params = next == std::string_view::npos ? std::string_view{} : params.substr(next + 1);
      const std::size_t eq = param.find('=');
      if (eq == std::string_view::npos) continue;
      if (detail::lower_ascii(detail::trim_blanks(param.substr(0, eq))) != "q") continue;
      const auto q = parse_qvalue(detail::trim_blanks(param.substr(eq + 1)));
      if (q)
        pref.q = *q;
      else
        ok = false;
    }
    if (ok) out.push_back(std::move(pref));
  }
  return out;
}

EncodingWeights encoding_weights(std::string_view accept_encoding) {
  std::optional<double> gzip, identity, star;
  for (const EncodingPreference& p : parse_accept_encoding(accept_encoding)) {
    // When a coding is listed twice, the first entry counts.
    if ((p.coding == "gzip" || p.coding == "x-gzip") && !gzip) gzip = p.q;
    if (p.coding == "identity" && !identity) identity = p.q;
    if (p.coding == "*" && !star) star = p.q;
  }
  EncodingWeights w;
  w.gzip = gzip ? *gzip : (star ? *star : 0.0);
  // "*" covers every coding not listed, identity included (so "*;q=0" refuses identity).
  w.identity = identity ? *identity : (star ? *star : 1.0);
  return w;
}

ContentEncoding negotiate_encoding(std::string_view accept_encoding) {
  const EncodingWeights w = encoding_weights(accept_encoding);
  if (w.gzip > 0.0 && w.gzip >= w.identity) return ContentEncoding::gzip;
  if (w.identity > 0.0) return ContentEncoding::identity;
  if (w.gzip > 0.0) return ContentEncoding::gzip;
  return ContentEncoding::not_acceptable;
}

}  // namespace azora
