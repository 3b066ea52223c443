// commands.hpp — the azora-opt CLI's commands: one function each, looked up by name, each with
// its own --help text.
#pragma once

#include <string>
#include <vector>

#include "context.hpp"

namespace azora::cli {

struct Command {
  const char* name;
  const char* args;     // usage of its arguments, for --help
  const char* help;     // one line for the command list
  const char* details;  // the rest of `azora-opt COMMAND --help`
  int (*run)(Context& ctx);
};

// Every command, in the order --help lists them.
const std::vector<Command>& commands();

// Commands defined in their own files.
int report(Context& ctx);
int exporter(Context& ctx);
int advise(Context& ctx);
int indexes(Context& ctx);
int cache(Context& ctx);

}  // namespace azora::cli
