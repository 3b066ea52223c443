-- elearning.sql — the reference workload's schema and data: an e-learning platform with users,
-- courses, enrollments, wallets, transactions and jobs. Used by the demo and the benchmarks.
-- Scale with psql -v scale=N (default 1: 10k users, 2k courses, 100k transactions, 20k jobs).
-- Deliberately ships without secondary indexes: finding the missing ones is the product's job.
\if :{?scale}
\else
  \set scale 1
\endif

SET client_min_messages = warning;
DROP TABLE IF EXISTS transactions, wallets, enrollments, jobs, courses, users CASCADE;

CREATE TABLE users (
  id          bigint PRIMARY KEY,
  email       text NOT NULL,
  name        text NOT NULL,
  country     text NOT NULL,
  created_at  timestamptz NOT NULL
);
CREATE TABLE courses (
  id             bigint PRIMARY KEY,
  title          text NOT NULL,
  category       text NOT NULL,
  instructor_id  bigint NOT NULL REFERENCES users (id),
  price_cents    integer NOT NULL,
  published      boolean NOT NULL,
  rating         numeric(3, 2),
  description    text,
  created_at     timestamptz NOT NULL
);
CREATE TABLE enrollments (
  user_id     bigint NOT NULL REFERENCES users (id),
  course_id   bigint NOT NULL REFERENCES courses (id),
  progress    integer NOT NULL,
  enrolled_at timestamptz NOT NULL,
  PRIMARY KEY (user_id, course_id)
);
CREATE TABLE wallets (
  user_id     bigint PRIMARY KEY REFERENCES users (id),
  balance     numeric(12, 2) NOT NULL,
  currency    text NOT NULL,
  updated_at  timestamptz NOT NULL
);
CREATE TABLE transactions (
  id          bigint PRIMARY KEY,
  user_id     bigint NOT NULL REFERENCES users (id),
  amount      numeric(12, 2) NOT NULL,
  kind        text NOT NULL,
  created_at  timestamptz NOT NULL
);
CREATE TABLE jobs (
  id          bigint PRIMARY KEY,
  title       text NOT NULL,
  category    text NOT NULL,
  company     text NOT NULL,
  salary      integer,
  remote      boolean NOT NULL,
  description text,
  created_at  timestamptz NOT NULL
);

INSERT INTO users
SELECT i, 'user' || i || '@example.com', 'User ' || i,
       (ARRAY['NG', 'KE', 'GH', 'ZA', 'US', 'GB', 'IN', 'BR'])[1 + i % 8],
       now() - (i % 1000) * interval '1 day'
FROM generate_series(1, 10000 * :scale) AS i;

INSERT INTO courses
SELECT i, 'Course ' || i,
       (ARRAY['programming', 'design', 'business', 'data', 'marketing', 'languages'])[1 + i % 6],
       1 + (i * 7) % (10000 * :scale), (i % 50) * 100, i % 10 <> 0,
       CASE WHEN i % 7 = 0 THEN NULL ELSE round((3 + (i % 200) / 100.0)::numeric, 2) END,
       repeat('An engaging course about topic ' || i || '. ', 5),
       now() - (i % 700) * interval '1 day'
FROM generate_series(1, 2000 * :scale) AS i;

INSERT INTO enrollments
SELECT u, 1 + (u * 13 + k * 101) % (2000 * :scale), (u + k) % 101,
       now() - ((u + k) % 365) * interval '1 day'
FROM generate_series(1, 10000 * :scale) AS u, generate_series(0, 2) AS k
ON CONFLICT DO NOTHING;

INSERT INTO wallets
SELECT i, round((i % 10000) / 3.0, 2), (ARRAY['NGN', 'KES', 'USD'])[1 + i % 3], now()
FROM generate_series(1, 10000 * :scale) AS i;

INSERT INTO transactions
SELECT i, 1 + (i * 31) % (10000 * :scale), round(((i % 2000) - 1000) / 7.0, 2),
       (ARRAY['deposit', 'purchase', 'refund', 'payout'])[1 + i % 4],
       now() - (i % 100000) * interval '1 minute'
FROM generate_series(1, 100000 * :scale) AS i;

INSERT INTO jobs
SELECT i, 'Job ' || i,
       (ARRAY['engineering', 'design', 'sales', 'support', 'data', 'marketing', 'finance'])[1 + i % 7],
       'Company ' || (i % 500), CASE WHEN i % 5 = 0 THEN NULL ELSE 30000 + (i % 90) * 1000 END,
       i % 3 = 0, repeat('Responsibilities for job ' || i || '. ', 4),
       now() - (i % 365) * interval '1 day'
FROM generate_series(1, 20000 * :scale) AS i;

ANALYZE;
