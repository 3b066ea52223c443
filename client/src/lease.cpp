// lease.cpp — Lease: hands its connection back to the pool state (see lease.hpp).
#include "azora/lease.hpp"

#include "pool_state.hpp"

namespace azora {

Lease::Lease() noexcept = default;

Lease::Lease(std::shared_ptr<detail::PoolState> pool,
             std::unique_ptr<detail::PoolSlot> slot) noexcept
    : pool_(std::move(pool)), slot_(std::move(slot)) {}

Lease::~Lease() {
  give_back(false);
}

Lease::Lease(Lease&& other) noexcept = default;

Lease& Lease::operator=(Lease&& other) noexcept {
  if (this != &other) {
    give_back(false);
    pool_ = std::move(other.pool_);
    slot_ = std::move(other.slot_);
  }
  return *this;
}

Connection& Lease::connection() const {
  if (!slot_) throw UsageError("this lease holds no connection (released or moved from)");
  return slot_->conn;
}

void Lease::release() noexcept {
  give_back(false);
}

void Lease::discard() noexcept {
  give_back(true);
}

void Lease::give_back(bool discard) noexcept {
  if (slot_) pool_->give_back(std::move(slot_), discard);
  pool_.reset();
}

}  // namespace azora
