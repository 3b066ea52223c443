// commands.hpp — the azora-opt CLI's commands: one function each, looked up by name.
#pragma once

#include <string>
#include <vector>

#include "azora/connection.hpp"

namespace azora::cli {

struct Command {
  const char* name;
  const char* args;  // usage of its arguments, for --help
  const char* help;
  int (*run)(Connection& conn, const std::vector<std::string>& args);
};

// Every command, in the order --help lists them.
const std::vector<Command>& commands();

// The index advisor's commands (advisor_commands.cpp).
int advise(Connection& conn, const std::vector<std::string>& args);
int indexes(Connection& conn, const std::vector<std::string>& args);

}  // namespace azora::cli
