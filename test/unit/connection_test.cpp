// connection_test.cpp — Connection against the real throwaway PostgreSQL cluster.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <clocale>
#include <cstdlib>
#include <string>

#include "azora/connection.hpp"
#include "test_env.hpp"

namespace {

using azora::Connection;

TEST(Connection, RunsAQueryAndReadsValues) {
  Connection conn(azora::test::pg_conninfo());
  ASSERT_TRUE(conn.is_open());
  azora::Result r = conn.exec("SELECT 42 AS answer, NULL::text AS nothing, 'héllo' AS word");
  ASSERT_EQ(r.rows(), 1);
  EXPECT_EQ(r.columns(), 3);
  EXPECT_EQ(r.value(0, 0), "42");
  EXPECT_TRUE(r.is_null(0, 1));
  EXPECT_EQ(r.get(0, 1), std::nullopt);
  EXPECT_EQ(r.column_name(2), "word");
  EXPECT_EQ(r.column_index("word"), 2);
  EXPECT_EQ(r.column_index("missing"), -1);
  EXPECT_EQ(r.value(0, 2), "héllo");
  EXPECT_GE(conn.server_version(), 150000);
}

TEST(Connection, ReachesTheExtension) {
  Connection conn(azora::test::pg_tcp_conninfo());
  conn.exec("CREATE EXTENSION IF NOT EXISTS azora_opt");
  azora::Result r = conn.exec("SELECT azora_opt.version()");
  EXPECT_EQ(r.value(0, 0), "1.2.0");
}

TEST(Connection, ParametersAreSentApartFromTheText) {
  Connection conn(azora::test::pg_conninfo());
  const std::string hostile = "x'); DROP TABLE pg_class; --";
  azora::Result r = conn.exec_params("SELECT $1::text, $2::int + 1, $3::text IS NULL",
                                     {hostile, std::string("41"), std::nullopt});
  EXPECT_EQ(r.value(0, 0), hostile);
  EXPECT_EQ(r.value(0, 1), "42");
  EXPECT_EQ(r.value(0, 2), "t");
}

TEST(Connection, SqlErrorsKeepSqlstateAndConnectionStaysUsable) {
  Connection conn(azora::test::pg_conninfo());
  try {
    conn.exec("SELECT * FROM no_such_table_here");
    FAIL() << "expected SqlError";
  } catch (const azora::ConnectionError&) {
    FAIL() << "a statement error is not a connection error";
  } catch (const azora::SqlError& e) {
    EXPECT_EQ(e.sqlstate(), "42P01");
    EXPECT_NE(std::string(e.what()).find("no_such_table_here"), std::string::npos);
  }
  try {
    conn.exec("SELEKT 1");
    FAIL() << "expected SqlError";
  } catch (const azora::SqlError& e) {
    EXPECT_EQ(e.sqlstate(), "42601");
  }
  EXPECT_EQ(conn.exec("SELECT 1").value(0, 0), "1");
}

TEST(Connection, ErrorCarriesHintFromTheExtension) {
  Connection conn(azora::test::pg_conninfo());
  conn.exec("CREATE EXTENSION IF NOT EXISTS azora_opt");
  try {
    conn.exec("SELECT azora_opt._selftest_raise('nope')");
    FAIL() << "expected SqlError";
  } catch (const azora::SqlError& e) {
    EXPECT_EQ(e.sqlstate(), "22023");
    EXPECT_NE(e.hint().find("cxx, azora"), std::string::npos);
  }
}

TEST(Connection, RefusedConnectionIsAConnectionError) {
  // A port nothing listens on: the cluster's own port + 0 on a socket dir that does not exist.
  EXPECT_THROW(Connection("host=/nonexistent/azora port=1 user=postgres"), azora::ConnectionError);
}

TEST(Connection, TerminatedBackendIsDetected) {
  Connection victim(azora::test::pg_conninfo());
  Connection admin(azora::test::pg_conninfo());
  admin.exec_params("SELECT pg_terminate_backend($1::int)", {std::to_string(victim.backend_pid())});
  try {
    victim.exec("SELECT 1");
    FAIL() << "expected ConnectionError";
  } catch (const azora::ConnectionError& e) {
    EXPECT_FALSE(e.sqlstate().empty());
  }
  EXPECT_FALSE(victim.is_open());
  EXPECT_FALSE(victim.ping());
}

TEST(Connection, QuotesIdentifiers) {
  Connection conn(azora::test::pg_conninfo());
  EXPECT_EQ(conn.quote_identifier("courses"), "\"courses\"");
  EXPECT_EQ(conn.quote_identifier("we\"ird"), "\"we\"\"ird\"");
}

TEST(Connection, MovesOwnership) {
  Connection a(azora::test::pg_conninfo());
  int pid = a.backend_pid();
  Connection b(std::move(a));
  EXPECT_EQ(b.backend_pid(), pid);
  EXPECT_FALSE(a.is_open());  // NOLINT(bugprone-use-after-move): moved-from state is defined
  EXPECT_THROW(a.exec("SELECT 1"), azora::ConnectionError);
}

}  // namespace

namespace {

// libpq's connect timeout message is translated (LANGUAGE, LC_MESSAGES) and has no SQLSTATE: the
// timeout must be recognised without reading English. A listening socket that never answers is
// a server that accepts TCP and then hangs.
TEST(Connection, ConnectTimeoutIsATimeoutErrorInAnyLanguage) {
  const int s = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(s, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  ASSERT_EQ(::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  ASSERT_EQ(::listen(s, 4), 0);
  ASSERT_EQ(::getsockname(s, reinterpret_cast<sockaddr*>(&a), &len), 0);
  const std::string conninfo =
      "host=127.0.0.1 port=" + std::to_string(ntohs(a.sin_port)) + " dbname=x user=x";

  const std::string saved_locale = std::setlocale(LC_ALL, nullptr);
  const char* saved_language = std::getenv("LANGUAGE");
  const std::string saved = saved_language ? saved_language : "";
  ::setenv("LANGUAGE", "de", 1);
  std::setlocale(LC_ALL, "C.UTF-8");  // "C" would ignore LANGUAGE
  std::string what;
  bool timeout = false;
  try {
    Connection c(conninfo, std::chrono::milliseconds(1000));
  } catch (const azora::TimeoutError& e) {
    timeout = true;
    what = e.what();
  } catch (const azora::Error& e) {
    what = e.what();
  }
  std::setlocale(LC_ALL, saved_locale.c_str());
  if (saved_language)
    ::setenv("LANGUAGE", saved.c_str(), 1);
  else
    ::unsetenv("LANGUAGE");
  ::close(s);
  EXPECT_TRUE(timeout) << what;
  EXPECT_EQ(what.find("timeout expired"), std::string::npos) << "the message was not translated";
}

}  // namespace
