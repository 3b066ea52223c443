// boundary.cpp — converting between C++ exceptions and PostgreSQL errors (see boundary.hpp).
#include "boundary.hpp"

namespace azora {

const char* PgError::what() const noexcept {
  return data_ != nullptr && data_->message != nullptr ? data_->message : "PostgreSQL error";
}

int PgError::sqlstate() const noexcept {
  return data_ != nullptr ? data_->sqlerrcode : 0;
}

namespace detail {

namespace {
void copy_text(char* dst, size_t size, const char* src) {
  if (src == nullptr) src = "";
  strlcpy(dst, src, size);
}
}  // namespace

void capture_current_exception(Failure& failure) noexcept {
  failure.pg_error = nullptr;
  failure.sqlstate = ERRCODE_INTERNAL_ERROR;
  failure.message[0] = failure.hint[0] = failure.detail[0] = '\0';
  try {
    throw;
  } catch (const PgError& e) {
    failure.pg_error = e.data();
  } catch (const Error& e) {
    failure.sqlstate = e.sqlstate();
    copy_text(failure.message, sizeof failure.message, e.what());
    copy_text(failure.hint, sizeof failure.hint, e.hint().c_str());
    copy_text(failure.detail, sizeof failure.detail, e.detail().c_str());
  } catch (const std::bad_alloc&) {
    failure.sqlstate = ERRCODE_OUT_OF_MEMORY;
    copy_text(failure.message, sizeof failure.message, "out of memory");
  } catch (const std::exception& e) {
    failure.sqlstate = ERRCODE_INTERNAL_ERROR;
    copy_text(failure.message, sizeof failure.message, e.what());
  } catch (...) {
    failure.sqlstate = ERRCODE_INTERNAL_ERROR;
    copy_text(failure.message, sizeof failure.message, "unknown C++ exception");
  }
}

void raise_failure(const Failure& failure, const char* where) {
  if (failure.pg_error != nullptr) ReThrowError(failure.pg_error);
  if (failure.sqlstate == ERRCODE_INTERNAL_ERROR) {
    ereport(ERROR, (errcode(failure.sqlstate),
                    errmsg("azora_opt: internal error in %s: %s", where, failure.message),
                    errhint("This is a bug in azora_opt; the transaction was rolled back.")));
  }
  ereport(ERROR, (errcode(failure.sqlstate), errmsg("%s", failure.message),
                  failure.detail[0] != '\0' ? errdetail("%s", failure.detail) : 0,
                  failure.hint[0] != '\0' ? errhint("%s", failure.hint) : 0));
  pg_unreachable();
}

ErrorData* pg_try(void (*fn)(void*), void* arg) {
  MemoryContext volatile caller_context = CurrentMemoryContext;
  ErrorData* volatile error = nullptr;
  // Lives in this frame, which the longjmp returns to rather than jumps over.
  std::exception_ptr cxx_exception;
  PG_TRY();
  {
    try {
      fn(arg);
    } catch (...) {
      // Leaving a PG_TRY block by a C++ throw would leave PG_exception_stack pointing at a dead
      // frame; carry the exception over PG_END_TRY instead.
      cxx_exception = std::current_exception();
    }
  }
  PG_CATCH();
  {
    MemoryContextSwitchTo(caller_context);
    error = CopyErrorData();
    FlushErrorState();
  }
  PG_END_TRY();
  if (cxx_exception) std::rethrow_exception(cxx_exception);
  return error;
}

}  // namespace detail
}  // namespace azora
