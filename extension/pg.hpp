// pg.hpp — PostgreSQL's headers for C++ code: the C++ standard headers first, then pg_c.hpp.
//
// Every extension source includes this header (or pg_c.hpp, for code that owns no C++ objects)
// instead of any PostgreSQL header, so the C/C++ boundary is in one place: the headers sit
// inside extern "C", and the C++ standard headers come first because PostgreSQL's port.h
// redefines printf/snprintf and friends as macros.
#pragma once

#include <cmath>
#include <cstdarg>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <algorithm>
#include <exception>
#include <functional>
#include <memory>
#include <new>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "pg_c.hpp"
