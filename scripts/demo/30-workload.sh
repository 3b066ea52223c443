#!/usr/bin/env bash
# The reference workload: an e-learning API's tables and its three endpoints, timed
set -euo pipefail
source scripts/demo/lib.sh
timed "seed users/courses/wallets/transactions/jobs" q -f scripts/elearning.sql
q -At -c "SELECT format('%s users, %s courses, %s transactions, %s jobs',
  (SELECT count(*) FROM users), (SELECT count(*) FROM courses),
  (SELECT count(*) FROM transactions), (SELECT count(*) FROM jobs))" | sed 's/^/    /'
say "endpoint queries, server-side execution time (best of 3) and how they scan:"
endpoint "course list (page 50 of 20, by rating)" \
  "SELECT id, title, category, rating FROM courses WHERE published ORDER BY rating DESC NULLS LAST, id LIMIT 20 OFFSET 980"
endpoint "wallet balance + last 10 transactions" \
  "SELECT w.balance, t.amount, t.kind FROM wallets w JOIN transactions t ON t.user_id = w.user_id WHERE w.user_id = 4242 ORDER BY t.created_at DESC LIMIT 10"
endpoint "job search (category, remote, newest)" \
  "SELECT id, title, company, salary FROM jobs WHERE category = 'data' AND remote ORDER BY created_at DESC LIMIT 20"
