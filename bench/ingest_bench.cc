// Ingest benchmark: acked, durable reports per second and ack latency through the
// whole daemon path (CURVE, ZAP, decode, validate, SQLite group commit with
// synchronous=FULL, ack), next to a raw ZeroMQ DEALER/ROUTER echo with CURVE and the
// same frame size, measured in the same run. The ratio is what to watch: absolute
// numbers move with the machine.
//
//   ingest_bench [--agents M] [--reports N] [--window W]
#include <benchmark/benchmark.h>

#include <spdlog/spdlog.h>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <thread>

#include <zmq.hpp>

#include "daemon/app/daemon.h"
#include "daemon/core/system_clock.h"
#include "daemon/core/uuid.h"
#include "daemon/ingest/codec.h"
#include "daemon/ingest/curve_keys.h"

namespace {

using Clock = std::chrono::steady_clock;
using pingan::wire::CurveKeyPair;

struct Params {
  int agents = 50;
  int reports = 200;  // per agent
  int window = 16;    // reports in flight per agent
};
Params g_params;

struct RunResult {
  double per_second = 0;
  double p50_us = 0;
  double p99_us = 0;
};
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

// One agent: keeps `window` reports in flight, records each send->ack latency.
void RunAgent(zmq::context_t& ctx, const std::string& endpoint, const std::string& server_public,
              const CurveKeyPair& keys, const std::string& school, std::vector<double>& latencies) {
  zmq::socket_t s(ctx, zmq::socket_type::dealer);
  s.set(zmq::sockopt::linger, 0);
  s.set(zmq::sockopt::curve_serverkey, server_public);
  s.set(zmq::sockopt::curve_publickey, keys.public_z85);
  s.set(zmq::sockopt::curve_secretkey, keys.secret_z85);
  s.connect(endpoint);
  std::vector<Clock::time_point> sent_at(static_cast<size_t>(g_params.reports));
  std::vector<std::string> frames;
  for (int i = 0; i < g_params.reports; ++i) frames.push_back(ReportFrame(school, i));
  int next = 0, acked = 0;
  auto send_one = [&] {
    sent_at[static_cast<size_t>(next)] = Clock::now();
    s.send(zmq::buffer(frames[static_cast<size_t>(next)]));
    ++next;
  };
  while (next < std::min(g_params.window, g_params.reports)) send_one();
  while (acked < g_params.reports) {
    zmq::message_t reply;
    if (!s.recv(reply)) break;
    // Both the echo and the daemon answer in order per connection; index by count.
    latencies.push_back(std::chrono::duration<double, std::micro>(
                            Clock::now() - sent_at[static_cast<size_t>(acked)])
                            .count());
    ++acked;
    if (next < g_params.reports) send_one();
  }
}

RunResult RunAgents(const std::string& endpoint, const std::string& server_public,
                    const std::vector<CurveKeyPair>& keys) {
  zmq::context_t ctx(2);
  std::vector<std::vector<double>> latencies(keys.size());
  const auto start = Clock::now();
  std::vector<std::thread> threads;
  for (size_t i = 0; i < keys.size(); ++i) {
    threads.emplace_back([&, i] {
      RunAgent(ctx, endpoint, server_public, keys[i], "sch-" + std::to_string(i), latencies[i]);
    });
  }
  for (auto& t : threads) t.join();
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  std::vector<double> all;
  for (auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  return RunResult{static_cast<double>(all.size()) / seconds, Percentile(all, 0.50),
                   Percentile(all, 0.99)};
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
    router.bind("tcp://127.0.0.1:*");
    const std::string endpoint = router.get(zmq::sockopt::last_endpoint);
    std::atomic<bool> done{false};
    std::thread echo([&] {
      router.set(zmq::sockopt::rcvtimeo, 100);
      while (!done) {
        zmq::message_t id, body;
        if (!router.recv(id)) continue;
        (void)router.recv(body);
        router.send(id, zmq::send_flags::sndmore);
        router.send(body, zmq::send_flags::none);
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
                  : flag == "--reports" ? &g_params.reports
                  : flag == "--window"  ? &g_params.window
                                        : nullptr;
    if (target) *target = std::atoi(argv[i + 1]);
  }
}

}  // namespace

int main(int argc, char** argv) {
  ParseArgs(argc, argv);
  spdlog::set_level(spdlog::level::warn);
  char* bench_argv[] = {argv[0]};
  int bench_argc = 1;
  benchmark::Initialize(&bench_argc, bench_argv);
  benchmark::RunSpecifiedBenchmarks();
  std::printf(
      "\n%d agents x %d reports, %d in flight each\n"
      "raw CURVE echo : %9.0f msgs/s   p50 %7.0f us   p99 %7.0f us\n"
      "pingand durable: %9.0f acks/s   p50 %7.0f us   p99 %7.0f us\n"
      "ratio pingand/raw throughput: %.3f   p50 latency x%.1f   p99 latency x%.1f\n",
      g_params.agents, g_params.reports, g_params.window, g_raw.per_second, g_raw.p50_us,
      g_raw.p99_us, g_daemon.per_second, g_daemon.p50_us, g_daemon.p99_us,
      g_daemon.per_second / g_raw.per_second, g_daemon.p50_us / g_raw.p50_us,
      g_daemon.p99_us / g_raw.p99_us);
  return 0;
}
