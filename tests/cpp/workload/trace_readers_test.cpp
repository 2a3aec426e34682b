#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>

#include "read_all.hpp"
#include "slsim/core/rng.hpp"
#include "slsim/workload/array_source.hpp"
#include "slsim/workload/azure_trace.hpp"
#include "slsim/workload/csv_trace.hpp"
#include "slsim/workload/trace_error.hpp"
#include "slsim/workload/trace_io.hpp"
#include "slsim/workload/trace_stats.hpp"

using namespace slsim;
namespace fs = std::filesystem;

namespace {

const std::string kData = SLSIM_TEST_DATA;

// A scratch file removed at the end of the test.
struct TempFile {
  fs::path path;
  explicit TempFile(const std::string& content, const std::string& name = "trace.csv") {
    path = fs::temp_directory_path() /
           ("slsim-test-" + std::to_string(reinterpret_cast<std::uintptr_t>(this)) + "-" + name);
    std::ofstream(path, std::ios::binary) << content;
  }
  ~TempFile() { fs::remove(path); }
  std::string str() const { return path.string(); }
};

using test::read_all;

// Reads a CSV in slsim format to the end and returns the error (or "" if none).
std::string csv_error(const std::string& content, std::uint64_t* line = nullptr,
                      std::uint64_t* col = nullptr) {
  TempFile f(content);
  try {
    CsvTraceReader r(f.str());
    read_all(r);
  } catch (const TraceError& e) {
    if (line) *line = e.line();
    if (col) *col = e.column();
    return e.reason();
  }
  return "";
}

}  // namespace

TEST_CASE("CsvTraceReader: reads rows, columns in any order, CRLF, no final newline",
          "[models][trace]") {
  TempFile f(
      "function,arrival_s,duration_ms,invocation,memory_mb\r\n"
      "a,0.5,10.25,sync,128\r\n"
      "b,0.5,0,async,256\r\n"
      "a,2.000001,1000,queue,128");
  CsvTraceReader r(f.str());
  const auto v = read_all(r);
  REQUIRE(v.size() == 3);
  CHECK(v[0].arrival == TimePoint{Duration{500'000}});
  CHECK(v[0].work == Duration{10'250});
  CHECK(v[0].memory_mb == 128);
  CHECK(v[1].type == InvocationType::kAsync);
  CHECK(v[1].work == Duration{0});
  CHECK(v[2].arrival == TimePoint{Duration{2'000'001}});
  CHECK(v[2].type == InvocationType::kQueue);
  CHECK(r.functions().size() == 2);
  CHECK(r.functions()[v[2].function].name == "a");
}

TEST_CASE("CsvTraceReader: every malformed input names line, column and reason",
          "[models][trace]") {
  std::uint64_t line = 0, col = 0;
  CHECK_THAT(csv_error("", &line, &col), Catch::Contains("empty file"));
  CHECK(line == 1);
  CHECK_THAT(csv_error("0.5,a,10\n", &line, &col), Catch::Contains("missing header"));
  CHECK_THAT(csv_error("arrival_s,function,latency_ms\n", &line, &col),
             Catch::Contains("unknown column 'latency_ms'"));
  CHECK(col == 3);
  CHECK_THAT(csv_error("arrival_s,function\n"), Catch::Contains("no 'duration_ms' column"));
  CHECK_THAT(csv_error("arrival_s,function,duration_ms,arrival_s\n"),
             Catch::Contains("appears twice"));
  CHECK_THAT(csv_error("arrival_s,function,duration_ms\n1,a,10,5\n", &line, &col),
             Catch::Contains("expected 3 columns, found 4"));
  CHECK(line == 2);
  CHECK_THAT(csv_error("arrival_s,function,duration_ms\n1,a\n"),
             Catch::Contains("expected 3 columns, found 2"));
  CHECK_THAT(csv_error("arrival_s,function,duration_ms\n1,a,10\n2,a,ten\n", &line, &col),
             Catch::Contains("duration_ms: 'ten' is not a number"));
  CHECK(line == 3);
  CHECK(col == 3);
  CHECK_THAT(csv_error("arrival_s,function,duration_ms\n1,a,-5\n"),
             Catch::Contains("out of range"));
  CHECK_THAT(csv_error("arrival_s,function,duration_ms\n1,a,nan\n"), Catch::Contains("NaN"));
  CHECK_THAT(csv_error("arrival_s,function,duration_ms\n-1,a,5\n", &line, &col),
             Catch::Contains("arrival_s: -1 is out of range"));
  CHECK(col == 1);
  CHECK_THAT(csv_error("arrival_s,function,duration_ms\n1e12,a,5\n"),
             Catch::Contains("out of range"));
  CHECK_THAT(
      csv_error("arrival_s,function,duration_ms\n1,a,5\narrival_s,function,duration_ms\n", &line),
      Catch::Contains("duplicate header"));
  CHECK(line == 3);
  CHECK_THAT(csv_error("arrival_s,function,duration_ms\n5,a,5\n4,a,5\n", &line),
             Catch::Contains("must be sorted by arrival_s"));
  CHECK(line == 3);
  CHECK_THAT(csv_error("arrival_s,function,duration_ms\n5,,5\n"), Catch::Contains("empty name"));
  CHECK_THAT(csv_error("arrival_s,function,duration_ms,memory_mb\n5,a,5,0\n"),
             Catch::Contains("memory_mb: 0 is out of range"));
  CHECK_THAT(csv_error("arrival_s,function,duration_ms,memory_mb\n5,a,5,128.5\n"),
             Catch::Contains("not a whole number"));
  CHECK_THAT(csv_error("arrival_s,function,duration_ms,invocation\n5,a,5,later\n"),
             Catch::Contains("not one of sync, async, queue"));
  CHECK_THAT(csv_error("arrival_s,function,duration_ms\n5,a,5\n\n6,a,5\n", &line),
             Catch::Contains("empty line"));
  CHECK(line == 3);
  CHECK_THAT(csv_error(std::string("\x1f\x8b\x08\x00rest", 8)), Catch::Contains("gzip"));
  CHECK_THAT(csv_error(std::string("arrival_s,function,duration_ms\n1,a\0b,5\n", 37)),
             Catch::Contains("binary data"));
  CHECK_THAT(csv_error("arrival_s,function,duration_ms\n" + std::string(2 << 20, 'x')),
             Catch::Contains("longer than 1 MiB"));
  // The whole message carries file:line:column.
  TempFile f("arrival_s,function,duration_ms\n1,a,x\n");
  try {
    CsvTraceReader r(f.str());
    read_all(r);
    FAIL("no error");
  } catch (const TraceError& e) {
    CHECK(std::string(e.what()) == f.str() + ":2:3: duration_ms: 'x' is not a number");
  }
  CHECK_THROWS_AS(CsvTraceReader("/nonexistent/trace.csv"), TraceError);
}

TEST_CASE("Azure2021Reader: the real 199-row sample, checked against an independent count",
          "[models][trace][azure]") {
  const std::string path = kData + "/azure2021/Azure2021_200.csv";
  // Independent pass: plain iostream parsing, no slsim code.
  std::ifstream in(path);
  std::string row;
  std::getline(in, row);
  std::set<std::string> functions;
  double min_start = 1e18, max_start = -1;
  std::size_t rows = 0;
  while (std::getline(in, row)) {
    std::stringstream ss(row);
    std::string app, func, end, dur;
    std::getline(ss, app, ',');
    std::getline(ss, func, ',');
    std::getline(ss, end, ',');
    std::getline(ss, dur, ',');
    functions.insert(app + "/" + func);
    const double start = std::stod(end) - std::stod(dur);
    min_start = std::min(min_start, start);
    max_start = std::max(max_start, start);
    ++rows;
  }
  REQUIRE(rows == 199);
  REQUIRE(functions.size() == 31);

  Azure2021Reader r(path, {});
  const auto v = read_all(r);
  CHECK(v.size() == rows);
  CHECK(r.functions().size() == functions.size());
  for (std::size_t i = 1; i < v.size(); ++i)
    REQUIRE(v[i - 1].arrival <= v[i].arrival);
  CHECK(to_seconds(v.front().arrival) == Approx(min_start).margin(1e-6));
  CHECK(to_seconds(v.back().arrival) == Approx(max_start).margin(1e-6));
  CHECK(to_seconds(v.back().arrival - v.front().arrival) == Approx(1200.0).margin(0.1));
  std::size_t zero = 0;
  for (const auto& inv : v)
    zero += inv.work == Duration{0};
  CHECK(zero == 8);  // eight rows have duration 0.0

  SECTION("rows out of order are sorted by arrival; too much disorder is an error") {
    // The sample happens to be in start order (not in end_timestamp order); shuffle it.
    std::ifstream again(path);
    std::string header, line;
    std::getline(again, header);
    std::vector<std::string> lines;
    while (std::getline(again, line))
      lines.push_back(line);
    std::reverse(lines.begin(), lines.end());
    std::string content = header + "\n";
    for (const auto& l : lines)
      content += l + "\n";
    TempFile reversed(content, "reversed.csv");
    Azure2021Reader sorted(reversed.str(), {});
    const auto w = read_all(sorted);
    REQUIRE(w.size() == v.size());
    for (std::size_t i = 0; i < v.size(); ++i) {
      CHECK(w[i].arrival == v[i].arrival);
      CHECK(w[i].work == v[i].work);
    }
    Azure2021Options o;
    o.sort_buffer_rows = 10;
    Azure2021Reader small(reversed.str(), o);
    CHECK_THROWS_WITH(read_all(small),
                      Catch::Contains("more out of order than the sort buffer of 10 rows"));
  }
}

TEST_CASE("Azure2021Reader: bad rows", "[models][trace][azure]") {
  auto err = [](const std::string& content) {
    TempFile f(content);
    try {
      Azure2021Reader r(f.str(), {});
      read_all(r);
    } catch (const TraceError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  CHECK_THAT(err("app,func,end,duration\n"), Catch::Contains("expected the Azure 2021 header"));
  CHECK_THAT(err("app,func,end_timestamp,duration\na,b,5,x\n"),
             Catch::Contains(":2:4: duration: 'x'"));
  CHECK_THAT(err("app,func,end_timestamp,duration\na,b,5,6\n"),
             Catch::Contains("longer than end_timestamp"));
  CHECK_THAT(err("app,func,end_timestamp,duration\na,b,5\n"),
             Catch::Contains("expected 4 columns"));
  CHECK_THAT(err("app,func,end_timestamp,duration\na,b,inf,1\n"), Catch::Contains("out of range"));
  CHECK(err("app,func,end_timestamp,duration\r\na,b,5,1\r\n") == "no error");
}

TEST_CASE("Azure2019Reader: per-minute counts expand into seeded uniform arrivals",
          "[models][trace][azure]") {
  Azure2019Options o;
  o.durations_path = kData + "/azure2019-format/durations.csv";
  o.memory_path = kData + "/azure2019-format/memory.csv";
  o.seed = 7;
  Azure2019Reader r(kData + "/azure2019-format/invocations.csv", o);
  const auto v = read_all(r);
  // Per-function totals in the fixture: 1150, 1125, 1125, 1125.
  CHECK(v.size() == 4525);
  std::map<std::string, std::size_t> per_fn;
  std::map<std::string, double> mean_ms;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (i) REQUIRE(v[i - 1].arrival <= v[i].arrival);
    const auto& name = r.functions()[v[i].function].name;
    ++per_fn[name];
    mean_ms[name] += to_millis(v[i].work);
  }
  CHECK(per_fn.size() == 4);
  std::multiset<std::size_t> counts;
  for (auto& [k, n] : per_fn)
    counts.insert(n);
  CHECK(counts == std::multiset<std::size_t>{1125, 1125, 1125, 1150});
  // Durations are drawn between the published percentiles: the first function's are 99..101 ms.
  for (const auto& inv : v) {
    if (r.functions()[inv.function].name.rfind("68baea05", 0) == 0) {
      REQUIRE(to_millis(inv.work) >= 99.0);
      REQUIRE(to_millis(inv.work) <= 101.0);
    }
  }
  // Memory from invitro's per-function file (AverageAllocatedMb 120 for the first function).
  CHECK(r.functions()[0].memory_mb == 120);
  // Triggers: three queue functions and one timer (async).
  std::size_t queue = 0, async = 0;
  for (const auto& inv : v)
    (inv.type == InvocationType::kQueue ? queue : async) += 1;
  CHECK(queue == 3400);
  CHECK(async == 1125);
  // Same seed, same arrivals; another seed, other arrivals.
  Azure2019Reader again(kData + "/azure2019-format/invocations.csv", o);
  const auto w = read_all(again);
  REQUIRE(w.size() == v.size());
  CHECK(w[100].arrival == v[100].arrival);
  o.seed = 8;
  Azure2019Reader other(kData + "/azure2019-format/invocations.csv", o);
  CHECK(read_all(other)[100].arrival != v[100].arrival);
}

TEST_CASE("Azure2019Reader: per-app memory is split across the app's functions",
          "[models][trace][azure]") {
  const std::string inv_head = [] {
    std::string h = "HashOwner,HashApp,HashFunction,Trigger";
    for (int m = 1; m <= 1440; ++m)
      h += "," + std::to_string(m);
    return h + "\n";
  }();
  auto row = [](const char* fn, const char* trig, int count_in_minute_3) {
    std::string r = std::string("o,app,") + fn + "," + trig;
    for (int m = 1; m <= 1440; ++m)
      r += m == 3 ? "," + std::to_string(count_in_minute_3) : ",0";
    return r + "\n";
  };
  TempFile inv(inv_head + row("f1", "http", 2) + row("f2", "event", 3), "inv.csv");
  TempFile dur(
      "HashOwner,HashApp,HashFunction,Average,Count,Minimum,Maximum,percentile_Average_0,"
      "percentile_Average_1,percentile_Average_25,percentile_Average_50,percentile_Average_75,"
      "percentile_Average_99,percentile_Average_100\n"
      "o,app,f1,10,5,1,20,1,2,5,10,15,19,20\n"
      "o,app,f2,10,5,1,20,1,2,5,10,9,19,20\n",  // p75 < p50: made non-decreasing, counted
      "dur.csv");
  TempFile mem(
      "HashOwner,HashApp,SampleCount,AverageAllocatedMb,AverageAllocatedMb_pct1\no,app,10,300,"
      "250\n",
      "mem.csv");
  Azure2019Options o;
  o.durations_path = dur.str();
  o.memory_path = mem.str();
  Azure2019Reader r(inv.str(), o);
  const auto v = read_all(r);
  REQUIRE(v.size() == 5);
  for (const auto& i : v) {
    CHECK(i.memory_mb == 150);  // 300 MB split over two functions
    CHECK(i.arrival >= TimePoint{2 * kMinute});
    CHECK(i.arrival < TimePoint{3 * kMinute});
  }
  CHECK(r.adjusted_duration_rows() == 1);
  std::size_t sync = 0;
  for (const auto& i : v)
    sync += i.type == InvocationType::kSync;
  CHECK(sync == 2);  // f1 is http (sync), f2 event (async)

  SECTION("a function without durations is an error unless a default is given") {
    TempFile dur1(
        "HashOwner,HashApp,HashFunction,percentile_Average_0,percentile_Average_1,"
        "percentile_Average_25,percentile_Average_50,percentile_Average_75,percentile_Average_99,"
        "percentile_Average_100\no,app,f1,1,2,3,4,5,6,7\n",
        "dur1.csv");
    Azure2019Options o1;
    o1.durations_path = dur1.str();
    CHECK_THROWS_WITH(Azure2019Reader(inv.str(), o1),
                      Catch::Contains("no duration percentiles for function app/f2"));
    o1.default_duration_ms = Distribution::constant(50);
    Azure2019Reader ok(inv.str(), o1);
    CHECK(read_all(ok).size() == 5);
  }
  SECTION("bad trigger and bad counts") {
    TempFile bad(inv_head + row("f1", "webhook", 2), "bad.csv");
    CHECK_THROWS_WITH(Azure2019Reader(bad.str(), o), Catch::Contains(":2:4: Trigger: 'webhook'"));
    std::string frac_row = "o,app,f1,http,1.5";
    for (int m = 2; m <= 1440; ++m)
      frac_row += ",0";
    TempFile frac(inv_head + frac_row + "\n", "frac.csv");
    CHECK_THROWS_AS(Azure2019Reader(frac.str(), o), TraceError);
  }
}

TEST_CASE("trace_factory: detects formats and applies selections", "[models][trace]") {
  const std::string a21 = kData + "/azure2021/Azure2021_200.csv";
  CHECK(detect_trace_format(a21) == TraceFormat::kAzure2021);
  CHECK(detect_trace_format(kData + "/azure2019-format/invocations.csv") ==
        TraceFormat::kAzure2019);
  CHECK_THROWS_WITH(trace_factory(kData + "/azure2019-format/invocations.csv", {}),
                    Catch::Contains("needs its durations file"));
  TraceOptions o;
  o.select.top_n = 2;
  auto top2 = trace_factory(a21, o)();
  const auto v = read_all(*top2);
  CHECK(v.size() == 64);  // the two busiest functions have 32 invocations each
  TraceOptions w;
  w.select.start_s = 100;
  w.select.end_s = 200;
  w.select.time_scale = 2;
  auto win = trace_factory(a21, w)();
  for (const auto& inv : read_all(*win)) {
    CHECK(inv.arrival >= TimePoint{100 * kSecond});
    CHECK(inv.arrival < TimePoint{150 * kSecond});  // 100 s of trace replayed in 50 s
  }
  TraceOptions bad;
  bad.select.time_scale = 0;
  CHECK_THROWS_AS(trace_factory(a21, bad)(), std::invalid_argument);
}

TEST_CASE("write_csv: round-trips through the reader exactly", "[models][trace]") {
  Azure2021Reader src(kData + "/azure2021/Azure2021_200.csv", {});
  TempFile out("", "out.csv");
  CHECK(write_csv(src, out.str()) == 199);
  CsvTraceReader back(out.str());
  Azure2021Reader again(kData + "/azure2021/Azure2021_200.csv", {});
  const auto a = read_all(again), b = read_all(back);
  REQUIRE(a.size() == b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    CHECK(a[i].arrival == b[i].arrival);
    CHECK(a[i].work == b[i].work);
  }
}

TEST_CASE("Readers: skip_bad_rows skips, counts and keeps the first errors", "[models][trace]") {
  TempFile f("arrival_s,function,duration_ms\n1,a,5\n2,a,x\n3,a,-1\n4,b,7\n", "skip.csv");
  CsvTraceOptions o;
  o.skip_bad_rows = true;
  CsvTraceReader r(f.str(), o);
  CHECK(read_all(r).size() == 2);
  CHECK(r.skipped_rows() == 2);
  REQUIRE(r.skipped_examples().size() == 2);
  CHECK_THAT(r.skipped_examples()[0], Catch::EndsWith(":3:3: duration_ms: 'x' is not a number"));
  // A bad header is never skipped.
  TempFile h("arrival,function,duration_ms\n1,a,5\n", "skiphead.csv");
  CHECK_THROWS_AS(CsvTraceReader(h.str(), o), TraceError);
  // Azure 2021: bad rows skipped; disorder beyond the sort buffer stays an error.
  TempFile a("app,func,end_timestamp,duration\na,b,5,1\na,b,x,1\na,b,9,1\n", "skip21.csv");
  Azure2021Options ao;
  ao.skip_bad_rows = true;
  Azure2021Reader ar(a.str(), ao);
  CHECK(read_all(ar).size() == 2);
  CHECK(ar.skipped_rows() == 1);
  TempFile d("app,func,end_timestamp,duration\na,b,9,1\na,b,5,1\na,b,1,0\n", "skip21d.csv");
  ao.sort_buffer_rows = 1;
  Azure2021Reader dr(d.str(), ao);
  CHECK_THROWS_WITH(read_all(dr), Catch::Contains("sort buffer"));
}

TEST_CASE("Readers: mutated input either parses or fails with a TraceError, never crashes",
          "[models][trace]") {
  // Deterministic mutation fuzzing of each format: flip, insert and delete bytes of a valid
  // file; every outcome must be a clean read or a TraceError (the sanitizer build runs this too).
  const std::string csv =
      "arrival_s,function,duration_ms,memory_mb,invocation\n0.5,a,10,128,sync\n1.5,b,20,256,"
      "async\n";
  const std::string a21 = "app,func,end_timestamp,duration\na,b,5,1\nc,d,7.5,0.25\n";
  RngStream rng(2024);
  int ok = 0, errors = 0;
  for (int i = 0; i < 3000; ++i) {
    std::string s = i % 2 ? csv : a21;
    const int edits = 1 + static_cast<int>(rng.below(4));
    for (int k = 0; k < edits; ++k) {
      const auto pos = rng.below(s.size());
      const char c = "0123456789,.-+\n\r\0xe;"[rng.below(21)];
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
    TempFile f(s, "fuzz.csv");
    try {
      if (i % 2) {
        CsvTraceReader r(f.str());
        read_all(r);
      } else {
        Azure2021Reader r(f.str(), {});
        read_all(r);
      }
      ++ok;
    } catch (const TraceError&) {
      ++errors;
    }
  }
  CHECK(ok + errors == 3000);
  CHECK(errors > 100);  // the mutations do break files
  CHECK(ok > 100);      // and some survive
}

TEST_CASE("CsvTraceReader: RFC 4180 quoted fields, trimmed spaces", "[models][trace][csv]") {
  TempFile f(
      "arrival_s,function,duration_ms\n"
      "0,\"a,b\",1\n"
      "1,\"say \"\"hi\"\"\",2\n"
      "2,  spaced  ,3\n"
      "3,\"  kept  \",4\n"
      "4, \"quoted, padded\" ,5\n"
      "5,\"two\nlines\",6\n"
      "6,plain,7\n");
  CsvTraceReader r(f.str());
  const auto v = read_all(r);
  REQUIRE(v.size() == 7);
  auto name = [&](std::size_t i) { return r.functions()[v[i].function].name; };
  CHECK(name(0) == "a,b");
  CHECK(name(1) == "say \"hi\"");
  CHECK(name(2) == "spaced");  // spaces around an unquoted field are trimmed
  CHECK(name(3) == "  kept  ");
  CHECK(name(4) == "quoted, padded");
  CHECK(name(5) == "two\nlines");
  CHECK(name(6) == "plain");
  CHECK(v[6].work == Duration{7000});

  std::uint64_t line = 0, col = 0;
  CHECK_THAT(csv_error("arrival_s,function,duration_ms\n0,a\"b,1\n", &line, &col),
             Catch::Contains("quote inside an unquoted field"));
  CHECK(line == 2);
  CHECK(col == 4);
  CHECK_THAT(csv_error("arrival_s,function,duration_ms\n0,\"ab\"c,1\n", &line, &col),
             Catch::Contains("after a closing quote"));
  CHECK(col == 7);
  CHECK_THAT(csv_error("arrival_s,function,duration_ms\n0,\"open,1\n1,b,2\n", &line),
             Catch::Contains("not closed before the end of the file"));
  CHECK(line == 2);
  // A number in quotes is still a number.
  CHECK(csv_error("arrival_s,function,duration_ms\n\"0.5\",a,\"10\"\n") == "");
}

TEST_CASE("write_csv: awkward function names round-trip through the reader",
          "[models][trace][csv]") {
  const std::vector<std::string> names = {
      "a,b", "say \"hi\"", " padded ", "two\nlines", "tab\tinside", "\"", ",", "ünïcode", "x"};
  WorkloadColumns c;
  for (std::size_t i = 0; i < names.size(); ++i) {
    c.arrival_s.push_back(static_cast<double>(i));
    c.duration_ms.push_back(1.5);
    c.function.push_back(static_cast<std::uint32_t>(i));
  }
  c.function_names = names;
  FunctionTable table;
  auto rows = ArraySource::prepare(c, table);
  ArraySource src(rows, table);
  TempFile out("", "awkward.csv");
  CHECK(write_csv(src, out.str()) == names.size());
  CsvTraceReader back(out.str());
  const auto v = read_all(back);
  REQUIRE(v.size() == names.size());
  for (std::size_t i = 0; i < names.size(); ++i) {
    CHECK(back.functions()[v[i].function].name == names[i]);
    CHECK(v[i].arrival == TimePoint{from_seconds(static_cast<double>(i))});
  }
}

TEST_CASE("Readers: trailing blank lines are fine, a blank line inside is named",
          "[models][trace]") {
  CHECK(csv_error("arrival_s,function,duration_ms\n0,a,1\n1,a,2\n\n\r\n\n") == "");
  std::uint64_t line = 0;
  CHECK_THAT(csv_error("arrival_s,function,duration_ms\n0,a,1\n\n\n1,a,2\n\n", &line),
             Catch::Contains("empty line"));
  CHECK(line == 3);
  TempFile a("app,func,end_timestamp,duration\na,b,5,1\n\n\n", "blank21.csv");
  Azure2021Reader ar(a.str(), {});
  CHECK(read_all(ar).size() == 1);
  // With skip_bad_rows, each blank line inside is one skipped row; the rows after are read.
  TempFile s("arrival_s,function,duration_ms\n0,a,1\n\n\n1,a,2\n", "blankskip.csv");
  CsvTraceOptions o;
  o.skip_bad_rows = true;
  CsvTraceReader r(s.str(), o);
  CHECK(read_all(r).size() == 2);
  CHECK(r.skipped_rows() == 2);
}

namespace {
std::string azure2019_invocations(const std::vector<std::pair<int, std::uint64_t>>& fn_counts) {
  // One function per entry: (minute 1..1440, count in that minute).
  std::string s = "HashOwner,HashApp,HashFunction,Trigger";
  for (int m = 1; m <= 1440; ++m)
    s += "," + std::to_string(m);
  s += "\n";
  for (std::size_t i = 0; i < fn_counts.size(); ++i) {
    s += "o,a,f" + std::to_string(i) + ",http";
    for (int m = 1; m <= 1440; ++m)
      s += "," + std::to_string(m == fn_counts[i].first ? fn_counts[i].second : 0);
    s += "\n";
  }
  return s;
}
}  // namespace

TEST_CASE("Azure2019Reader: a huge per-minute count streams in bounded memory",
          "[models][trace][azure]") {
  // 1e8 invocations of f0 in minute 2 (4.7 GB when a minute was expanded whole), with f1 and
  // f2 in the same minute and f3 in minute 1. Only the first 300,000 are read: enough to show
  // that what the reader holds does not grow with the count.
  TempFile inv(azure2019_invocations({{2, 100'000'000}, {2, 3}, {2, 1000}, {1, 5}}), "big.csv");
  TempFile dur(
      "HashOwner,HashApp,HashFunction,Average,Count,Minimum,Maximum,percentile_Average_0,"
      "percentile_Average_1,percentile_Average_25,percentile_Average_50,percentile_Average_75,"
      "percentile_Average_99,percentile_Average_100\n"
      "o,a,f0,1,1,1,1,1,1,1,1,1,1,1\no,a,f1,1,1,1,1,1,1,1,1,1,1,1\n"
      "o,a,f2,1,1,1,1,1,1,1,1,1,1,1\no,a,f3,1,1,1,1,1,1,1,1,1,1,1\n",
      "bigdur.csv");
  Azure2019Options o;
  o.durations_path = dur.str();
  Azure2019Reader r(inv.str(), o);
  Invocation x, prev;
  std::size_t max_buffered = 0, f1 = 0, f2 = 0;
  for (int i = 0; i < 300'000; ++i) {
    REQUIRE(r.next(x));
    max_buffered = std::max(max_buffered, r.buffered());
    if (i < 5) {
      CHECK(r.functions()[x.function].name == "a/f3");
      CHECK(x.arrival < TimePoint{kMinute});
    } else {
      REQUIRE(x.arrival >= TimePoint{kMinute});
      REQUIRE(x.arrival < TimePoint{2 * kMinute});
    }
    if (i > 0) REQUIRE(prev.arrival <= x.arrival);
    f1 += x.function == 1 ? 1 : 0;
    f2 += x.function == 2 ? 1 : 0;
    prev = x;
  }
  CHECK(max_buffered <= 3);  // one pending arrival per function of the minute
  // 300,000 of 100,001,003 calls span the first ~0.18 s of minute 2, where f2's 1,000 calls
  // spread over 60 s put about 3 (and f1's 3 calls almost surely none).
  CHECK(f2 < 20);
  CHECK(x.arrival < TimePoint{kMinute + std::chrono::seconds(1)});
}

TEST_CASE("Azure2019Reader: arrivals within a minute are uniform (Kolmogorov-Smirnov)",
          "[models][trace][azure]") {
  const std::uint64_t n = 20'000;
  TempFile inv(azure2019_invocations({{10, n}}), "ks.csv");
  TempFile dur(
      "HashOwner,HashApp,HashFunction,percentile_Average_0,percentile_Average_1,"
      "percentile_Average_25,percentile_Average_50,percentile_Average_75,percentile_Average_99,"
      "percentile_Average_100\no,a,f0,1,2,3,4,5,6,7\n",
      "ksdur.csv");
  Azure2019Options o;
  o.durations_path = dur.str();
  Azure2019Reader r(inv.str(), o);
  const auto v = read_all(r);
  REQUIRE(v.size() == n);
  double d = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double u = to_seconds(v[i].arrival - TimePoint{9 * kMinute}) / 60.0;
    REQUIRE(u >= 0);
    REQUIRE(u < 1);
    d = std::max({d, u - static_cast<double>(i) / n, static_cast<double>(i + 1) / n - u});
  }
  // The KS statistic's 1% critical value is 1.63 / sqrt(n).
  CHECK(d < 1.63 / std::sqrt(static_cast<double>(n)));
}

TEST_CASE("read_trace_from_memory: every format from a string, errors as from a file",
          "[models][trace]") {
  TraceOptions o;
  CHECK(read_trace_from_memory("arrival_s,function,duration_ms\n0,a,1\n1,\"b,c\",2\n", o) == 2);
  CHECK(read_trace_from_memory("app,func,end_timestamp,duration\na,b,5,1\n", o) == 1);
  CHECK(read_trace_from_memory("2024-05-01T12:00:01.000Z REPORT RequestId: a Duration: 1.00 ms "
                               "Billed Duration: 1 ms Memory Size: 128 MB\n",
                               o) == 1);
  CHECK(read_trace_from_memory(azure2019_invocations({{1, 3}}), o,
                               "HashOwner,HashApp,HashFunction,percentile_Average_0,"
                               "percentile_Average_1,percentile_Average_25,percentile_Average_50,"
                               "percentile_Average_75,percentile_Average_99,"
                               "percentile_Average_100\no,a,f0,1,2,3,4,5,6,7\n") == 3);
  CHECK_THROWS_AS(read_trace_from_memory("", o), TraceError);
  CHECK_THROWS_AS(read_trace_from_memory("arrival_s,function,duration_ms\nx,a,1\n", o), TraceError);
  o.format = TraceFormat::kLambdaLogs;
  CHECK_THROWS_AS(read_trace_from_memory("{\"events\": [", o), TraceError);
}
