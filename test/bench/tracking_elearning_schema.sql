-- tracking_elearning_schema.sql — the e-learning tables the tracking benchmark's custom pgbench
-- script (tracking_elearning.pgbench) reads and writes: students browse their enrollments,
-- open a course's lessons and record progress.
DROP TABLE IF EXISTS lesson_progress, enrollments, lessons, courses, students;
CREATE TABLE students (id int PRIMARY KEY, name text NOT NULL, created_at timestamptz NOT NULL);
CREATE TABLE courses (id int PRIMARY KEY, title text NOT NULL, category text NOT NULL);
CREATE TABLE lessons (
  id serial PRIMARY KEY,
  course_id int NOT NULL REFERENCES courses,
  position int NOT NULL,
  title text NOT NULL,
  UNIQUE (course_id, position));
CREATE TABLE enrollments (
  student_id int NOT NULL REFERENCES students,
  course_id int NOT NULL REFERENCES courses,
  enrolled_at timestamptz NOT NULL,
  progress int NOT NULL DEFAULT 0,
  PRIMARY KEY (student_id, course_id));
CREATE TABLE lesson_progress (
  student_id int NOT NULL,
  course_id int NOT NULL,
  lesson_no int NOT NULL,
  completed_at timestamptz NOT NULL,
  PRIMARY KEY (student_id, course_id, lesson_no));

INSERT INTO students SELECT g, 'student ' || g, now() - g * interval '1 minute'
FROM generate_series(1, 10000) g;
INSERT INTO courses SELECT g, 'course ' || g, (ARRAY['sql', 'c++', 'math', 'art'])[1 + g % 4]
FROM generate_series(1, 500) g;
INSERT INTO lessons (course_id, position, title)
SELECT c, p, 'lesson ' || p FROM generate_series(1, 500) c, generate_series(1, 20) p;
INSERT INTO enrollments (student_id, course_id, enrolled_at)
SELECT s, 1 + (s * 7 + k * 131) % 500, now() - k * interval '1 day'
FROM generate_series(1, 10000) s, generate_series(1, 5) k
ON CONFLICT DO NOTHING;
CREATE INDEX ON enrollments (course_id);
VACUUM ANALYZE;
