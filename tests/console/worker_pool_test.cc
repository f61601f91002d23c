// The worker pools and the Router's asynchronous path: bounded queues that refuse
// instead of growing, handlers run where their route says, answers come back through
// the io executor exactly once, and the route table puts every route that reads the
// database or hashes a password off the io thread. No wall-clock waits: jobs are held
// by gates the test opens.
#include <gtest/gtest.h>

#include <pthread.h>
#include <sched.h>
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <deque>
#include <future>
#include <set>
#include <stdexcept>

#include "daemon/console/event_stream.h"
#include "daemon/console/web_assets.h"
#include "daemon/console/worker_pool.h"
#include "tests/console/api_fixture.h"
#include "tests/fakes/gate.h"

namespace pingan::console {
namespace {

TEST(WorkerPoolTest, RunsEveryJobOnItsThreads) {
  WorkerPool pool("test", 2, 1000);
  std::atomic<int> ran{0};
  for (int i = 0; i < 500; ++i) ASSERT_TRUE(pool.TryPost([&ran] { ++ran; }));
  pool.WaitIdle();
  EXPECT_EQ(ran.load(), 500);
}

// Scheduling as seen from inside a job: policy, nice and the thread's name.
struct SeenFromJob {
  int policy = -1;
  int nice = -100;
  std::string name;
};

SeenFromJob RunOneJobIn(WorkerPool& pool) {
  std::promise<SeenFromJob> seen;
  pool.Post([&seen] {
    SeenFromJob s;
    s.policy = ::sched_getscheduler(0);
    s.nice = ::getpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()));
    char name[16] = {};
    ::pthread_getname_np(::pthread_self(), name, sizeof name);
    s.name = name;
    seen.set_value(s);
  });
  return seen.get_future().get();
}

TEST(WorkerPoolTest, HashingThreadsRunOnlyWhenNothingElseWantsTheCore) {
  WorkerPool pool("http-hash", 1, 10, WorkerPool::Priority::kIdle);
  const SeenFromJob seen = RunOneJobIn(pool);
  EXPECT_EQ(seen.policy, SCHED_IDLE);
  EXPECT_EQ(seen.name, "http-hash");
}

TEST(WorkerPoolTest, ReadThreadsYieldToIntakeAndNormalOnesDoNot) {
  WorkerPool reads("http-read-pool-with-a-long-name", 1, 10, WorkerPool::Priority::kBelowNormal);
  const SeenFromJob read = RunOneJobIn(reads);
  EXPECT_EQ(read.policy, SCHED_OTHER);
  EXPECT_EQ(read.nice, std::min(::getpriority(PRIO_PROCESS, 0) + 5, 19));
  EXPECT_EQ(read.name, "http-read-pool-") << "Linux keeps 15 characters";
  WorkerPool normal("test", 1, 10);
  const SeenFromJob plain = RunOneJobIn(normal);
  EXPECT_EQ(plain.policy, SCHED_OTHER);
  EXPECT_EQ(plain.nice, ::getpriority(PRIO_PROCESS, 0));
}

TEST(WorkerPoolTest, AFullQueueRefusesInsteadOfGrowing) {
  WorkerPool pool("test", 1, 2);
  testing::Gate gate;
  ASSERT_TRUE(pool.TryPost(gate.Job()));
  gate.Started();  // the one thread is busy; the queue is empty
  std::atomic<int> ran{0};
  EXPECT_TRUE(pool.TryPost([&ran] { ++ran; }));
  EXPECT_TRUE(pool.TryPost([&ran] { ++ran; }));
  EXPECT_FALSE(pool.TryPost([&ran] { ran += 100; })) << "max_queued jobs already wait";
  EXPECT_EQ(pool.queued(), 2u);
  pool.Post([&ran] { ++ran; });  // the daemon's own work is never refused
  EXPECT_EQ(pool.queued(), 3u);
  gate.Open();
  pool.WaitIdle();
  EXPECT_EQ(ran.load(), 3) << "the refused job never ran";
}

TEST(WorkerPoolTest, AThrowingJobDoesNotStopThePool) {
  WorkerPool pool("test", 1, 10);
  std::atomic<int> ran{0};
  ASSERT_TRUE(pool.TryPost([] { throw std::runtime_error("boom"); }));
  ASSERT_TRUE(pool.TryPost([&ran] { ++ran; }));
  pool.WaitIdle();
  EXPECT_EQ(ran.load(), 1);
}

TEST(WorkerPoolTest, StopFinishesTheRunningJobAndDropsTheQueued) {
  WorkerPool pool("test", 1, 10);
  testing::Gate gate;
  ASSERT_TRUE(pool.TryPost(gate.Job()));
  gate.Started();
  std::atomic<int> ran{0};
  ASSERT_TRUE(pool.TryPost([&ran] { ++ran; }));
  std::thread stopper([&pool] { pool.Stop(); });
  while (!pool.stopping()) std::this_thread::yield();  // Stop has taken the queue
  gate.Open();
  stopper.join();
  EXPECT_EQ(ran.load(), 0);
  EXPECT_FALSE(pool.TryPost([&ran] { ++ran; })) << "a stopped pool takes nothing";
}

// Executors whose jobs wait in queues the test runs by hand: what runs where, and when.
struct ManualExecutors {
  std::deque<Executors::Job> read, hash, io;
  bool read_full = false;
  Executors Make() {
    Executors e;
    e.read_pool = [this](Executors::Job job) {
      if (read_full) return false;
      read.push_back(std::move(job));
      return true;
    };
    e.hash_pool = [this](Executors::Job job) {
      hash.push_back(std::move(job));
      return true;
    };
    e.io = [this](Executors::Job job) { io.push_back(std::move(job)); };
    return e;
  }
  static void RunAll(std::deque<Executors::Job>& jobs) {
    while (!jobs.empty()) {
      auto job = std::move(jobs.front());
      jobs.pop_front();
      job();
    }
  }
};

class AsyncRouterTest : public ApiFixture {
 protected:
  Request Authed(const std::string& method, const std::string& target) {
    Request r = Make(method, target);
    r.headers["authorization"] = "Bearer " + token_;
    return r;
  }
  void SetUp() override { token_ = std::get<0>(auth_.CreateToken("ops", "duty_officer", "")); }
  std::string token_;
  ManualExecutors manual_;
};

TEST_F(AsyncRouterTest, APoolRouteAnswersOnTheIoExecutorOnceItsJobRan) {
  const Executors executors = manual_.Make();
  std::vector<Response> answers;
  router_.HandleAsync(Authed("GET", "/api/v1/deadlines"), executors,
                      [&answers](Response r) { answers.push_back(std::move(r)); });
  EXPECT_TRUE(answers.empty()) << "nothing answered before the pool ran the handler";
  EXPECT_TRUE(commands_.empty()) << "the handler did not run on the calling thread";
  ASSERT_EQ(manual_.read.size(), 1u);
  EXPECT_TRUE(manual_.hash.empty());
  ManualExecutors::RunAll(manual_.read);
  EXPECT_EQ(commands_, std::vector<std::string>{"deadlines.next"});
  EXPECT_TRUE(answers.empty()) << "the answer goes back through the io executor";
  ManualExecutors::RunAll(manual_.io);
  ASSERT_EQ(answers.size(), 1u);
  EXPECT_EQ(answers[0].status, 200) << answers[0].body;
}

TEST_F(AsyncRouterTest, AnIoRouteAndARefusalAnswerAtOnceWithoutAPool) {
  const Executors executors = manual_.Make();
  std::vector<int> statuses;
  auto done = [&statuses](Response r) { statuses.push_back(r.status); };
  router_.HandleAsync(Authed("GET", "/api/v1/session"), executors, done);
  router_.HandleAsync(Make("GET", "/api/v1/deadlines"), executors, done);  // no credentials
  router_.HandleAsync(Make("GET", "/api/v1/nothing-here"), executors, done);
  EXPECT_EQ(statuses, (std::vector<int>{200, 401, 404}));
  EXPECT_TRUE(manual_.read.empty() && manual_.hash.empty() && manual_.io.empty());
}

TEST_F(AsyncRouterTest, ALoginRunsOnTheHashPool) {
  const Executors executors = manual_.Make();
  std::vector<int> statuses;
  router_.HandleAsync(Make("POST", "/api/v1/login",
                           nlohmann::json{{"name", "duty"}, {"password", kPassword}}.dump()),
                      executors, [&statuses](Response r) { statuses.push_back(r.status); });
  ASSERT_EQ(manual_.hash.size(), 1u);
  EXPECT_TRUE(manual_.read.empty());
  ManualExecutors::RunAll(manual_.hash);
  ManualExecutors::RunAll(manual_.io);
  EXPECT_EQ(statuses, std::vector<int>{200});
}

TEST_F(AsyncRouterTest, AFullPoolAnswersBusyWithRetryAfter) {
  manual_.read_full = true;
  std::vector<Response> answers;
  router_.HandleAsync(Authed("GET", "/api/v1/deadlines"), manual_.Make(),
                      [&answers](Response r) { answers.push_back(std::move(r)); });
  ASSERT_EQ(answers.size(), 1u);
  EXPECT_EQ(answers[0].status, 503);
  EXPECT_EQ(answers[0].Header("Retry-After"), "1");
  EXPECT_NE(answers[0].body.find("busy"), std::string::npos);
  EXPECT_TRUE(commands_.empty());
}

TEST_F(AsyncRouterTest, HandlerErrorsBecomeJsonAnswersOnThePoolToo) {
  custom_command_ = [](const std::string&, const nlohmann::json&) -> std::optional<nlohmann::json> {
    throw std::runtime_error("database is locked");
  };
  std::vector<Response> answers;
  router_.HandleAsync(Authed("GET", "/api/v1/deadlines"), manual_.Make(),
                      [&answers](Response r) { answers.push_back(std::move(r)); });
  ManualExecutors::RunAll(manual_.read);
  ManualExecutors::RunAll(manual_.io);
  ASSERT_EQ(answers.size(), 1u);
  EXPECT_EQ(answers[0].status, 500);
  EXPECT_EQ(answers[0].body.find("locked"), std::string::npos) << "no internals to the client";
}

// The whole route table as the daemon registers it: only routes that touch nothing but
// the io thread's own memory run there, and password hashing has its own pool. A new
// route reads the database on the read pool unless it says otherwise; one that says
// kIo must be added here, deliberately.
TEST_F(AsyncRouterTest, OnlyMemoryRoutesRunOnTheIoThread) {
  EventHub hub(100, 1);
  RegisterEventRoute(router_, hub, auth_,
                     [](const std::string&, const std::string&) { return true; });
  RegisterWebRoutes(router_);
  std::set<std::string> io, hash;
  size_t read = 0;
  for (const Route& r : router_.routes()) {
    const std::string name = r.method + " " + r.pattern;
    if (r.runs == Runs::kIo) io.insert(name);
    if (r.runs == Runs::kHashPool) hash.insert(name);
    if (r.runs == Runs::kReadPool) ++read;
  }
  EXPECT_EQ(io, (std::set<std::string>{"GET /", "GET /static/{name}", "GET /alerts",
                                       "GET /alerts/{id}", "GET /incidents/{id}",
                                       "GET /schools/{id}", "GET /stats", "GET /api/v1/events",
                                       "GET /api/v1/session", "POST /api/v1/logout"}));
  EXPECT_EQ(hash, (std::set<std::string>{"POST /api/v1/login", "POST /api/v1/users",
                                         "POST /api/v1/users/{name}/password"}));
  EXPECT_GE(read, 30u) << "alerts, board, incidents, schools, admin, export, ...";
}

}  // namespace
}  // namespace pingan::console
