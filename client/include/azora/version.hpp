// version.hpp — the client library's version.
#pragma once

namespace azora {
inline constexpr const char* kClientVersion = "1.0.0";
}
