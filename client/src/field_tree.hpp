// field_tree.hpp — (internal) a field allow-list ("id", "author.name") parsed into a tree, shared
// by document and Result shaping.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "azora/error.hpp"

namespace azora::detail {

struct FieldTree {
  bool whole = false;  // keep the whole value (the path ended here)
  std::map<std::string, FieldTree, std::less<>> children;

  static FieldTree parse(const std::vector<std::string>& fields) {
    FieldTree root;
    for (const std::string& f : fields) {
      if (f.empty() || f.front() == '.' || f.back() == '.' || f.find("..") != std::string::npos)
        throw UsageError("shaping: bad field path \"" + f + "\"");
      FieldTree* node = &root;
      std::size_t start = 0;
      while (true) {
        const std::size_t dot = f.find('.', start);
        node = &node->children[f.substr(start, dot == std::string::npos ? dot : dot - start)];
        if (dot == std::string::npos) break;
        start = dot + 1;
      }
      node->whole = true;
    }
    return root;
  }
  // A node selects everything under it when the path ended there or nothing narrower was given.
  bool keeps_all() const { return whole || children.empty(); }
};

}  // namespace azora::detail
