// routes.hpp — the endpoints of each mode, registered on an ApiServer.
//
//   GET  /api/courses?page=N[&fields=a,b]   course list with the instructor's name
//   GET  /api/courses/{id}                  one course
//   GET  /api/wallet/balance                the X-User-Id user's wallet
//   GET  /api/jobs?category=C&page=N        jobs of one category
//   POST /api/courses/{id}                  {"title": ..., "price_cents": ...}
#pragma once

#include "http_server.hpp"
#include "response_cache.hpp"
#include "rows.hpp"

namespace azora::example {

// The seed's Before code: all rows, all columns, paged in memory, nothing cached.
void add_before_routes(ApiServer& server, RowSource& rows);
// The After code: a page per query, projected, shaped, cached with invalidation on write.
void add_after_routes(ApiServer& server, RowSource& rows, ResponseCache& cache);

}  // namespace azora::example
