// boundary.hpp — the guarded border between PostgreSQL's C error handling and our C++ code.
//
// Two rules keep the two error models apart:
//  * No C++ exception may cross into PostgreSQL. Every SQL-callable function and hook body runs
//    its C++ part inside guarded(), which catches everything and re-raises it as ereport(ERROR)
//    with a SQLSTATE, after all C++ frames (and the exception object) are gone.
//  * No PostgreSQL error (a longjmp) may unwind C++ frames that own resources. C++ code calls
//    PostgreSQL through pg_call(), which catches the error with PG_TRY, copies it and throws it
//    as a PgError; guarded() later re-throws the original error unchanged (same SQLSTATE,
//    message, detail, hint, position).
// The callable given to pg_call() must itself own nothing with a destructor: it is the frame a
// PostgreSQL error jumps over.
#pragma once

#include "pg.hpp"

namespace azora {

// An error raised by azora_opt's own C++ code: a SQLSTATE (an ERRCODE_* value), a message and
// an optional hint and detail, reported to the client exactly like ereport(ERROR) would.
class Error : public std::exception {
 public:
  Error(int sqlstate, std::string message, std::string hint = {}, std::string detail = {})
      : sqlstate_(sqlstate),
        message_(std::move(message)),
        hint_(std::move(hint)),
        detail_(std::move(detail)) {}
  const char* what() const noexcept override { return message_.c_str(); }
  int sqlstate() const noexcept { return sqlstate_; }
  const std::string& hint() const noexcept { return hint_; }
  const std::string& detail() const noexcept { return detail_; }

 private:
  int sqlstate_;
  std::string message_;
  std::string hint_;
  std::string detail_;
};

// A PostgreSQL error caught by pg_call() while it travels through C++ frames. It holds the
// ErrorData copied into the caller's memory context; guarded() re-throws it with ReThrowError.
class PgError : public std::exception {
 public:
  explicit PgError(ErrorData* data) noexcept : data_(data) {}
  const char* what() const noexcept override;
  ErrorData* data() const noexcept { return data_; }
  int sqlstate() const noexcept;

 private:
  ErrorData* data_;
};

namespace detail {

// What guarded() keeps of a caught exception: plain data only, so raising it later owns nothing.
// The buffers are left uninitialised on purpose: guarded() runs in every hook call, and only
// capture_current_exception() (the failure path) fills them.
struct Failure {
  ErrorData* pg_error;  // set when a PgError was caught
  int sqlstate;
  char message[1024];
  char hint[512];
  char detail[512];
};

// Classifies the exception being handled (call only inside a catch block).
void capture_current_exception(Failure& failure) noexcept;
// Reports a captured failure as a PostgreSQL ERROR; never returns.
[[noreturn]] void raise_failure(const Failure& failure, const char* where);
// Runs fn(arg) under PG_TRY. Returns nullptr, or the copied error and the error state flushed.
// A C++ exception thrown by fn is carried over the PG_TRY block and re-thrown after it.
ErrorData* pg_try(void (*fn)(void*), void* arg);

}  // namespace detail

// Runs C++ code from a SQL-callable function or a hook. Any exception becomes ereport(ERROR):
// azora::Error keeps its SQLSTATE and hint, PgError is re-thrown as the original PostgreSQL
// error, std::bad_alloc becomes out_of_memory, anything else internal_error naming `where`.
template <typename F>
auto guarded(const char* where, F&& body) -> decltype(body()) {
  detail::Failure failure;  // filled only if body throws
  try {
    return body();
  } catch (...) {
    detail::capture_current_exception(failure);
  }
  // The catch block has ended, so the exception object and every C++ frame of body are gone.
  detail::raise_failure(failure, where);
}

// Calls PostgreSQL from C++: a PostgreSQL error raised by fn becomes a thrown PgError, so C++
// destructors run as it propagates. fn's own frame must own nothing with a destructor.
template <typename F>
auto pg_call(F&& fn) -> decltype(fn()) {
  using Result = decltype(fn());
  using Fn = std::remove_reference_t<F>;
  if constexpr (std::is_void_v<Result>) {
    ErrorData* error = detail::pg_try([](void* p) { (*static_cast<Fn*>(p))(); }, &fn);
    if (error != nullptr) throw PgError(error);
  } else {
    static_assert(std::is_trivially_destructible_v<Result>,
                  "pg_call returns plain values only (Datum, pointers, numbers)");
    struct Call {
      Fn* fn;
      Result result;
    } call{&fn, Result{}};
    ErrorData* error = detail::pg_try(
        [](void* p) {
          auto* c = static_cast<Call*>(p);
          c->result = (*c->fn)();
        },
        &call);
    if (error != nullptr) throw PgError(error);
    return call.result;
  }
}

}  // namespace azora

// Declares a V1 SQL-callable function whose body runs inside guarded(), so no SQL entry point can
// forget it: an exception thrown by the body becomes ereport(ERROR) as guarded() describes.
// PG_FUNCTION_INFO_V1 declares its symbols without a language linkage; in C++ they must be
// extern "C" or the fmgr cannot find them. fcinfo is [[maybe_unused]]: functions without
// arguments never read it. Usage:
//   AZORA_SQL_FUNCTION(azora_version) { PG_RETURN_TEXT_P(cstring_to_text("1.1")); }
#define AZORA_SQL_FUNCTION(name)                                                       \
  static Datum name##_body(FunctionCallInfo fcinfo);                                   \
  extern "C" {                                                                         \
  PG_FUNCTION_INFO_V1(name);                                                           \
  }                                                                                    \
  extern "C" Datum name(FunctionCallInfo fcinfo) {                                     \
    return azora::guarded(#name, [fcinfo]() -> Datum { return name##_body(fcinfo); }); \
  }                                                                                    \
  static Datum name##_body([[maybe_unused]] FunctionCallInfo fcinfo)
