// version.hpp — the library's version, reported by azora_opt.version().
#pragma once

#define AZORA_OPT_VERSION "1.2.0"
