#include "slsim/workload/lambda_logs.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>

#include "read_all.hpp"
#include "slsim/core/rng.hpp"
#include "slsim/scenario/scenario.hpp"
#include "slsim/workload/trace_error.hpp"
#include "slsim/workload/trace_io.hpp"
#include "slsim/workload/trace_stats.hpp"

using namespace slsim;
namespace fs = std::filesystem;

namespace {

const std::string kLogs = std::string(SLSIM_TEST_DATA) + "/lambda-logs";

struct TempLog {
  fs::path path;
  explicit TempLog(const std::string& content, const std::string& name = "fn.log") {
    dir = fs::temp_directory_path() /
          ("slsim-logs-" + std::to_string(reinterpret_cast<std::uintptr_t>(this)));
    fs::create_directories(dir);
    path = dir / name;
    std::ofstream(path, std::ios::binary) << content;
  }
  ~TempLog() { fs::remove_all(dir); }
  fs::path dir;
  std::string str() const { return path.string(); }
};

// The error reading `content` to the end gives ("" if none), with its line and column.
std::string logs_error(const std::string& content, std::uint64_t* line = nullptr,
                       std::uint64_t* col = nullptr) {
  TempLog f(content);
  try {
    LambdaLogsReader r(f.str());
    test::read_all(r);
  } catch (const TraceError& e) {
    if (line) *line = e.line();
    if (col) *col = e.column();
    return e.reason();
  }
  return "";
}

}  // namespace

TEST_CASE("LambdaLogsReader: S3 text form, arrival = end - duration - init, by hand",
          "[models][trace][lambda-logs]") {
  // Three invocations, written out of order (the second ends after the third starts).
  // 1: ends 12:00:01.000, Duration 100.25 ms, Init 200.5 ms -> starts 12:00:00.699250 (cold)
  // 2: ends 12:00:03.000, Duration 2000 ms                 -> starts 12:00:01.000000
  // 3: ends 12:00:02.000, Duration 27.1 ms                 -> starts 12:00:01.972900
  TempLog f(
      "2024-05-01T12:00:00.699Z START RequestId: a Version: $LATEST\n"
      "2024-05-01T12:00:01.000Z REPORT RequestId: a\tDuration: 100.25 ms\tBilled Duration: 101 "
      "ms\tMemory Size: 128 MB\tMax Memory Used: 70 MB\tInit Duration: 200.50 ms\t\n"
      "2024-05-01T12:00:03.000Z REPORT RequestId: b Duration: 2000.00 ms Billed Duration: 2000 ms "
      "Memory Size: 1024 MB Max Memory Used: 90 MB Status: timeout\n"
      "XRAY TraceId: 1-x SegmentId: y Sampled: true\n"
      "2024-05-01T12:00:02.000Z some output of the function\n"
      "2024-05-01T12:00:02.000Z REPORT RequestId: c\tDuration: 27.10 ms\tBilled Duration: 28 "
      "ms\tMemory Size: 128 MB\tMax Memory Used: 71 MB\t\n"
      "\n\n",
      "orders.log");
  LambdaLogsReader r(f.str());
  CHECK(r.form() == LambdaLogsReader::Form::kText);
  Invocation inv;
  REQUIRE(r.next(inv));
  CHECK(inv.arrival == TimePoint{Duration{0}});
  CHECK(inv.work == Duration{100'250});
  CHECK(inv.memory_mb == 128);
  REQUIRE(r.observation() != nullptr);
  CHECK(r.observation()->cold_start);
  CHECK(r.observation()->init == Duration{200'500});
  CHECK(r.observation()->billed == Duration{101'000});
  CHECK(r.observation()->max_memory_used_mb == 70);
  // t = 0 is 2024-05-01T12:00:00.699250Z = 1714564800.699250 s since 1970.
  CHECK(r.origin_unix_us() == 1'714'564'800'699'250);
  REQUIRE(r.next(inv));
  CHECK(inv.arrival == TimePoint{Duration{300'750}});
  CHECK(inv.work == Duration{2'000'000});
  CHECK(inv.memory_mb == 1024);
  CHECK(r.observation()->timed_out);
  CHECK_FALSE(r.observation()->cold_start);
  REQUIRE(r.next(inv));
  CHECK(inv.arrival == TimePoint{Duration{1'273'650}});
  CHECK(inv.work == Duration{27'100});
  CHECK_FALSE(r.next(inv));
  CHECK(r.observation() == nullptr);
  CHECK(r.functions()[inv.function].name == "orders");  // the file name, without options
  CHECK(r.memory_is_lambda_setting());
  const auto& t = r.billed_totals();
  CHECK(t.requests == 3);
  CHECK(t.billed_ms == 101 + 2000 + 28);
  CHECK(t.billed_mb_ms == 101 * 128 + 2000 * 1024 + 28 * 128);
  CHECK(t.billed_gb_s() == Approx((101 * 128 + 2000 * 1024 + 28 * 128) / 1024.0 / 1000.0));
  CHECK(t.cold_starts == 1);
  CHECK(t.timeouts == 1);
  CHECK(t.init == Duration{200'500});
}

TEST_CASE("LambdaLogsReader: filter-log-events JSON, several documents, platform.report",
          "[models][trace][lambda-logs]") {
  LambdaLogsOptions o;
  o.log_group = "/aws/lambda/checkout";
  TempLog f(
      "{\"events\": [\n"
      "  {\"logStreamName\": \"s1\", \"timestamp\": 1000, \"message\": \"START RequestId: "
      "a\\n\"},\n"
      "  {\"timestamp\": 1500, \"ingestionTime\": 1600, \"extra\": [1, {\"x\": null}, true],\n"
      "   \"message\": \"REPORT RequestId: a\\tDuration: 400.00 ms\\tBilled Duration: 400 ms\\t"
      "Memory Size: 256 MB\\tMax Memory Used: 60 MB\\tInit Duration: 100.00 ms\\t\\n\"}\n"
      "], \"searchedLogStreams\": [], \"nextToken\": \"abc\\u00e9\"}\n"
      "{\"events\": [{\"timestamp\": 2000, \"message\": "
      "\"{\\\"time\\\":\\\"1970-01-01T00:00:02.000Z\\\",\\\"type\\\":\\\"platform.report\\\","
      "\\\"record\\\":{\\\"requestId\\\":\\\"b\\\",\\\"metrics\\\":{\\\"durationMs\\\":250.5,"
      "\\\"billedDurationMs\\\":251,\\\"memorySizeMB\\\":256,\\\"maxMemoryUsedMB\\\":61},"
      "\\\"status\\\":\\\"success\\\"}}\"}]}\n",
      "events.json");
  LambdaLogsReader r(f.str(), o);
  CHECK(r.form() == LambdaLogsReader::Form::kJson);
  const auto v = test::read_all(r);
  REQUIRE(v.size() == 2);
  CHECK(r.functions()[0].name == "checkout");
  CHECK(r.origin_unix_us() == 1'000'000);  // 1500 ms - 400 ms - 100 ms
  CHECK(v[0].arrival == TimePoint{Duration{0}});
  CHECK(v[1].arrival == TimePoint{Duration{749'500}});  // 2000 - 250.5 ms, from t = 1000 ms
  CHECK(v[1].work == Duration{250'500});
  CHECK(r.billed_totals().billed_mb_ms == (400 + 251) * 256);
  CHECK(r.billed_totals().cold_starts == 1);

  // A bare array of events is read too.
  TempLog bare(
      "[{\"timestamp\": 5, \"message\": \"REPORT RequestId: z Duration: 1.00 ms Billed Duration: "
      "1 ms Memory Size: 128 MB\"}]",
      "bare.json");
  LambdaLogsReader b(bare.str());
  CHECK(test::read_all(b).size() == 1);
}

TEST_CASE("LambdaLogsReader: the committed samples, both export forms, agree",
          "[models][trace][lambda-logs]") {
  LambdaLogsOptions o;
  o.log_group = "/aws/lambda/orders-api";
  LambdaLogsReader js(kLogs + "/filter-log-events.json", o);
  LambdaLogsReader tx(kLogs + "/s3-export.txt", o);
  const auto a = test::read_all(js), b = test::read_all(tx);
  // Figures computed from the JSON file with Python's json and re modules (no slsim code).
  REQUIRE(a.size() == 36);
  REQUIRE(b.size() == a.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    CHECK(a[i].arrival == b[i].arrival);
    CHECK(a[i].work == b[i].work);
    CHECK(a[i].memory_mb == 512);
  }
  CHECK(js.origin_unix_us() == 1'714'564'801'588'680);
  CHECK(tx.origin_unix_us() == js.origin_unix_us());
  CHECK(a[1].arrival == TimePoint{Duration{615'910}});
  CHECK(a[3].arrival == TimePoint{Duration{2'555'020}});
  CHECK(a.back().arrival == TimePoint{Duration{24'183'470}});
  CHECK(a[0].work == Duration{76'050});
  for (const auto* r : {&js, &tx}) {
    CHECK(r->billed_totals().requests == 36);
    CHECK(r->billed_totals().billed_ms == 7123);
    CHECK(r->billed_totals().billed_mb_ms == 3'646'976);
    CHECK(r->billed_totals().cold_starts == 2);
    CHECK(r->billed_totals().timeouts == 1);
  }
  // As from standard input: the format detected on the stream the reader then reads.
  std::ifstream in(kLogs + "/filter-log-events.json", std::ios::binary);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CHECK(read_trace_from_memory(text, TraceOptions{}) == 36);
  CHECK(detect_trace_format(kLogs + "/filter-log-events.json") == TraceFormat::kLambdaLogs);
  CHECK(detect_trace_format(kLogs + "/s3-export.txt") == TraceFormat::kLambdaLogs);
}

TEST_CASE("LambdaLogsReader: malformed lines are named by file, line and column",
          "[models][trace][lambda-logs]") {
  const std::string ok =
      "2024-05-01T12:00:01.000Z REPORT RequestId: a Duration: 1.00 ms Billed Duration: 1 ms "
      "Memory Size: 128 MB\n";
  std::uint64_t line = 0, col = 0;
  CHECK(logs_error(ok) == "");
  CHECK_THAT(logs_error(ok + "2024-05-01T12:00:02.000Z REPORT RequestId: b Duration: x ms Billed "
                             "Duration: 1 ms Memory Size: 128 MB\n",
                        &line, &col),
             Catch::Contains("Duration: 'x' is not a number"));
  CHECK(line == 2);
  CHECK(col == 56);  // the 'x'
  CHECK_THAT(logs_error(ok + "2024-05-01T12:00:02.000Z REPORT RequestId: b Duration: 1.00 ms "
                             "Memory Size: 128 MB\n",
                        &line),
             Catch::Contains("without 'Billed Duration"));
  CHECK(line == 2);
  CHECK_THAT(logs_error(ok + "2024-05-01T12:00:02.000Z REPORT RequestId: b Duration: 1.00 ms "
                             "Billed Duration: 1.5 ms Memory Size: 128 MB\n"),
             Catch::Contains("not a whole number"));
  CHECK_THAT(logs_error(ok + "2024-05-01T12:00:02.000Z REPORT RequestId: b Duration: 1.00 s "
                             "Billed Duration: 1 ms Memory Size: 128 MB\n"),
             Catch::Contains("expected '1.00 ms'"));
  CHECK_THAT(logs_error(ok + "REPORT RequestId: b Duration: 1.00 ms Billed Duration: 1 ms Memory "
                             "Size: 128 MB\n",
                        &line),
             Catch::Contains("without a timestamp"));
  CHECK(line == 2);
  CHECK_THAT(logs_error("hello\n"), Catch::Contains("not Lambda logs"));
  CHECK_THAT(logs_error("2024-05-01T12:00:01.000Z START RequestId: a\n"),
             Catch::Contains("no Lambda REPORT lines"));
  // JSON: broken structure names its line; an event without a timestamp is a bad row.
  CHECK_THAT(logs_error("{\"events\": [\n{\"timestamp\": 1, \"message\": \"REPORT x\"\n", &line),
             Catch::Contains("ends inside"));
  CHECK_THAT(logs_error("{\"events\": [\n  {\"timestamp\": 1 \"message\": \"x\"}]}\n", &line, &col),
             Catch::Contains("expected ','"));
  CHECK(line == 2);
  CHECK(col == 19);
  CHECK_THAT(logs_error("{\"events\": [{\"message\": \"REPORT RequestId: b Duration: 1.00 ms "
                        "Billed Duration: 1 ms Memory Size: 128 MB\"}]}"),
             Catch::Contains("without a \"timestamp\""));
  CHECK_THAT(logs_error("{\"events\": [{\"timestamp\": -5, \"message\": \"x\"}]}"),
             Catch::Contains("Unix time"));
  CHECK_THAT(logs_error("{\"events\": 5}"), Catch::Contains("expected '['"));
  CHECK_THAT(logs_error(std::string(100, '[')), Catch::Contains("each log event"));
}

TEST_CASE("LambdaLogsReader: skip_bad_rows and the reorder buffer",
          "[models][trace][lambda-logs]") {
  auto report = [](const char* ts, const char* dur) {
    return std::string(ts) + " REPORT RequestId: r Duration: " + dur +
           " ms Billed Duration: 10 ms Memory Size: 128 MB\n";
  };
  TempLog f(report("2024-05-01T12:00:01.000Z", "5.00") + report("2024-05-01T12:00:02.000Z", "y") +
            report("2024-05-01T12:00:03.000Z", "5.00"));
  LambdaLogsOptions o;
  o.skip_bad_rows = true;
  LambdaLogsReader r(f.str(), o);
  CHECK(test::read_all(r).size() == 2);
  CHECK(r.skipped_rows() == 1);
  REQUIRE(r.skipped_examples().size() == 1);
  CHECK_THAT(r.skipped_examples()[0], Catch::Contains(":2:"));
  CHECK(r.billed_totals().requests == 2);

  // Out of order within the buffer: sorted. Beyond it: an error naming the line.
  TempLog d(report("2024-05-01T12:00:09.000Z", "1.00") +
            report("2024-05-01T12:00:05.000Z", "1.00") +
            report("2024-05-01T12:00:01.000Z", "1.00"));
  LambdaLogsOptions small;
  small.sort_buffer_rows = 2;
  LambdaLogsReader sorted(d.str(), small);
  const auto v = test::read_all(sorted);
  REQUIRE(v.size() == 3);
  CHECK(v[2].arrival - v[0].arrival == std::chrono::seconds(8));
  CHECK(sorted.buffered() == 0);
  small.sort_buffer_rows = 1;
  LambdaLogsReader tight(d.str(), small);
  try {
    test::read_all(tight);
    FAIL("expected a TraceError");
  } catch (const TraceError& e) {
    CHECK(e.line() == 3);
    CHECK_THAT(e.reason(), Catch::Contains("reorder buffer of 1"));
  }
}

TEST_CASE("Lambda logs: trace_factory, selection and trace stats", "[models][trace][lambda-logs]") {
  CHECK(function_from_log_group("/aws/lambda/orders-api") == "orders-api");
  CHECK(function_from_log_group("my-group") == "my-group");
  CHECK(parse_trace_format("lambda-logs") == TraceFormat::kLambdaLogs);
  TraceOptions o;
  o.function = "orders";
  auto open = trace_factory(kLogs + "/s3-export.txt", o);
  auto all = open();
  const TraceSummary s = summarize(*all);
  CHECK(s.invocations == 36);
  CHECK(s.top_functions.at(0).function == "orders");
  REQUIRE(s.lambda_logs.has_value());
  CHECK(s.lambda_logs->billed.requests == 36);
  CHECK(s.lambda_logs->billed.billed_mb_ms == 3'646'976);
  CHECK(s.lambda_logs->billed.billed_gb_s() == Approx(3'646'976 / 1024.0 / 1000.0));
  CHECK(s.lambda_logs->cold_start_rate == Approx(2.0 / 36));
  CHECK(s.lambda_logs->init_ms_max > 0);
  CHECK_THAT(to_json(s), Catch::Contains("\"lambda_logs\""));
  // A window keeps the observations of the invocations in it only.
  o.select.start_s = 10;
  auto window = trace_factory(kLogs + "/s3-export.txt", o)();
  const TraceSummary w = summarize(*window);
  REQUIRE(w.lambda_logs.has_value());
  CHECK(w.lambda_logs->billed.requests == w.invocations);
  CHECK(w.invocations < 36);
  // Other traces have no observations.
  TraceOptions csv;
  auto other = trace_factory(std::string(SLSIM_TEST_DATA) + "/azure2021/Azure2021_200.csv", csv)();
  CHECK_FALSE(summarize(*other).lambda_logs.has_value());
}

TEST_CASE("Readers from memory: mutated Lambda logs and quoted CSV parse or fail cleanly",
          "[models][trace][lambda-logs]") {
  // Deterministic mutation fuzzing (the fuzz targets run the same entry point for longer):
  // every outcome is a clean read, a TraceError or an invalid_argument, never a crash.
  const std::string inputs[] = {
      "{\"events\": [{\"timestamp\": 1500, \"message\": \"REPORT RequestId: a\\tDuration: 400.00 "
      "ms\\tBilled Duration: 400 ms\\tMemory Size: 256 MB\\tInit Duration: 1.5 ms\\t\\u00e9\"}, "
      "{\"timestamp\": 9, \"message\": \"START\"}], \"x\": [1, {\"y\": null}]}\n",
      "2024-05-01T12:00:01.000Z REPORT RequestId: a Duration: 1.00 ms Billed Duration: 1 ms "
      "Memory Size: 128 MB\nXRAY TraceId: 1\n2024-05-01T12:00:00.500Z END\n",
      "arrival_s,function,duration_ms\n0,\"a,\"\"b\"\"\nc\",1\n1, x ,2\n\n",
      "2024-05-01T12:00:02.000Z {\"type\":\"platform.report\",\"record\":{\"metrics\":{"
      "\"durationMs\":1,\"billedDurationMs\":1,\"memorySizeMB\":128}}}\n"};
  RngStream rng(11);
  int ok = 0, errors = 0;
  for (int i = 0; i < 4000; ++i) {
    std::string s = inputs[i % 4];
    const int edits = 1 + static_cast<int>(rng.below(4));
    for (int k = 0; k < edits; ++k) {
      const auto pos = rng.below(s.size());
      const char c = "0123456789,.-:\"{}[]\\ \n\tRe"[rng.below(26)];
      switch (rng.below(3)) {
        case 0:
          s[pos] = c;
          break;
        case 1:
          s.insert(pos, 1, c);
          break;
        default:
          s.erase(pos, 1);
          break;
      }
    }
    try {
      read_trace_from_memory(s, TraceOptions{});
      ++ok;
    } catch (const TraceError&) {
      ++errors;
    } catch (const std::invalid_argument&) {
      ++errors;
    }
  }
  CHECK(ok + errors == 4000);
  CHECK(errors > 100);
  CHECK(ok > 100);
}

TEST_CASE("Lambda logs in a scenario: trace, log_group, function", "[models][trace][lambda-logs]") {
  TempLog f("[workload]\ntrace = \"" + kLogs +
                "/s3-export.txt\"\nlog_group = \"/aws/lambda/orders-api\"\n",
            "logs.toml");
  const Scenario s = load_scenario(f.str());
  auto w = open_workload(s);
  const TraceSummary sum = summarize(*w);
  CHECK(sum.invocations == 36);
  CHECK(sum.top_functions.at(0).function == "orders-api");
  REQUIRE(sum.lambda_logs.has_value());
  CHECK(sum.lambda_logs->billed.billed_ms == 7123);
}
