// Console API benchmark: latency of the duty console's reads and of its live updates,
// through the whole stack over loopback HTTP (Beast server, router, session cookie,
// control command, read-only SQLite, JSON), against an in-process pingand holding
// 20,000 schools in 100 districts and 5,000 open missing alerts (bench/console_world.h).
//
// Reads: one keep-alive connection, one request at a time; p50/p99 of GET
// /api/v1/board and /api/v1/alerts?limit=100|500|1000 (500: what the console's alert
// page asks for), next to two baselines measured in the same run on the same
// connection: GET /api/v1/session (signed in, tiny answer, no database) and GET / (the
// static page, no session). The board's repeated reads are answered from its cache
// (nothing changes in between); "after each event" reads it once after each
// acknowledgement's event, so that it is computed afresh every time.
//
// Live updates: C consoles hold GET /api/v1/events open; a duty officer acknowledges
// one alert after another (POST /api/v1/alerts/{id}/ack publishes alert.updated) and
// each round measures the time from sending the POST until the first and the last
// console received the event, and (refetch rounds) until every console has also
// re-read its page as the web console does on an event. Baseline: the same with one
// console.
//
//   api_bench [--schools N] [--alerts M] [--consoles C] [--requests R] [--events E]
#include <benchmark/benchmark.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>

#include "bench/console_world.h"
#include "bench/http_probe.h"

namespace {

using namespace pingan::bench;
using SteadyClock = std::chrono::steady_clock;

struct Params {
  int schools = 20000;
  int alerts = 5000;
  int consoles = 50;
  int requests = 400;  // per read route (2x for the baselines, 1/2 for limit=500, 1/4 for 1000)
  int events = 100;    // per fan-out benchmark (a fifth of that with refetch)
};
Params g_params;

struct ReadResult {
  double p50_us = 0, p99_us = 0, bytes = 0;
  int n = 0;
};
struct FanoutResult {
  double first_p50_us = 0, all_p50_us = 0, all_p99_us = 0, page_p50_us = 0, page_p99_us = 0;
  int events = 0, timeouts = 0;
};
std::vector<std::pair<std::string, ReadResult>> g_reads;
std::vector<std::pair<std::string, FanoutResult>> g_fanouts;

double Micros(SteadyClock::duration d) {
  return std::chrono::duration<double, std::micro>(d).count();
}

// The daemon and the duty officer's session, made once for all benchmarks.
struct Shared {
  ConsoleWorld world{ConsoleWorldSize{g_params.schools, g_params.alerts}};
  std::string cookie, csrf;
  std::vector<std::string> open_alerts;
  size_t next_alert = 0;

  double sweep_s = 0;         // daemon started -> alerts open and published
  double worst_stall_ms = 0;  // slowest GET / meanwhile

  Shared() {
    const auto start = SteadyClock::now();
    world.Start();
    // The first sweep opens the alerts and the io thread publishes them (one bulk
    // alerts.opened: more than app::kBulkAlertEvents): how long does the API stall?
    std::atomic<bool> stop{false};
    std::thread probe([this, &stop] {
      try {
        HttpClient c(world.port());
        while (!stop) {
          const auto sent = SteadyClock::now();
          c.Get("/");
          worst_stall_ms = std::max(worst_stall_ms, Micros(SteadyClock::now() - sent) / 1000);
          std::this_thread::sleep_for(std::chrono::milliseconds{5});
        }
      } catch (const std::exception& e) {
        std::fprintf(stderr, "stall probe: %s\n", e.what());
      }
    });
    try {
      world.WaitForAlerts();
    } catch (...) {
      stop = true;
      probe.join();
      throw;
    }
    sweep_s = Micros(SteadyClock::now() - start) / 1e6;
    // The events may still be on their way (see WaitForAlerts): probe a second longer.
    std::this_thread::sleep_for(std::chrono::seconds{1});
    stop = true;
    probe.join();
    world.AddDutyOfficer();  // outside the probe: its password hash is not the sweep's
    HttpClient client(world.port());
    client.Login(kDutyUser, kDutyPassword);
    cookie = client.cookie();
    csrf = client.csrf();
    const HttpReply list = client.Get("/api/v1/alerts?state=open&limit=10000");
    for (const auto& a : nlohmann::json::parse(list.body))
      open_alerts.push_back(a["id"].get<std::string>());
  }
  std::unique_ptr<HttpClient> Client() {
    auto client = std::make_unique<HttpClient>(world.port());
    client->UseSession(cookie, csrf);
    return client;
  }
  std::string NextAlert() {
    if (next_alert >= open_alerts.size()) throw std::runtime_error("ran out of open alerts");
    return open_alerts[next_alert++];
  }
};

std::unique_ptr<Shared> g_shared;

Shared& TheShared() {
  if (!g_shared) g_shared = std::make_unique<Shared>();
  return *g_shared;
}

ReadResult MeasureGets(const std::string& target, int n) {
  auto client = TheShared().Client();
  for (int i = 0; i < 20; ++i) client->Get(target);  // warm caches and the connection
  std::vector<double> latencies;
  double bytes = 0;
  for (int i = 0; i < n; ++i) {
    const auto start = SteadyClock::now();
    const HttpReply reply = client->Get(target);
    latencies.push_back(Micros(SteadyClock::now() - start));
    if (reply.status != 200) throw std::runtime_error(target + ": " + reply.body);
    bytes = static_cast<double>(reply.body.size());
  }
  return {Percentile(latencies, 0.50), Percentile(latencies, 0.99), bytes, n};
}

// GET `target` right after each of `n` events (an acknowledgement's alert.updated, seen
// on an open stream): the event moved the data version, so the board's answer cache
// cannot serve it and the board is computed afresh, as for the first page to re-read it.
ReadResult MeasureGetsAfterEvents(const std::string& target, int n) {
  Shared& shared = TheShared();
  std::mutex mutex;
  std::condition_variable seen;
  std::string needle;
  bool arrived = false;
  SseConsole stream(shared.world.port(), shared.cookie,
                    [&](const std::string& name, const std::string& data) {
                      if (name != "alert.updated") return;
                      std::lock_guard lock(mutex);
                      if (needle.empty() || data.find(needle) == std::string::npos) return;
                      arrived = true;
                      seen.notify_all();
                    });
  const auto until = SteadyClock::now() + std::chrono::seconds{10};
  while (!stream.subscribed() && SteadyClock::now() < until) std::this_thread::yield();
  auto trigger = shared.Client();
  auto reader = shared.Client();
  for (int i = 0; i < 3; ++i) reader->Get(target);  // the connection, not the answer
  std::vector<double> latencies;
  double bytes = 0;
  for (int i = 0; i < n; ++i) {
    const std::string id = shared.NextAlert();
    std::unique_lock lock(mutex);
    needle = "\"id\":\"" + id + "\"";
    arrived = false;
    lock.unlock();
    const HttpReply ack =
        trigger->Send(http::verb::post, "/api/v1/alerts/" + id + "/ack", "{\"comment\":\"bench\"}");
    if (ack.status != 202) throw std::runtime_error("ack " + id + ": " + ack.body);
    lock.lock();
    if (!seen.wait_for(lock, std::chrono::seconds{60}, [&] { return arrived; })) {
      throw std::runtime_error("no alert.updated for " + id);
    }
    needle.clear();
    lock.unlock();
    const auto start = SteadyClock::now();
    const HttpReply reply = reader->Get(target);
    latencies.push_back(Micros(SteadyClock::now() - start));
    if (reply.status != 200) throw std::runtime_error(target + ": " + reply.body);
    bytes = static_cast<double>(reply.body.size());
  }
  stream.Close();
  return {Percentile(latencies, 0.50), Percentile(latencies, 0.99), bytes, n};
}

void BM_GetAfterEvents(benchmark::State& state, const std::string& target, int n) {
  ReadResult r;
  for (auto _ : state) r = MeasureGetsAfterEvents(target, n);
  state.counters["p50_us"] = r.p50_us;
  state.counters["p99_us"] = r.p99_us;
  g_reads.emplace_back(target + " after an event", r);
}

void BM_Get(benchmark::State& state, const std::string& target, int n) {
  ReadResult r;
  for (auto _ : state) r = MeasureGets(target, n);
  state.counters["p50_us"] = r.p50_us;
  state.counters["p99_us"] = r.p99_us;
  state.counters["bytes"] = r.bytes;
  g_reads.emplace_back(target, r);
}

// One round at a time: which alert's event the consoles wait for, and when they got it.
struct Round {
  std::mutex mutex;
  std::condition_variable done;
  std::string needle;  // "\"id\":\"<alert id>\""
  int generation = 0;  // a page re-read finishing late must not count for the next round
  int received = 0, paged = 0;
  SteadyClock::time_point first, all, all_paged;
};

FanoutResult MeasureFanout(int consoles, const std::string& page, int events) {
  Shared& shared = TheShared();
  Round round;
  std::vector<std::unique_ptr<HttpClient>> pages(static_cast<size_t>(consoles));
  if (!page.empty()) {
    for (auto& p : pages) p = shared.Client();
  }
  std::vector<std::unique_ptr<SseConsole>> streams;
  for (int i = 0; i < consoles; ++i) {
    HttpClient* mine = pages[static_cast<size_t>(i)].get();
    streams.push_back(std::make_unique<SseConsole>(
        shared.world.port(), shared.cookie,
        [&round, &page, mine, consoles](const std::string& name, const std::string& data) {
          if (name != "alert.updated") return;
          int generation = 0;
          {
            std::lock_guard lock(round.mutex);
            if (round.needle.empty() || data.find(round.needle) == std::string::npos) return;
            const auto now = SteadyClock::now();
            if (++round.received == 1) round.first = now;
            if (round.received == consoles) round.all = now;
            generation = round.generation;
          }
          try {
            if (mine != nullptr) mine->Get(page);
          } catch (const std::exception&) {
            return;  // the round times out and is counted as such
          }
          std::lock_guard lock(round.mutex);
          if (mine != nullptr && generation == round.generation && ++round.paged == consoles) {
            round.all_paged = SteadyClock::now();
          }
          round.done.notify_all();
        }));
  }
  const auto until = SteadyClock::now() + std::chrono::seconds{10};
  for (const auto& s : streams) {
    while (!s->subscribed() && SteadyClock::now() < until) std::this_thread::yield();
  }
  auto trigger = shared.Client();
  std::vector<double> first, all, paged;
  FanoutResult result;
  const int warmup = 3;
  for (int e = 0; e < events + warmup; ++e) {
    const std::string id = shared.NextAlert();
    std::unique_lock lock(round.mutex);
    round.needle = "\"id\":\"" + id + "\"";
    round.received = round.paged = 0;
    ++round.generation;
    lock.unlock();
    const auto start = SteadyClock::now();
    const HttpReply ack =
        trigger->Send(http::verb::post, "/api/v1/alerts/" + id + "/ack", "{\"comment\":\"bench\"}");
    if (ack.status != 202) throw std::runtime_error("ack " + id + ": " + ack.body);
    lock.lock();
    const bool ok = round.done.wait_for(lock, std::chrono::seconds{60}, [&] {
      return round.received == consoles && (page.empty() || round.paged == consoles);
    });
    round.needle.clear();
    if (e < warmup) continue;
    if (!ok) {
      ++result.timeouts;
      continue;
    }
    first.push_back(Micros(round.first - start));
    all.push_back(Micros(round.all - start));
    if (!page.empty()) paged.push_back(Micros(round.all_paged - start));
  }
  for (auto& s : streams) s->Close();
  streams.clear();
  result.events = events;
  result.first_p50_us = Percentile(first, 0.50);
  result.all_p50_us = Percentile(all, 0.50);
  result.all_p99_us = Percentile(all, 0.99);
  result.page_p50_us = Percentile(paged, 0.50);
  result.page_p99_us = Percentile(paged, 0.99);
  return result;
}

void BM_Fanout(benchmark::State& state, int consoles, const std::string& page, int events) {
  FanoutResult r;
  for (auto _ : state) r = MeasureFanout(consoles, page, events);
  state.counters["first_p50_us"] = r.first_p50_us;
  state.counters["all_p50_us"] = r.all_p50_us;
  state.counters["all_p99_us"] = r.all_p99_us;
  if (!page.empty()) {
    state.counters["page_p50_us"] = r.page_p50_us;
    state.counters["page_p99_us"] = r.page_p99_us;
  }
  state.counters["timeouts"] = r.timeouts;
  g_fanouts.emplace_back(std::to_string(consoles) + (page.empty() ? "" : " + " + page), r);
}

void Register() {
  const int n = g_params.requests;
  const std::vector<std::pair<std::string, int>> reads = {
      {"/api/v1/session", 2 * n},
      {"/", 2 * n},
      {"/api/v1/board", n},
      {"/api/v1/alerts?limit=100", n},
      {"/api/v1/alerts?limit=500", std::max(n / 2, 20)},
      {"/api/v1/alerts?limit=1000", std::max(n / 4, 20)}};
  for (const auto& [target, count] : reads) {
    benchmark::RegisterBenchmark(("GET " + target).c_str(), BM_Get, target, count)
        ->Iterations(1)
        ->Unit(benchmark::kMillisecond)
        ->UseRealTime();
    if (target != "/api/v1/board") continue;
    // Repeated reads with no change in between are answered from the cache; this is
    // what a re-read costs when something did change.
    benchmark::RegisterBenchmark("GET /api/v1/board after each event", BM_GetAfterEvents, target,
                                 std::max(n / 8, 20))
        ->Iterations(1)
        ->Unit(benchmark::kMillisecond)
        ->UseRealTime();
  }
  const int e = g_params.events;
  const int c = g_params.consoles;
  const std::vector<std::tuple<int, std::string, int>> fanouts = {
      {1, "", e},
      {c, "", e},
      {1, "/api/v1/board", std::max(e / 5, 10)},
      {c, "/api/v1/board", std::max(e / 5, 10)},
  };
  for (const auto& [consoles, page, events] : fanouts) {
    const std::string name =
        "SSE/" + std::to_string(consoles) + "_consoles" + (page.empty() ? "" : "+refetch " + page);
    benchmark::RegisterBenchmark(name.c_str(), BM_Fanout, consoles, page, events)
        ->Iterations(1)
        ->Unit(benchmark::kMillisecond)
        ->UseRealTime();
  }
}

std::string LoadAverage() {
  std::ifstream in("/proc/loadavg");
  std::string one, five, fifteen;
  in >> one >> five >> fifteen;
  return one + " " + five + " " + fifteen;
}

void PrintSummary(const std::string& load_before) {
  std::printf("\n%d schools in 100 districts, %d open alerts; load average before %s, after %s\n",
              g_params.schools, g_params.alerts, load_before.c_str(), LoadAverage().c_str());
  std::printf(
      "daemon start -> %d alerts open and published: %.1f s; slowest GET / meanwhile: %.0f "
      "ms\n",
      g_params.alerts, g_shared->sweep_s, g_shared->worst_stall_ms);
  std::printf("\nreads, one keep-alive connection, one request at a time\n");
  std::printf("%-30s %6s %9s %9s %9s %9s\n", "route", "n", "p50 us", "p99 us", "x p50", "x p99");
  ReadResult base;  // GET /api/v1/session, when it ran
  for (const auto& [target, r] : g_reads) {
    if (target == "/api/v1/session") base = r;
  }
  for (const auto& [target, r] : g_reads) {
    std::printf("%-30s %6d %9.0f %9.0f %9.1f %9.1f   (%.0f bytes)\n", target.c_str(), r.n, r.p50_us,
                r.p99_us, r.p50_us / base.p50_us, r.p99_us / base.p99_us, r.bytes);
  }
  std::printf("(x: ratio to GET /api/v1/session in the same run)\n");
  std::printf("\nPOST ack -> alert.updated at every console\n");
  std::printf("%-26s %6s %10s %10s %10s %7s %7s %11s %11s %4s\n", "consoles", "events", "first p50",
              "all p50", "all p99", "x p50", "x p99", "page p50", "page p99", "t/o");
  FanoutResult one;  // one console, no refetch, when it ran
  for (const auto& [name, r] : g_fanouts) {
    if (name == "1") one = r;
  }
  for (const auto& [name, r] : g_fanouts) {
    std::printf("%-26s %6d %10.0f %10.0f %10.0f %7.1f %7.1f %11.0f %11.0f %4d\n", name.c_str(),
                r.events, r.first_p50_us, r.all_p50_us, r.all_p99_us, r.all_p50_us / one.all_p50_us,
                r.all_p99_us / one.all_p99_us, r.page_p50_us, r.page_p99_us, r.timeouts);
  }
  std::printf("(us from sending the POST; x: ratio to one console without refetch)\n");
}

void ParseArgs(int argc, char** argv) {
  for (int i = 1; i + 1 < argc; ++i) {
    const std::string flag = argv[i];
    int* target = flag == "--schools"    ? &g_params.schools
                  : flag == "--alerts"   ? &g_params.alerts
                  : flag == "--consoles" ? &g_params.consoles
                  : flag == "--requests" ? &g_params.requests
                  : flag == "--events"   ? &g_params.events
                                         : nullptr;
    if (target) *target = std::atoi(argv[i + 1]);
  }
}

}  // namespace

int main(int argc, char** argv) {
  ParseArgs(argc, argv);
  spdlog::set_level(spdlog::level::warn);
  const std::string load_before = LoadAverage();
  // Google Benchmark's own flags (--benchmark_filter=...) pass through.
  std::vector<char*> bench_argv = {argv[0]};
  for (int i = 1; i < argc; ++i) {
    if (std::string(argv[i]).rfind("--benchmark_", 0) == 0) bench_argv.push_back(argv[i]);
  }
  int bench_argc = static_cast<int>(bench_argv.size());
  benchmark::Initialize(&bench_argc, bench_argv.data());
  Register();
  try {
    TheShared();  // the world's setup is not part of any benchmark
    benchmark::RunSpecifiedBenchmarks();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "api_bench: %s\n", e.what());
    return 1;
  }
  PrintSummary(load_before);
  g_shared.reset();  // stops the daemon, removes its data directory
  return 0;
}
