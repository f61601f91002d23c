// Intake isolation benchmark: does report intake keep its pace while the duty console
// is under load? A whole pingand (ConsoleWorld: 20,000 schools in 100 districts, 5,000
// open missing alerts) receives all-clears from 50 CURVE agents at a steady rate, one
// report in flight per agent as pingan-agent sends them, and the send->ack latency is
// measured twice in the same run:
//
//   alone   the agents only;
//   loaded  the agents while 60 clients try wrong passwords without pause (each from
//           its own loopback address and with made-up user names, so that throttling
//           does not answer them cheaply: every attempt costs one Argon2id
//           verification) and 50 consoles re-read the alert list and the board once a
//           second each.
//
// The figure to watch is p99(loaded) / p99(alone): the io thread acknowledges reports
// and must not wait for hashing or queries (goal: under 2x). Each phase runs after a
// warm-up for --seconds (default 25).
//
//   intake_isolation_bench [--seconds S] [--rate R (reports/s per agent)]
//                          [--guessers G (60)] [--consoles C (50)]: one kind of load alone
#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include <zmq.hpp>

#include "bench/console_world.h"
#include "bench/http_probe.h"
#include "daemon/console/password_worker.h"
#include "daemon/core/uuid.h"
#include "daemon/ingest/codec.h"

namespace pingan::bench {
namespace {

using Steady = std::chrono::steady_clock;

struct Params {
  int seconds = 25;
  int warmup_seconds = 5;
  int agents = 50;
  double rate = 10;  // reports per second per agent
  int guessers = 60;
  int consoles = 50;
};

// One agent of school `school`: a report every 1/rate seconds, waiting for each ack.
// Latencies of acks received while `measuring` is set go to `out`.
void RunAgent(const Params& p, const ConsoleWorld& world, const wire::CurveKeyPair& keys,
              const std::string& school, const std::atomic<bool>& stop,
              const std::atomic<bool>& measuring, std::vector<double>& out) {
  zmq::context_t ctx(1);
  zmq::socket_t s(ctx, zmq::socket_type::dealer);
  s.set(zmq::sockopt::linger, 0);
  s.set(zmq::sockopt::curve_serverkey, world.ServerPublicKey());
  s.set(zmq::sockopt::curve_publickey, keys.public_z85);
  s.set(zmq::sockopt::curve_secretkey, keys.secret_z85);
  s.set(zmq::sockopt::rcvtimeo, 30000);
  s.connect(world.endpoint());
  const auto interval =
      std::chrono::duration_cast<Steady::duration>(std::chrono::duration<double>(1.0 / p.rate));
  auto next = Steady::now();
  uint32_t n = 0;
  while (!stop) {
    core::Report r;
    std::array<uint8_t, 10> random{};
    for (auto& b : random) b = static_cast<uint8_t>(std::rand());
    const core::Instant now = world.Now();
    r.report_id = core::FormatUuid(core::MakeUuidV7(now, random));
    r.school_id = school;
    r.kind = core::ReportKind::kAllClear;
    r.covers = date::year_month_day{date::floor<date::days>(now)};
    r.agent_time = now + core::Millis{++n};
    const auto sent = Steady::now();
    s.send(zmq::buffer(wire::EncodeReportFrame(r)));
    zmq::message_t ack;
    if (!s.recv(ack)) {
      std::fprintf(stderr, "agent %s: no ack within 30 s\n", school.c_str());
      return;
    }
    if (measuring) {
      out.push_back(std::chrono::duration<double, std::micro>(Steady::now() - sent).count());
    }
    next += interval;
    std::this_thread::sleep_until(next);
  }
}

// A client trying wrong passwords as fast as it is answered.
void RunGuesser(const ConsoleWorld& world, int id, const std::atomic<bool>& stop,
                std::atomic<long>& attempts, std::atomic<long>& busy) {
  const std::string source =
      "127.1." + std::to_string(id / 250) + "." + std::to_string(1 + id % 250);
  HttpClient client(world.port(), source);
  for (long i = 0; !stop; ++i) {
    const HttpReply reply =
        client.Send(http::verb::post, "/api/v1/login",
                    "{\"name\":\"guess-" + std::to_string(id) + "-" + std::to_string(i) +
                        "\",\"password\":\"wrong-password\"}");
    ++attempts;
    if (reply.status == 503) ++busy;
  }
}

// A duty console re-reading what it shows, once a second.
void RunConsole(const ConsoleWorld& world, const std::string& cookie, const std::string& csrf,
                const std::atomic<bool>& stop, std::atomic<long>& reads) {
  HttpClient client(world.port());
  client.UseSession(cookie, csrf);
  auto next = Steady::now();
  while (!stop) {
    client.Get("/api/v1/alerts?state=open&limit=100");
    client.Get("/api/v1/board");
    reads += 2;
    next += std::chrono::seconds{1};
    std::this_thread::sleep_until(next);
  }
}

struct Phase {
  double p50_ms = 0, p99_ms = 0;
  size_t samples = 0;
};

// Runs the agents for warm-up + measuring time while `load` (may be empty) runs beside.
Phase MeasureIntake(const Params& p, const ConsoleWorld& world,
                    const std::vector<wire::CurveKeyPair>& keys) {
  std::atomic<bool> stop{false}, measuring{false};
  std::vector<std::vector<double>> latencies(keys.size());
  std::vector<std::thread> agents;
  for (size_t i = 0; i < keys.size(); ++i) {
    agents.emplace_back([&, i] {
      RunAgent(p, world, keys[i], SchoolId(static_cast<int>(i)), stop, measuring, latencies[i]);
    });
  }
  std::this_thread::sleep_for(std::chrono::seconds{p.warmup_seconds});
  measuring = true;
  std::this_thread::sleep_for(std::chrono::seconds{p.seconds});
  measuring = false;
  stop = true;
  for (auto& t : agents) t.join();
  std::vector<double> all;
  for (auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  return {Percentile(all, 0.50) / 1000, Percentile(all, 0.99) / 1000, all.size()};
}

int Main(const Params& p) {
  spdlog::set_level(spdlog::level::warn);
  ConsoleWorld world(ConsoleWorldSize{});
  const auto keys = world.AddAgentKeys(p.agents);
  world.Start();
  world.WaitForAlerts();
  world.AddDutyOfficer();
  HttpClient signer(world.port());
  signer.Login(kDutyUser, kDutyPassword);

  const Phase alone = MeasureIntake(p, world, keys);

  std::atomic<bool> stop{false};
  std::atomic<long> attempts{0}, busy{0}, reads{0};
  std::vector<std::thread> load;
  for (int i = 0; i < p.guessers; ++i) {
    load.emplace_back([&, i] { RunGuesser(world, i, stop, attempts, busy); });
  }
  for (int i = 0; i < p.consoles; ++i) {
    load.emplace_back([&] { RunConsole(world, signer.cookie(), signer.csrf(), stop, reads); });
  }
  const auto load_start = Steady::now();
  const Phase loaded = MeasureIntake(p, world, keys);
  const double load_seconds = std::chrono::duration<double>(Steady::now() - load_start).count();
  stop = true;
  for (auto& t : load) t.join();
  world.Stop();

  std::printf("intake_isolation_bench: %d agents x %.0f reports/s, %d s measured per phase\n",
              p.agents, p.rate, p.seconds);
  std::printf("  alone : ack p50 %8.2f ms  p99 %8.2f ms  (%zu acks)\n", alone.p50_ms, alone.p99_ms,
              alone.samples);
  std::printf("  loaded: ack p50 %8.2f ms  p99 %8.2f ms  (%zu acks)\n", loaded.p50_ms,
              loaded.p99_ms, loaded.samples);
  std::printf(
      "  load  : %.0f wrong-password logins/s (%ld answered 503 busy), %.0f console reads/s\n",
      static_cast<double>(attempts) / load_seconds, busy.load(),
      static_cast<double>(reads) / load_seconds);
  std::printf("  ratio p99 loaded/alone = %.2f  (p50 %.2f; goal p99 < 2)\n",
              loaded.p99_ms / alone.p99_ms, loaded.p50_ms / alone.p50_ms);
  return 0;
}

}  // namespace
}  // namespace pingan::bench

int main(int argc, char** argv) {
  // As pingand's main does: Argon2id in a child process forked before any thread.
  pingan::console::UsePasswordWorker(pingan::console::PasswordWorker::Start());
  pingan::bench::Params p;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--seconds") p.seconds = std::atoi(argv[i + 1]);
    if (flag == "--rate") p.rate = std::atof(argv[i + 1]);
    if (flag == "--guessers") p.guessers = std::atoi(argv[i + 1]);
    if (flag == "--consoles") p.consoles = std::atoi(argv[i + 1]);
  }
  return pingan::bench::Main(p);
}
