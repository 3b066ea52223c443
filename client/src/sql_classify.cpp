// sql_classify.cpp — operation and table labels from SQL text (see sql_classify.hpp).
#include "azora/detail/sql_classify.hpp"

#include <cctype>
#include <vector>

namespace azora {

namespace {

struct Token {
  enum Kind { word, quoted, open, close, dot, other } kind;
  std::string text;  // words lower-cased, quoted identifiers unescaped
};

bool word_start(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_';
}
bool word_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$';
}

// Splits the text into the tokens that matter; literals and comments vanish.
std::vector<Token> tokenize(std::string_view s) {
  std::vector<Token> out;
  size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      i++;
    } else if (c == '-' && i + 1 < s.size() && s[i + 1] == '-') {
      while (i < s.size() && s[i] != '\n') i++;
    } else if (c == '/' && i + 1 < s.size() && s[i + 1] == '*') {
      int depth = 0;  // PostgreSQL block comments nest
      do {
        if (s.compare(i, 2, "/*") == 0) {
          depth++;
          i += 2;
        } else if (s.compare(i, 2, "*/") == 0) {
          depth--;
          i += 2;
        } else {
          i++;
        }
      } while (depth > 0 && i < s.size());
    } else if (c == '\'') {
      for (i++; i < s.size(); i++) {
        if (s[i] == '\'' && i + 1 < s.size() && s[i + 1] == '\'') {
          i++;
        } else if (s[i] == '\'') {
          i++;
          break;
        }
      }
      out.push_back({Token::other, ""});
    } else if (c == '"') {
      std::string name;
      for (i++; i < s.size(); i++) {
        if (s[i] == '"' && i + 1 < s.size() && s[i + 1] == '"') {
          name += '"';
          i++;
        } else if (s[i] == '"') {
          i++;
          break;
        } else {
          name += s[i];
        }
      }
      out.push_back({Token::quoted, name});
    } else if (c == '$' && i + 1 < s.size() && (s[i + 1] == '$' || word_start(s[i + 1]))) {
      // Dollar quoting: $tag$ ... $tag$ (a $1 parameter starts with a digit and is not this).
      size_t end = s.find('$', i + 1);
      if (end == std::string_view::npos) break;
      std::string_view tag = s.substr(i, end - i + 1);
      size_t close = s.find(tag, end + 1);
      i = close == std::string_view::npos ? s.size() : close + tag.size();
      out.push_back({Token::other, ""});
    } else if (word_start(c)) {
      std::string w;
      while (i < s.size() && word_char(s[i]))
        w += static_cast<char>(std::tolower(static_cast<unsigned char>(s[i++])));
      out.push_back({Token::word, w});
    } else {
      out.push_back({c == '('   ? Token::open
                     : c == ')' ? Token::close
                     : c == '.' ? Token::dot
                                : Token::other,
                     std::string(1, c)});
      i++;
    }
  }
  return out;
}

bool is_name(const Token& t) {
  return t.kind == Token::word || t.kind == Token::quoted;
}

// A possibly schema-qualified name starting at tokens[i], or "" when there is none.
std::string name_at(const std::vector<Token>& t, size_t i) {
  if (i < t.size() && t[i].kind == Token::word && t[i].text == "only") i++;
  if (i >= t.size() || !is_name(t[i])) return "";
  std::string name = t[i].text;
  while (i + 2 < t.size() && t[i + 1].kind == Token::dot && is_name(t[i + 2])) {
    name += "." + t[i + 2].text;
    i += 2;
  }
  return name;
}

// The first name after `keyword` at parenthesis depth `depth`, searching from `from`.
std::string name_after(const std::vector<Token>& t, size_t from, const char* keyword, int depth) {
  int d = 0;
  for (size_t i = from; i < t.size(); i++) {
    if (t[i].kind == Token::open) d++;
    if (t[i].kind == Token::close) d--;
    if (d == depth && t[i].kind == Token::word && t[i].text == keyword) {
      std::string name = name_at(t, i + 1);
      if (!name.empty()) return name;
    }
  }
  return "";
}

}  // namespace

SqlShape classify_sql(std::string_view sql) {
  std::vector<Token> t = tokenize(sql);
  size_t start = 0;
  while (start < t.size() && t[start].kind == Token::open) start++;  // (SELECT ...) UNION ...
  if (start >= t.size() || t[start].kind != Token::word) return {"unknown", "none"};
  std::string op = t[start].text;
  size_t body = start;
  if (op == "with") {
    // The outer statement is the first DML keyword back at the outermost level.
    int d = 0;
    op = "unknown";
    for (size_t i = start + 1; i < t.size(); i++) {
      if (t[i].kind == Token::open) d++;
      if (t[i].kind == Token::close) d--;
      if (d == 0 && t[i].kind == Token::word &&
          (t[i].text == "select" || t[i].text == "insert" || t[i].text == "update" ||
           t[i].text == "delete")) {
        op = t[i].text;
        body = i;
        break;
      }
    }
  }
  std::string table;
  if (op == "select" || op == "delete") table = name_after(t, body, "from", 0);
  if (op == "select" && table.empty()) table = name_after(t, body, "from", 1);  // (SELECT ...)
  if (op == "insert") table = name_after(t, body, "into", 0);
  if (op == "update") table = name_at(t, body + 1);
  return {op, table.empty() ? "none" : table};
}

}  // namespace azora
