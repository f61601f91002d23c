#include "agents/loadgen_run.h"

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <condition_variable>
#include <cstring>
#include <iostream>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include "daemon/ingest/curve_keys.h"

namespace pingan::agent::loadgen {
namespace {

constexpr Micros kStartDelay = std::chrono::milliseconds{50};

// The workers of one process wait here until every one is ready and the start instant
// is known. Thread-safe.
class StartGate {
 public:
  explicit StartGate(int workers) : expected_(workers) {}
  // Called by a worker: blocks until Open, returns the start instant.
  Micros ArriveAndWait() {
    std::unique_lock lock(mu_);
    ++arrived_;
    cv_.notify_all();
    cv_.wait(lock, [&] { return start_.has_value(); });
    return *start_;
  }
  void WaitAllArrived() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return arrived_ == expected_; });
  }
  void Open(Micros start) {
    std::lock_guard lock(mu_);
    start_ = start;
    cv_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  int expected_;
  int arrived_ = 0;
  std::optional<Micros> start_;
};

// Many sockets and file descriptors: each connection is a DEALER, its monitor's two
// PAIRs, their mailboxes and the TCP connection.
void RaiseFileLimit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &limit);
  }
}

uint64_t FileLimit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) return 1 << 20;
  return limit.rlim_cur;
}

// Runs this process's threads; `start` is asked once all are ready.
LoadStats RunProcess(const RunOptions& options, int process, const std::function<Micros()>& start) {
  const int workers = options.processes * options.threads;
  zmq::context_t context(options.io_threads);
  const int cap = ContextSocketCap(FileLimit(), options.threads, options.io_threads,
                                   context.get(zmq::ctxopt::socket_limit));
  context.set(zmq::ctxopt::max_sockets, cap);
  const size_t held =
      3 * ConnectionShare(options.connections, 0, workers) * static_cast<size_t>(options.threads);
  if (held > static_cast<size_t>(cap)) {
    throw std::runtime_error("--connections needs " + std::to_string(held * 4 / 3) +
                             " descriptors per worker process, more than its limit " +
                             std::to_string(FileLimit()) + " allows (ulimit -n)");
  }
  SteadyMonoClock clock;
  StartGate gate(options.threads);
  std::vector<LoadStats> results(options.threads);
  std::vector<WorkerOptions> plans(options.threads, options.worker);
  std::vector<std::thread> threads;
  std::mutex error_mu;
  std::string error;
  for (int t = 0; t < options.threads; ++t) {
    auto& plan = plans[t];
    plan.worker = process * options.threads + t;
    plan.workers = workers;
    plan.open_connections = ConnectionShare(options.connections, plan.worker, workers);
    threads.emplace_back([&, t] {
      try {
        results[t] = RunWorker(context, plans[t], clock, [&] { return gate.ArriveAndWait(); });
      } catch (const std::exception& e) {
        std::lock_guard lock(error_mu);
        error = e.what();
      }
    });
  }
  gate.WaitAllArrived();
  gate.Open(start());
  for (auto& t : threads) t.join();
  if (!error.empty()) throw std::runtime_error(error);
  LoadStats total;
  for (const auto& r : results) total.Merge(r);
  return total;
}

bool WriteAll(int fd, const std::string& data) {
  size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

std::string ReadAll(int fd) {
  std::string data;
  char buffer[65536];
  ssize_t n = 0;
  while ((n = ::read(fd, buffer, sizeof buffer)) > 0) data.append(buffer, static_cast<size_t>(n));
  return data;
}

struct Child {
  pid_t pid = -1;
  int to_child = -1;    // the start instant
  int from_child = -1;  // 'R' when ready, then the stats as JSON
};

[[noreturn]] void ChildMain(const RunOptions& options, int process, int go_fd, int out_fd) {
  int code = 0;
  try {
    const LoadStats stats = RunProcess(options, process, [&] {
      if (!WriteAll(out_fd, "R")) throw std::runtime_error("parent gone");
      int64_t start = 0;
      if (::read(go_fd, &start, sizeof start) != sizeof start) {
        throw std::runtime_error("no start instant from the parent");
      }
      return Micros{start};
    });
    WriteAll(out_fd, stats.ToJson().dump());
  } catch (const std::exception& e) {
    std::cerr << "pingan-loadgen worker process " << process << ": " << e.what() << "\n";
    code = 1;
  }
  ::_exit(code);
}

LoadStats RunForked(const RunOptions& options) {
  std::vector<Child> children;
  for (int p = 0; p < options.processes; ++p) {
    int go[2];
    int out[2];
    if (::pipe(go) != 0 || ::pipe(out) != 0) throw std::runtime_error("pipe failed");
    const pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
      ::close(go[1]);
      ::close(out[0]);
      for (const auto& c : children) {
        ::close(c.to_child);
        ::close(c.from_child);
      }
      ChildMain(options, p, go[0], out[1]);
    }
    ::close(go[0]);
    ::close(out[1]);
    children.push_back({pid, go[1], out[0]});
  }
  bool ok = true;
  for (const auto& c : children) {
    char ready = 0;
    ok = ok && ::read(c.from_child, &ready, 1) == 1 && ready == 'R';
  }
  const int64_t start = ok ? (SteadyMonoClock().Now() + kStartDelay).count() : 0;
  for (const auto& c : children) {
    if (ok) WriteAll(c.to_child, std::string(reinterpret_cast<const char*>(&start), sizeof start));
    ::close(c.to_child);  // a child waiting for the start reads EOF and gives up
  }
  LoadStats total;
  for (const auto& c : children) {
    const std::string json = ReadAll(c.from_child);
    ::close(c.from_child);
    int status = 0;
    ::waitpid(c.pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || json.empty()) {
      ok = false;
      continue;
    }
    total.Merge(LoadStats::FromJson(nlohmann::json::parse(json)));
  }
  if (!ok) throw std::runtime_error("a worker process failed");
  return total;
}

}  // namespace

std::string CheckRunOptions(const RunOptions& o) {
  if (auto problem = CheckSchedule(o.worker.schedule); !problem.empty()) return problem;
  if (o.worker.endpoint.find("://") == std::string::npos) {
    return "endpoint '" + o.worker.endpoint + "' is not a ZeroMQ endpoint like tcp://host:7450";
  }
  if (!wire::IsZ85Key(o.worker.server_public_key)) {
    return "the daemon's public key is missing or not a 40-character Z85 key";
  }
  if (o.processes < 1 || o.threads < 1 || o.io_threads < 1) {
    return "--processes, --threads and --io-threads must be at least 1";
  }
  const auto workers = static_cast<size_t>(o.processes) * static_cast<size_t>(o.threads);
  if (o.connections > 0 && o.connections < workers) {
    return "--connections must be at least --processes x --threads";
  }
  if (o.connections > static_cast<size_t>(o.worker.naming.schools)) {
    return "--connections must not exceed --schools (one connection per school)";
  }
  if (o.worker.ack_timeout <= Micros{0}) return "--ack-timeout must be positive";
  if (o.worker.max_open == 0) return "--max-open must be at least 1";
  return "";
}

int ContextSocketCap(uint64_t fd_limit, int threads, int io_threads, int zmq_socket_limit) {
  const uint64_t reserved = 64 + 2 * static_cast<uint64_t>(threads + io_threads);
  const uint64_t spare = fd_limit > reserved ? fd_limit - reserved : 0;
  const uint64_t sockets = std::max<uint64_t>(spare * 3 / 4, 3);
  return static_cast<int>(std::min<uint64_t>(sockets, static_cast<uint64_t>(zmq_socket_limit)));
}

size_t ConnectionShare(size_t total, int worker, int workers) {
  const auto w = static_cast<size_t>(worker);
  const auto n = static_cast<size_t>(workers);
  return total / n + (w < total % n ? 1 : 0);
}

LoadStats RunLoad(const RunOptions& options) {
  RaiseFileLimit();
  if (options.processes == 1) {
    return RunProcess(options, 0, [] { return SteadyMonoClock().Now() + kStartDelay; });
  }
  return RunForked(options);
}

}  // namespace pingan::agent::loadgen
