// Ingest benchmark: acked, durable reports per second and ack latency through the
// whole daemon path (CURVE, ZAP, decode, validate, SQLite group commit with
// synchronous=FULL, ack), next to a raw ZeroMQ DEALER/ROUTER echo with CURVE and the
// same frame size, measured in the same run. The ratio is what to watch: absolute
// numbers move with the machine.
//
//   ingest_bench [--agents M] [--window W] [--warmup S] [--seconds S] [--prefill N]
//
// Steady state: every agent sends for --warmup seconds (handshakes, caches, the WAL's
// first checkpoints) and then --seconds (default 30) are measured: acks received in
// that span, and the latency of reports sent in it. Both sides use the daemon's socket
// options (high-water marks, ROUTER_MANDATORY, frame size limit), and every agent gives
// up on a reply after 10 s (counted as lost) instead of hanging. --prefill N stores N
// reports (of 5,000 other schools, over the past year) before the daemon starts, so
// durable throughput is measured against a database of realistic size.
#include <benchmark/benchmark.h>

#include <spdlog/spdlog.h>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <thread>

#include <SQLiteCpp/SQLiteCpp.h>

#include <zmq.hpp>

#include "daemon/app/daemon.h"
#include "daemon/core/local_time.h"
#include "daemon/core/system_clock.h"
#include "daemon/core/uuid.h"
#include "daemon/ingest/codec.h"
#include "daemon/ingest/curve_keys.h"
#include "daemon/ingest/curve_memory.h"
#include "daemon/store/database.h"

namespace {

using Clock = std::chrono::steady_clock;
using pingan::wire::CurveKeyPair;

struct Params {
  int agents = 50;
  int window = 16;  // reports in flight per agent
  int warmup_seconds = 5;
  int seconds = 30;
  int64_t prefill = 0;  // reports stored before the daemon starts
};
Params g_params;

struct RunResult {
  double per_second = 0;
  double p50_us = 0;
  double p99_us = 0;
  int64_t acked = 0;  // in the measured span
  int64_t lost = 0;   // replies not received within the timeout
};

constexpr int kReplyTimeoutMs = 10'000;

// The daemon's report socket options (ingest::ReportServer), for the baseline too.
void SetReportSocketOptions(zmq::socket_t& router) {
  router.set(zmq::sockopt::router_mandatory, 1);
  router.set(zmq::sockopt::sndhwm, 100'000);
  router.set(zmq::sockopt::rcvhwm, 100'000);
  router.set(zmq::sockopt::maxmsgsize, int64_t{64} * 1024);
  router.set(zmq::sockopt::backlog, 4096);
}
RunResult g_raw, g_daemon;

double Percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  const size_t i = std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())));
  std::nth_element(v.begin(), v.begin() + static_cast<long>(i), v.end());
  return v[i];
}

std::string ReportFrame(const std::string& school, int n) {
  pingan::core::Report r;
  std::array<uint8_t, 10> random{};
  for (auto& b : random) b = static_cast<uint8_t>(std::rand());
  const auto now = pingan::core::SystemClock().Now();
  r.report_id = pingan::core::FormatUuid(pingan::core::MakeUuidV7(now, random));
  r.school_id = school;
  r.kind = pingan::core::ReportKind::kAllClear;
  r.covers = date::year_month_day{date::floor<date::days>(now)};
  r.agent_time = now + pingan::core::Millis{n};
  return pingan::wire::EncodeReportFrame(r);
}

struct Span {
  Clock::time_point measure_from;
  Clock::time_point stop_at;
};

struct AgentTally {
  std::vector<double> latencies;  // of reports sent in the measured span, in us
  int64_t acked = 0;              // acks received in the measured span
  bool lost = false;
};

// One agent: keeps `window` reports in flight until the span ends, then drains. Replies
// come in order per connection, so the oldest send time is the one acknowledged.
void RunAgent(zmq::context_t& ctx, const std::string& endpoint, const std::string& server_public,
              const CurveKeyPair& keys, const std::string& school, const Span& span,
              AgentTally& tally) {
  zmq::socket_t s(ctx, zmq::socket_type::dealer);
  s.set(zmq::sockopt::linger, 0);
  s.set(zmq::sockopt::rcvtimeo, kReplyTimeoutMs);
  s.set(zmq::sockopt::sndhwm, 100'000);
  s.set(zmq::sockopt::curve_serverkey, server_public);
  s.set(zmq::sockopt::curve_publickey, keys.public_z85);
  s.set(zmq::sockopt::curve_secretkey, keys.secret_z85);
  s.connect(endpoint);
  std::deque<Clock::time_point> in_flight;
  int n = 0;
  auto send_one = [&] {
    const std::string frame = ReportFrame(school, n++);
    in_flight.push_back(Clock::now());
    s.send(zmq::buffer(frame));
  };
  for (int i = 0; i < g_params.window; ++i) send_one();
  while (!in_flight.empty()) {
    zmq::message_t reply;
    if (!s.recv(reply)) {
      tally.lost = true;
      return;
    }
    const Clock::time_point now = Clock::now();
    const Clock::time_point sent = in_flight.front();
    in_flight.pop_front();
    if (now >= span.measure_from && now < span.stop_at) ++tally.acked;
    if (sent >= span.measure_from && sent < span.stop_at) {
      tally.latencies.push_back(std::chrono::duration<double, std::micro>(now - sent).count());
    }
    if (now < span.stop_at) send_one();
  }
}

RunResult RunAgents(const std::string& endpoint, const std::string& server_public,
                    const std::vector<CurveKeyPair>& keys) {
  zmq::context_t ctx(2);
  std::vector<AgentTally> tallies(keys.size());
  const Clock::time_point start = Clock::now();
  const Span span{start + std::chrono::seconds{g_params.warmup_seconds},
                  start + std::chrono::seconds{g_params.warmup_seconds + g_params.seconds}};
  std::vector<std::thread> threads;
  for (size_t i = 0; i < keys.size(); ++i) {
    threads.emplace_back([&, i] {
      RunAgent(ctx, endpoint, server_public, keys[i], "sch-" + std::to_string(i), span, tallies[i]);
    });
  }
  for (auto& t : threads) t.join();
  RunResult r;
  std::vector<double> all;
  for (const AgentTally& t : tallies) {
    all.insert(all.end(), t.latencies.begin(), t.latencies.end());
    r.acked += t.acked;
    r.lost += t.lost ? 1 : 0;
  }
  r.per_second = static_cast<double>(r.acked) / g_params.seconds;
  r.p50_us = Percentile(all, 0.50);
  r.p99_us = Percentile(all, 0.99);
  return r;
}

std::vector<CurveKeyPair> MakeKeys() {
  std::vector<CurveKeyPair> keys;
  for (int i = 0; i < g_params.agents; ++i) keys.push_back(pingan::wire::GenerateCurveKeyPair());
  return keys;
}

void Report(benchmark::State& state, const RunResult& r) {
  state.counters["reports_per_s"] = r.per_second;
  state.counters["ack_p50_us"] = r.p50_us;
  state.counters["ack_p99_us"] = r.p99_us;
  state.counters["agents_lost"] = static_cast<double>(r.lost);
}

// N reports of 5,000 other schools spread over the past year, written in one go before
// the daemon opens the database (the daemon's own schema, created by opening it).
void Prefill(const std::string& database_path, int64_t reports) {
  if (reports <= 0) return;
  const auto started = Clock::now();
  pingan::store::Database db(database_path);
  db.sql().exec("PRAGMA synchronous=OFF");
  SQLite::Transaction tx(db.sql());
  SQLite::Statement insert(
      db.sql(),
      "INSERT INTO reports (report_id, school_id, kind, covers, agent_time_ms, "
      "received_at_ms) VALUES (?, ?, 'all_clear', ?, ?, ?)");
  const auto now = pingan::core::SystemClock().Now();
  for (int64_t i = 0; i < reports; ++i) {
    const auto at = now - std::chrono::minutes{525'600} + std::chrono::milliseconds{i * 1500};
    std::array<uint8_t, 10> random{};
    for (auto& b : random) b = static_cast<uint8_t>(std::rand());
    insert.bind(1, pingan::core::FormatUuid(pingan::core::MakeUuidV7(at, random)));
    insert.bind(2, "old-" + std::to_string(i % 5000));
    insert.bind(3, pingan::core::FormatDate(date::year_month_day{date::floor<date::days>(at)}));
    insert.bind(4, pingan::core::ToUnixMillis(at));
    insert.bind(5, pingan::core::ToUnixMillis(at));
    insert.exec();
    insert.reset();
  }
  tx.commit();
  std::printf("prefilled %lld reports in %.0f s\n", static_cast<long long>(reports),
              std::chrono::duration<double>(Clock::now() - started).count());
}

// Baseline: a ROUTER that echoes every frame at once, CURVE on, no ZAP, no store.
void BM_RawCurveEcho(benchmark::State& state) {
  const auto keys = MakeKeys();
  const CurveKeyPair server = pingan::wire::GenerateCurveKeyPair();
  for (auto _ : state) {
    zmq::context_t ctx(1);
    zmq::socket_t router(ctx, zmq::socket_type::router);
    router.set(zmq::sockopt::linger, 0);
    router.set(zmq::sockopt::curve_server, 1);
    router.set(zmq::sockopt::curve_secretkey, server.secret_z85);
    SetReportSocketOptions(router);
    router.bind("tcp://127.0.0.1:*");
    const std::string endpoint = router.get(zmq::sockopt::last_endpoint);
    std::atomic<bool> done{false};
    std::thread echo([&] {
      router.set(zmq::sockopt::rcvtimeo, 100);
      while (!done) {
        zmq::message_t id, body;
        if (!router.recv(id)) continue;
        (void)router.recv(body);
        try {
          router.send(id, zmq::send_flags::sndmore);
          router.send(body, zmq::send_flags::none);
        } catch (const zmq::error_t&) {
          // ROUTER_MANDATORY: the agent has gone (EHOSTUNREACH); the daemon drops it too.
        }
      }
    });
    g_raw = RunAgents(endpoint, server.public_z85, keys);
    done = true;
    echo.join();
  }
  Report(state, g_raw);
}

// The daemon, as deployed: app::Daemon on a temporary data directory.
void BM_PinganIngest(benchmark::State& state) {
  const auto keys = MakeKeys();
  for (auto _ : state) {
    const auto dir =
        std::filesystem::temp_directory_path() / ("pingan-bench-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir / "schools");
    for (size_t i = 0; i < keys.size(); ++i) {
      (void)pingan::wire::WriteKeyPair((dir / "schools" / ("sch-" + std::to_string(i))).string(),
                                       keys[i]);
    }
    Prefill((dir / "pingan.db").string(), g_params.prefill);
    pingan::config::DaemonConfig config = pingan::config::DefaultConfig();
    config.data_dir = dir.string();
    config.listen = "tcp://127.0.0.1:*";
    config.log_level = "warn";
    // The benchmark measures throughput; a few agents sending thousands of reports each
    // would otherwise be paced by the per-school limit (its check still runs).
    config.per_school_rate = {1'000'000, 1'000'000};
    pingan::core::SystemClock clock;
    pingan::app::Daemon daemon(config, clock, {});
    const std::string endpoint = daemon.Start();
    std::thread loop([&] { daemon.Run(); });
    const std::string server_public =
        std::get<std::string>(pingan::wire::ReadPublicKeyFile((dir / "daemon.pub").string()));
    g_daemon = RunAgents(endpoint, server_public, keys);
    daemon.Stop();
    loop.join();
    std::filesystem::remove_all(dir);
  }
  Report(state, g_daemon);
}

BENCHMARK(BM_RawCurveEcho)->Iterations(1)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_PinganIngest)->Iterations(1)->Unit(benchmark::kMillisecond)->UseRealTime();

void ParseArgs(int& argc, char** argv) {
  for (int i = 1; i + 1 < argc; ++i) {
    const std::string flag = argv[i];
    int* target = flag == "--agents"    ? &g_params.agents
                  : flag == "--window"  ? &g_params.window
                  : flag == "--warmup"  ? &g_params.warmup_seconds
                  : flag == "--seconds" ? &g_params.seconds
                                        : nullptr;
    if (target) *target = std::atoi(argv[i + 1]);
    if (flag == "--prefill") g_params.prefill = std::atoll(argv[i + 1]);
  }
}

}  // namespace

int main(int argc, char** argv) {
  ParseArgs(argc, argv);
  spdlog::set_level(spdlog::level::warn);
  // CURVE buffers as pingand has them (both sides: the echo baseline shares the process).
  pingan::wire::UseCurveMemoryArena();
  char* bench_argv[] = {argv[0]};
  int bench_argc = 1;
  benchmark::Initialize(&bench_argc, bench_argv);
  benchmark::RunSpecifiedBenchmarks();
  std::printf(
      "\n%d agents, %d in flight each, %d s warm-up, %d s measured, %lld reports prefilled\n"
      "raw CURVE echo : %9.0f msgs/s   p50 %7.0f us   p99 %7.0f us   (%lld acked, %lld lost)\n"
      "pingand durable: %9.0f acks/s   p50 %7.0f us   p99 %7.0f us   (%lld acked, %lld lost)\n"
      "ratio pingand/raw throughput: %.3f   p50 latency x%.1f   p99 latency x%.1f\n",
      g_params.agents, g_params.window, g_params.warmup_seconds, g_params.seconds,
      static_cast<long long>(g_params.prefill), g_raw.per_second, g_raw.p50_us, g_raw.p99_us,
      static_cast<long long>(g_raw.acked), static_cast<long long>(g_raw.lost), g_daemon.per_second,
      g_daemon.p50_us, g_daemon.p99_us, static_cast<long long>(g_daemon.acked),
      static_cast<long long>(g_daemon.lost), g_daemon.per_second / g_raw.per_second,
      g_daemon.p50_us / g_raw.p50_us, g_daemon.p99_us / g_raw.p99_us);
  return g_raw.lost + g_daemon.lost > 0 ? 1 : 0;
}
