// lease.hpp — Lease: the RAII handle on a pooled connection.
//
// A Lease owns one Connection taken from a Pool; its destructor gives it back (rolling back an
// open transaction first) or closes it when it is broken. Move-only; not thread-safe (like the
// Connection it holds: one thread uses a lease at a time). It may outlive its Pool: the
// connection is then simply closed on return.
#pragma once

#include <memory>

#include "azora/connection.hpp"

namespace azora {

namespace detail {
class PoolState;
struct PoolSlot;
}  // namespace detail

class Lease {
 public:
  Lease() noexcept;
  ~Lease();
  Lease(Lease&& other) noexcept;
  Lease& operator=(Lease&& other) noexcept;
  Lease(const Lease&) = delete;
  Lease& operator=(const Lease&) = delete;

  // The leased connection; UsageError on an empty (moved-from or released) lease.
  Connection& connection() const;
  Connection& operator*() const { return connection(); }
  Connection* operator->() const { return &connection(); }
  explicit operator bool() const noexcept { return slot_ != nullptr; }

  // Gives the connection back now instead of at scope exit.
  void release() noexcept;
  // Closes the connection instead of giving it back (e.g. after changing session state that
  // must not leak to the next user); the pool opens a fresh one when needed.
  void discard() noexcept;

 private:
  friend class detail::PoolState;
  Lease(std::shared_ptr<detail::PoolState> pool, std::unique_ptr<detail::PoolSlot> slot) noexcept;
  void give_back(bool discard) noexcept;

  std::shared_ptr<detail::PoolState> pool_;
  std::unique_ptr<detail::PoolSlot> slot_;
};

}  // namespace azora
