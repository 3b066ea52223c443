// shaping_test.cpp — payload shaping of JSON documents and of real PostgreSQL results, presets,
// array pagination and payload sizes.
#include <gtest/gtest.h>

#include <string>

#include "azora/array_page.hpp"
#include "azora/connection.hpp"
#include "azora/error.hpp"
#include "azora/payload_size.hpp"
#include "azora/shaping.hpp"
#include "azora/detail/utf8.hpp"
#include "test_env.hpp"

namespace {

using nlohmann::json;
namespace shaping = azora::shaping;

json course() {
  return json::parse(R"({
    "id": 7, "title": "Intro to Databases", "description": null, "price": 49.5,
    "author": {"name": "Ada", "email": "ada@example.com", "bio": null},
    "lessons": [{"id": 1, "title": "Tables", "video": "v1"}, {"id": 2, "title": "Indexes"}]
  })");
}

TEST(ShapeJson, AllowListKeepsOnlyTheNamedFields) {
  shaping::Options o;
  o.fields = {"id", "title"};
  EXPECT_EQ(shaping::shape(course(), o),
            json::parse(R"({"id": 7, "title": "Intro to Databases"})"));
}

TEST(ShapeJson, NestedPathsReachIntoObjectsAndArrays) {
  shaping::Options o;
  o.fields = {"id", "author.name", "lessons.title"};
  EXPECT_EQ(shaping::shape(course(), o), json::parse(R"({"id": 7, "author": {"name": "Ada"},
      "lessons": [{"title": "Tables"}, {"title": "Indexes"}]})"));
  // A whole-field entry wins over a narrower one for the same field.
  o.fields = {"author", "author.name"};
  EXPECT_EQ(shaping::shape(course(), o)["author"].size(), 3u);
  // A narrower path into a scalar matches nothing.
  o.fields = {"title.x"};
  EXPECT_EQ(shaping::shape(course(), o), json::object());
}

TEST(ShapeJson, ArraysAreShapedElementByElement) {
  shaping::Options o;
  o.fields = {"id"};
  json list = json::array({course(), course(), 42});
  EXPECT_EQ(shaping::shape(list, o), json::parse(R"([{"id": 7}, {"id": 7}, {}])"));
}

TEST(ShapeJson, DropNullsRemovesNullMembersAtEveryDepthButKeepsArrayElements) {
  shaping::Options o;
  o.drop_nulls = true;
  json doc = course();
  doc["tags"] = json::array({"a", nullptr});
  const json out = shaping::shape(doc, o);
  EXPECT_FALSE(out.contains("description"));
  EXPECT_FALSE(out["author"].contains("bio"));
  EXPECT_EQ(out["tags"], json::array({"a", nullptr}));
  o.fields = {"description", "id"};
  EXPECT_EQ(shaping::shape(doc, o), json::parse(R"({"id": 7})"));
}

TEST(ShapeJson, TruncatesStringsOnCharacterBoundaries) {
  shaping::Options o;
  o.max_string_length = 5;
  json doc = {
      {"name", "caf\xC3\xA9s"}, {"emoji", "\xF0\x9F\x98\x80\xF0\x9F\x98\x80"}, {"n", 123456789}};
  const json out = shaping::shape(doc, o);
  EXPECT_EQ(out["name"], "caf\xC3\xA9");  // 5 bytes: "caf" + é
  EXPECT_EQ(out["emoji"], "\xF0\x9F\x98\x80");
  EXPECT_EQ(out["n"], 123456789);  // numbers are not strings
  o.max_string_length = 4;
  EXPECT_EQ(shaping::shape(doc, o)["name"], "caf");
}

TEST(ShapeJson, PresetsAndTheirNames) {
  const auto m = shaping::preset(shaping::Preset::minimal, {"id"});
  EXPECT_TRUE(m.drop_nulls);
  EXPECT_EQ(m.max_string_length, 100u);
  EXPECT_EQ(m.fields, std::vector<std::string>{"id"});
  const auto s = shaping::preset(shaping::Preset::standard);
  EXPECT_TRUE(s.drop_nulls);
  EXPECT_EQ(s.max_string_length, 1000u);
  const auto f = shaping::preset(shaping::Preset::full);
  EXPECT_FALSE(f.drop_nulls);
  EXPECT_EQ(f.max_string_length, 0u);
  EXPECT_EQ(shaping::shape(course(), f), course());
  EXPECT_EQ(shaping::parse_preset("minimal"), shaping::Preset::minimal);
  EXPECT_EQ(shaping::parse_preset("full"), shaping::Preset::full);
  EXPECT_THROW(shaping::parse_preset("MAXIMAL"), azora::UsageError);
}

TEST(ShapeJson, BadInputGetsAClearError) {
  shaping::Options o;
  o.fields = {"a..b"};
  EXPECT_THROW(shaping::shape(course(), o), azora::UsageError);
  o.fields = {""};
  EXPECT_THROW(shaping::shape(course(), o), azora::UsageError);
  // A document nested beyond kMaxDepth is refused, not recursed into.
  json deep = 1;
  for (int i = 0; i < shaping::kMaxDepth + 10; i++) deep = json::array({deep});
  EXPECT_THROW(shaping::shape(deep, shaping::Options{}), azora::UsageError);
}

class ShapeResult : public ::testing::Test {
 protected:
  azora::Connection conn{azora::test::pg_conninfo()};
  azora::Result rows() {
    return conn.exec(
        "SELECT i AS id, 'Course ' || i AS title, CASE WHEN i = 2 THEN NULL ELSE 'd' || i END "
        "AS description, i % 2 = 0 AS published, (i * 1.5)::numeric AS price, "
        "'NaN'::float8 AS score, 'héllo wörld' AS blurb, "
        "jsonb_build_object('level', 'beginner', 'mentor', NULL) AS meta, "
        "E'quote\" back\\\\ nl\\n tab\\t bell\\x07' AS tricky "
        "FROM generate_series(1, 3) i ORDER BY i");
  }
};

TEST_F(ShapeResult, MapsColumnTypesToJson) {
  const json out = shaping::shape(rows(), shaping::Options{});
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0]["id"], 1);
  EXPECT_EQ(out[0]["title"], "Course 1");
  EXPECT_EQ(out[1]["description"], nullptr);
  EXPECT_EQ(out[0]["published"], false);
  EXPECT_EQ(out[1]["published"], true);
  EXPECT_DOUBLE_EQ(out[1]["price"].get<double>(), 3.0);
  EXPECT_EQ(out[0]["score"], "NaN");
  EXPECT_EQ(out[0]["blurb"], "héllo wörld");
  EXPECT_EQ(out[0]["meta"], json::parse(R"({"level": "beginner", "mentor": null})"));
  EXPECT_EQ(out[0]["tricky"], "quote\" back\\ nl\n tab\t bell\x07");
}

TEST_F(ShapeResult, TextAndDocumentFormsAgree) {
  shaping::Options o = shaping::preset(shaping::Preset::minimal, {"id", "title", "description"});
  const std::string text = shaping::shape_to_json(rows(), o);
  EXPECT_EQ(json::parse(text), shaping::shape(rows(), o));
  EXPECT_EQ(json::parse(text)[1], json::parse(R"({"id": 2, "title": "Course 2"})"));
}

TEST_F(ShapeResult, SelectsDropsNullsAndTruncates) {
  shaping::Options o;
  o.fields = {"blurb", "meta.level", "description"};
  o.drop_nulls = true;
  o.max_string_length = 2;
  const json out = shaping::shape(rows(), o);
  EXPECT_EQ(out[0], json::parse(R"({"blurb": "h", "meta": {"level": "be"}, "description": "d1"})"));
  EXPECT_EQ(out[1], json::parse(R"({"blurb": "h", "meta": {"level": "be"}})"));
  o.fields = {"meta"};
  o.max_string_length = 0;
  EXPECT_EQ(shaping::shape(rows(), o)[0]["meta"], json::parse(R"({"level": "beginner"})"));
}

// JavaScript reads JSON numbers into doubles: 2^53 + 1 and a long numeric cannot survive as
// numbers, so BigNumbers::string writes int8 and numeric as strings, exactly.
TEST_F(ShapeResult, BigNumbersAsStringsKeepEveryDigit) {
  const azora::Result r = conn.exec(
      "SELECT 9007199254740993::int8 AS big, "
      "123456789012345678901234567890.123456789012345678901234567890::numeric AS exact, "
      "'NaN'::numeric AS nan, 7::int4 AS small, 2.5::float8 AS f");
  const std::string digits = "123456789012345678901234567890.123456789012345678901234567890";
  // The default: raw numbers, exact in the text (a JavaScript client would read 9007199254740992).
  EXPECT_EQ(shaping::shape_to_json(r, {}), "[{\"big\":9007199254740993,\"exact\":" + digits +
                                               ",\"nan\":\"NaN\",\"small\":7,\"f\":2.5}]");
  shaping::Options o = shaping::preset(shaping::Preset::minimal);  // strings cut at 100 bytes
  o.max_string_length = 10;                                        // but never a number
  o.big_numbers = shaping::BigNumbers::string;
  const std::string text = shaping::shape_to_json(r, o);
  EXPECT_EQ(text, "[{\"big\":\"9007199254740993\",\"exact\":\"" + digits +
                      "\",\"nan\":\"NaN\",\"small\":7,\"f\":2.5}]");
  const json doc = shaping::shape(r, o);
  EXPECT_EQ(doc[0]["big"], "9007199254740993");
  EXPECT_EQ(doc[0]["exact"], digits);
  EXPECT_EQ(doc[0]["small"], 7);
}

TEST_F(ShapeResult, UnknownFieldsAndPathsIntoScalarsAreUsageErrors) {
  shaping::Options o;
  o.fields = {"id", "no_such_column"};
  EXPECT_THROW(shaping::shape_to_json(rows(), o), azora::UsageError);
  o.fields = {"title.x"};
  EXPECT_THROW(shaping::shape_to_json(rows(), o), azora::UsageError);
  EXPECT_THROW(shaping::shape_to_json(azora::Result{}, {}), azora::UsageError);
  // A command result has no rows to shape.
  EXPECT_THROW(shaping::shape_to_json(conn.exec("SET work_mem = '4MB'"), {}), azora::UsageError);
}

TEST_F(ShapeResult, WorksOnARawPGresultWithoutTakingItOver) {
  azora::Result r = rows();
  const PGresult* raw = r.native();
  shaping::Options o;
  o.fields = {"id"};
  EXPECT_EQ(shaping::shape(raw, o), json::parse(R"([{"id": 1}, {"id": 2}, {"id": 3}])"));
  EXPECT_EQ(shaping::shape_to_json(raw, o), R"([{"id":1},{"id":2},{"id":3}])");
  std::string buf = "x";
  shaping::shape_to_json(raw, o, buf);
  EXPECT_EQ(buf, R"(x[{"id":1},{"id":2},{"id":3}])");
  EXPECT_EQ(r.rows(), 3);  // still owned and readable
}

TEST_F(ShapeResult, InvalidUtf8InTextBecomesReplacementCharacters) {
  // SQL_ASCII databases hand out arbitrary bytes; the output must still be valid JSON.
  conn.exec("SET client_min_messages = warning");
  conn.exec("DROP DATABASE IF EXISTS shaping_ascii");
  conn.exec(
      "CREATE DATABASE shaping_ascii ENCODING 'SQL_ASCII' TEMPLATE template0 LC_COLLATE 'C' "
      "LC_CTYPE 'C'");
  {
    azora::Connection ascii(azora::test::pg_conninfo() + " dbname=shaping_ascii");
    ascii.exec("SET client_encoding = 'SQL_ASCII'");
    azora::Result r = ascii.exec("SELECT E'ok\\xff\\xc3' AS t");
    ASSERT_EQ(r.value(0, 0).size(), 4u);
    const std::string text = shaping::shape_to_json(r, {});
    EXPECT_TRUE(azora::utf8::is_valid(text));
    EXPECT_EQ(json::parse(text)[0]["t"], "ok\xEF\xBF\xBD\xEF\xBF\xBD");
  }
  conn.exec("DROP DATABASE shaping_ascii");
}

TEST(ArrayPage, SlicesAndReportsMore) {
  json items = json::array();
  for (int i = 1; i <= 25; i++) items.push_back(i);
  json p1 = shaping::paginate(items, 1, 10);
  EXPECT_EQ(p1["data"].size(), 10u);
  EXPECT_EQ(p1["data"][0], 1);
  EXPECT_EQ(p1["page"], 1);
  EXPECT_EQ(p1["pageSize"], 10);
  EXPECT_EQ(p1["total"], 25);
  EXPECT_EQ(p1["hasMore"], true);
  json p3 = shaping::paginate(items, 3, 10);
  EXPECT_EQ(p3["data"], json::array({21, 22, 23, 24, 25}));
  EXPECT_EQ(p3["hasMore"], false);
  json past = shaping::paginate(items, 1000000, 1000);
  EXPECT_TRUE(past["data"].empty());
  EXPECT_EQ(past["hasMore"], false);
  EXPECT_EQ(shaping::paginate(items, 2147483647, 1000)["data"].size(), 0u);
}

TEST(ArrayPage, RefusesBadArguments) {
  EXPECT_THROW(shaping::paginate(json::object(), 1, 10), azora::UsageError);
  EXPECT_THROW(shaping::paginate(json::array(), 0, 10), azora::UsageError);
  EXPECT_THROW(shaping::paginate(json::array(), 1, 0), azora::UsageError);
  EXPECT_THROW(shaping::paginate(json::array(), 1, shaping::kMaxPageSize + 1), azora::UsageError);
}

TEST(PayloadSize, CountsSerializedBytesAndFormatsThem) {
  EXPECT_EQ(azora::payload_size(json::parse(R"({"a":1})")), 7u);
  EXPECT_EQ(azora::payload_size(json("\xFF")), 5u);  // invalid byte counted as U+FFFD, no throw
  EXPECT_EQ(azora::human_size(0), "0 B");
  EXPECT_EQ(azora::human_size(1023), "1023 B");
  EXPECT_EQ(azora::human_size(1024), "1.0 KB");
  EXPECT_EQ(azora::human_size(1536), "1.5 KB");
  EXPECT_EQ(azora::human_size(5u << 20), "5.0 MB");
  EXPECT_EQ(azora::human_size(std::size_t{3} << 30), "3.0 GB");
  EXPECT_EQ(azora::human_size(std::size_t{2048} << 40), "2048.0 TB");
}

}  // namespace

// Timestamps come out as PostgreSQL's own JSON writes them (the independent truth: to_json on the
// same values, in zones with whole-hour, half-hour and local-mean-time offsets).
TEST_F(ShapeResult, TimestampsAsServerJson) {
  for (const char* zone : {"UTC", "Asia/Kolkata", "America/St_Johns", "Europe/Amsterdam"}) {
    conn.exec(std::string("SET TIME ZONE '") + zone + "'");
    const azora::Result r = conn.exec(
        "SELECT v AS tz, v::timestamp AS ts, to_json(v) #>> '{}' AS tz_json, "
        "to_json(v::timestamp) #>> '{}' AS ts_json FROM (VALUES "
        "('2026-12-03 18:57:45.692186+00'::timestamptz), ('2026-06-01 00:00:00+00'), "
        "('1850-01-01 12:00:00.5+00'), ('0044-03-15 10:00:00+00 BC'), ('infinity'), "
        "('-infinity')) t(v)");
    const json out = shaping::shape(r, shaping::Options{});
    ASSERT_EQ(out.size(), 6u);
    for (std::size_t i = 0; i < out.size(); i++) {
      EXPECT_EQ(out[i]["tz"], out[i]["tz_json"]) << zone << " row " << i;
      EXPECT_EQ(out[i]["ts"], out[i]["ts_json"]) << zone << " row " << i;
    }
  }
  conn.exec("RESET TIME ZONE");
}
