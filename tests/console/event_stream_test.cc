// The live-update feed: EventHub ring and replay as pure logic (a fake sink), the
// /api/v1/events route's permission and leader filter through the Router, streams
// ending with their session (logout, idle and absolute expiry on the FakeClock,
// disabled user, new password), the embedded web page's routes, and one real socket
// reading Server-Sent Events from the server.
#include <gtest/gtest.h>

#include <sys/socket.h>
#include <sys/time.h>

#include <thread>

#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "daemon/console/event_stream.h"
#include "daemon/console/http_server.h"
#include "daemon/console/web_assets.h"
#include "tests/console/api_fixture.h"

namespace pingan::console {
namespace {

using nlohmann::json;

// Collects what the hub sends; `limit` bytes emulate a peer whose queue overflows.
class FakeSink : public StreamSink {
 public:
  bool Send(std::string bytes) override {
    if (!open_) return false;
    if (text.size() + bytes.size() > limit) {
      open_ = false;
      return false;
    }
    text += bytes;
    return true;
  }
  bool open() const override { return open_; }
  void Close() override { open_ = false; }

  std::string text;
  size_t limit = 1 << 20;

 private:
  bool open_ = true;
};

std::vector<uint64_t> Ids(const std::optional<std::vector<Event>>& events) {
  std::vector<uint64_t> ids;
  for (const Event& e : events.value()) ids.push_back(e.id);
  return ids;
}

TEST(EventHubTest, IdsIncreaseAndFormatIsServerSentEvents) {
  EventHub hub(10, 500);
  const uint64_t a = hub.Publish("alert.opened", "s1", {{"id", "x"}});
  const uint64_t b = hub.Publish("ledger.updated", "", {{"reports", 3}});
  EXPECT_EQ(a, 500u);
  EXPECT_EQ(b, a + 1);
  EXPECT_EQ(FormatEvent({7, "alert.opened", "s1", {{"id", "a\nb"}}}),
            "id: 7\nevent: alert.opened\ndata: {\"id\":\"a\\nb\"}\n\n");
}

TEST(EventHubTest, ReplaysWhatAPageMissedFromTheRing) {
  EventHub hub(3, 1);
  for (int i = 0; i < 5; ++i) hub.Publish("ledger.updated", "", {{"n", i}});  // ids 1..5
  EXPECT_EQ(Ids(hub.Since(3)), (std::vector<uint64_t>{4, 5}));
  EXPECT_EQ(Ids(hub.Since(2)), (std::vector<uint64_t>{3, 4, 5}));
  EXPECT_TRUE(hub.Since(5)->empty());
  EXPECT_FALSE(hub.Since(1).has_value()) << "event 2 fell out of the ring";
  EXPECT_FALSE(hub.Since(6).has_value()) << "an id this hub never issued";
  EventHub restarted(3, 1000);
  EXPECT_FALSE(restarted.Since(5).has_value()) << "ids of an earlier run";
  EXPECT_TRUE(restarted.Since(999)->empty()) << "nothing published yet";
}

TEST(EventHubTest, SubscriberGetsReplayThenLiveEventsOrAReload) {
  EventHub hub(3, 1);
  hub.Publish("alert.opened", "s1", {{"id", "a1"}});
  hub.Publish("alert.opened", "s2", {{"id", "a2"}});
  auto resumed = std::make_shared<FakeSink>();
  hub.Subscribe(resumed, nullptr, 1);
  EXPECT_EQ(resumed->text.find("a1"), std::string::npos);
  EXPECT_NE(resumed->text.find("id: 2\nevent: alert.opened"), std::string::npos);
  hub.Publish("alert.updated", "s1", {{"id", "a1"}});
  EXPECT_NE(resumed->text.find("id: 3\nevent: alert.updated"), std::string::npos);

  for (int i = 0; i < 5; ++i) hub.Publish("ledger.updated", "", json::object());
  auto stale = std::make_shared<FakeSink>();
  hub.Subscribe(stale, nullptr, 2);
  EXPECT_NE(stale->text.find("event: reload"), std::string::npos);
  EXPECT_EQ(stale->text.find("event: ledger.updated"), std::string::npos);

  auto fresh = std::make_shared<FakeSink>();
  hub.Subscribe(fresh, nullptr, std::nullopt);
  EXPECT_EQ(fresh->text, "retry: 3000\n\n") << "a new page gets no replay";
}

TEST(EventHubTest, FiltersAndDropsClosedOrSlowStreams) {
  EventHub hub(100, 1);
  auto leader = std::make_shared<FakeSink>();
  auto slow = std::make_shared<FakeSink>();
  auto gone = std::make_shared<FakeSink>();
  hub.Subscribe(
      leader, [](const Event& e) { return e.school_id != "b1"; }, std::nullopt);
  slow->limit = 60;  // the retry line fits, the first event does not
  hub.Subscribe(slow, nullptr, std::nullopt);
  hub.Subscribe(gone, nullptr, std::nullopt);
  EXPECT_EQ(hub.subscribers(), 3u);
  gone->Close();
  hub.Publish("alert.opened", "b1", {{"id", "alert-b"}});
  hub.Publish("alert.opened", "a1", {{"id", "alert-a"}});
  EXPECT_EQ(leader->text.find("alert-b"), std::string::npos);
  EXPECT_NE(leader->text.find("alert-a"), std::string::npos);
  EXPECT_EQ(hub.subscribers(), 1u) << "the closed and the overflowing stream are dropped";
  hub.Heartbeat();
  EXPECT_NE(leader->text.find(": heartbeat\n\n"), std::string::npos);
}

class EventRouteTest : public ApiFixture {
 protected:
  EventRouteTest() : hub_(100, 1) {
    RegisterEventRoute(router_, hub_, auth_, [](const std::string& unit, const std::string& scope) {
      return (unit == "a1" && scope == "district-a") || (unit == "b1" && scope == "district-b");
    });
    RegisterWebRoutes(router_);
  }
  Response Get(const std::string& target, const std::string& cookie = "") {
    Request r{"GET", target, {}, "", "127.0.0.1"};
    if (!cookie.empty()) r = WithSession(r, cookie);
    return router_.Handle(r);
  }
  // Opens a stream as the server would: the route's answer, handed a sink.
  std::shared_ptr<FakeSink> Open(const Request& request) {
    const Response res = router_.Handle(request);
    EXPECT_EQ(res.status, 200) << res.body;
    auto sink = std::make_shared<FakeSink>();
    if (res.stream) res.stream(sink);
    return sink;
  }
  std::shared_ptr<FakeSink> Open(const std::string& cookie) {
    return Open(WithSession(Make("GET", "/api/v1/events"), cookie));
  }
  static bool Ended(const FakeSink& sink) {
    return !sink.open() && sink.text.find("event: session.ended\n") != std::string::npos;
  }
  EventHub hub_;
};

TEST_F(EventRouteTest, LogoutEndsThatSessionsStreamsAtOnce) {
  std::string csrf;
  const std::string mine = Login("duty", &csrf);
  const std::string other_desk = Login("duty");  // the same user, another session
  auto tab1 = Open(mine);
  auto tab2 = Open(mine);
  auto other = Open(other_desk);
  const Response out = router_.Handle(WithSession(Make("POST", "/api/v1/logout"), mine, csrf));
  ASSERT_EQ(out.status, 200) << out.body;
  EXPECT_TRUE(Ended(*tab1));
  EXPECT_TRUE(Ended(*tab2));
  EXPECT_TRUE(other->open());
  EXPECT_EQ(hub_.subscribers(), 1u);
  hub_.Publish("ledger.updated", "", {{"reports", 1}});
  EXPECT_NE(other->text.find("event: ledger.updated"), std::string::npos);
  EXPECT_EQ(tab1->text.find("event: ledger.updated"), std::string::npos);
  EXPECT_EQ(Get("/api/v1/events", mine).status, 401) << "the page's reconnect is refused";
}

TEST_F(EventRouteTest, IdleExpiryEndsTheStreamAtTheNextHeartbeatButApiCallsKeepItAlive) {
  const std::string quiet_cookie = Login("duty");
  const std::string busy_cookie = Login("leader-a");
  auto quiet = Open(quiet_cookie);
  auto busy = Open(busy_cookie);
  const core::Millis idle = auth_.options().idle_timeout;
  clock_.Advance(idle - std::chrono::minutes{1});
  // The busy page refreshes its data through the API: that is activity.
  EXPECT_EQ(Get("/api/v1/deadlines", busy_cookie).status, 200);
  hub_.Heartbeat();
  EXPECT_TRUE(quiet->open());
  clock_.Advance(std::chrono::minutes{2});  // quiet: past the idle timeout; busy: 2 min
  EXPECT_TRUE(quiet->open()) << "nothing runs between heartbeats";
  hub_.Heartbeat();
  EXPECT_TRUE(Ended(*quiet));
  EXPECT_TRUE(busy->open());
  EXPECT_NE(busy->text.find(": heartbeat\n\n"), std::string::npos);
  EXPECT_EQ(Get("/api/v1/events", quiet_cookie).status, 401);

  // Heartbeats on the open stream are not activity: with no API call the busy page
  // too goes idle, one idle timeout after its last request.
  clock_.Advance(idle - std::chrono::minutes{3});
  hub_.Heartbeat();
  EXPECT_TRUE(busy->open());
  clock_.Advance(std::chrono::minutes{1});
  hub_.Heartbeat();
  EXPECT_TRUE(Ended(*busy));
}

TEST_F(EventRouteTest, AbsoluteExpiryEndsAnActiveSessionsStreamAtTheNextEvent) {
  const std::string cookie = Login("duty");
  auto sink = Open(cookie);
  const core::Instant expires = clock_.Now() + auth_.options().absolute_timeout;
  while (clock_.Now() + std::chrono::minutes{20} < expires) {
    clock_.Advance(std::chrono::minutes{20});
    ASSERT_EQ(Get("/api/v1/session", cookie).status, 200);  // busy all shift
  }
  hub_.Publish("ledger.updated", "", {{"reports", 1}});
  EXPECT_TRUE(sink->open());
  clock_.Set(expires);
  hub_.Publish("alert.opened", "a1", {{"id", "alert-a"}});
  EXPECT_TRUE(Ended(*sink));
  EXPECT_EQ(sink->text.find("alert-a"), std::string::npos) << "no event after the session ended";
}

TEST_F(EventRouteTest, DisablingTheUserOrChangingThePasswordEndsTheirStreams) {
  auto duty = Open(Login("duty"));
  auto leader = Open(Login("leader-a"));
  auto admin = Open(Login("admin"));
  EXPECT_EQ(auth_.SetPassword("duty", "a new long password"), std::nullopt);
  EXPECT_TRUE(Ended(*duty));
  EXPECT_TRUE(leader->open());
  EXPECT_EQ(auth_.DisableUser("leader-a"), std::nullopt);
  EXPECT_TRUE(Ended(*leader));
  EXPECT_TRUE(admin->open());
  EXPECT_EQ(hub_.subscribers(), 1u);
}

TEST_F(EventRouteTest, ApiTokenStreamsLastWhileTheTokenAuthenticates) {
  auto made = auth_.CreateToken("wallboard", "auditor", "");
  ASSERT_EQ(made.index(), 0u);
  Request r = Make("GET", "/api/v1/events");
  r.headers["authorization"] = "Bearer " + std::get<0>(made);
  auto sink = Open(r);
  clock_.Advance(auth_.options().absolute_timeout * 2);  // tokens have no session timeouts
  hub_.Heartbeat();
  EXPECT_TRUE(sink->open());
  EXPECT_NE(sink->text.find(": heartbeat"), std::string::npos);
}

TEST_F(EventRouteTest, NeedsASessionAndLeadersSeeOnlyTheirSubtree) {
  EXPECT_EQ(Get("/api/v1/events").status, 401);
  const Response res = Get("/api/v1/events", Login("leader-a"));
  ASSERT_EQ(res.status, 200);
  EXPECT_EQ(res.Header("Content-Type"), "text/event-stream; charset=utf-8");
  ASSERT_TRUE(res.stream);
  auto sink = std::make_shared<FakeSink>();
  res.stream(sink);
  hub_.Publish("alert.opened", "b1", {{"id", "alert-b"}});
  hub_.Publish("alert.opened", "a1", {{"id", "alert-a"}});
  hub_.Publish("ledger.updated", "", {{"reports", 1}});
  EXPECT_EQ(sink->text.find("alert-b"), std::string::npos);
  EXPECT_NE(sink->text.find("alert-a"), std::string::npos);
  EXPECT_NE(sink->text.find("ledger.updated"), std::string::npos);
}

// A sweep's many new alerts arrive as one bulk event: a leader's stream gets it when
// one of its schools is theirs, live and in a replay, and it names none of them.
TEST_F(EventRouteTest, ABulkEventReachesLeadersOfAnyOfItsSchoolsAndNamesNone) {
  ASSERT_EQ(auth_.AddUser("leader-b", "leader", "district-b", kPassword), std::nullopt);
  ASSERT_EQ(auth_.AddUser("leader-c", "leader", "district-c", kPassword), std::nullopt);
  auto leader_a = Open(Login("leader-a"));
  auto leader_c = Open(Login("leader-c"));
  auto duty = Open(Login("duty"));
  hub_.PublishBulk("alerts.opened", {"b1", "a1"},
                   {{"kind", "missing"}, {"requirement_id", "daily"}, {"window_id", "2026-10-03"}});
  EXPECT_NE(leader_a->text.find("event: alerts.opened\n"), std::string::npos)
      << "a1 lies in district A";
  EXPECT_NE(duty->text.find("event: alerts.opened\n"), std::string::npos);
  EXPECT_EQ(leader_c->text.find("alerts.opened"), std::string::npos)
      << "neither school lies in district C";
  for (const char* school : {"\"a1\"", "\"b1\""}) {
    EXPECT_EQ(leader_a->text.find(school), std::string::npos) << "schools filter, never sent";
  }
  // A page reconnecting with Last-Event-ID is replayed through the same filter.
  for (const auto& [user, expected] : {std::pair{"leader-b", true}, std::pair{"leader-c", false}}) {
    Request r = WithSession(Make("GET", "/api/v1/events"), Login(user));
    r.headers["last-event-id"] = "0";
    auto replayed = Open(r);
    EXPECT_EQ(replayed->text.find("event: alerts.opened\n") != std::string::npos, expected) << user;
  }
}

TEST_F(EventRouteTest, LastEventIdHeaderReplays) {
  hub_.Publish("alert.opened", "a1", {{"id", "first"}});
  hub_.Publish("alert.opened", "b1", {{"id", "second"}});
  Request r = WithSession({"GET", "/api/v1/events", {}, "", "127.0.0.1"}, Login("duty"));
  r.headers["last-event-id"] = "1";
  const Response res = router_.Handle(r);
  auto sink = std::make_shared<FakeSink>();
  res.stream(sink);
  EXPECT_EQ(sink->text.find("first"), std::string::npos);
  EXPECT_NE(sink->text.find("second"), std::string::npos);
}

TEST_F(EventRouteTest, ServesTheEmbeddedPageWithContentTypes) {
  const Response index = Get("/");
  ASSERT_EQ(index.status, 200);
  EXPECT_EQ(index.Header("Content-Type"), "text/html; charset=utf-8");
  EXPECT_NE(index.body.find("/static/app.js"), std::string::npos);
  const Response js = Get("/static/app.js");
  ASSERT_EQ(js.status, 200);
  EXPECT_EQ(js.Header("Content-Type"), "text/javascript; charset=utf-8");
  EXPECT_NE(js.body.find("EventSource"), std::string::npos);
  EXPECT_EQ(Get("/static/style.css").Header("Content-Type"), "text/css; charset=utf-8");
  EXPECT_EQ(Get("/static/nope.js").status, 404);
  EXPECT_EQ(Get("/static/..%2fsecret").status, 404);
}

TEST_F(EventRouteTest, StreamsOverARealSocket) {
  namespace beast = boost::beast;
  namespace http = beast::http;
  using tcp = boost::asio::ip::tcp;
  boost::asio::io_context io;
  HttpServerOptions options;
  options.port = 0;
  options.timeout = std::chrono::seconds{1};  // the shortest; the stream must outlast it
  HttpServer server(io, router_, options);
  server.Start();
  const std::string cookie = Login("duty");
  std::thread loop([&io] { io.run(); });

  boost::asio::io_context client_io;
  beast::tcp_stream stream(client_io);
  stream.connect(tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), server.port()));
  http::request<http::string_body> req{http::verb::get, "/api/v1/events", 11};
  req.set(http::field::host, "127.0.0.1");
  req.set(http::field::cookie, std::string(kSessionCookie) + "=" + cookie);
  http::write(stream, req);
  // Every read is bounded: a receive timeout on the socket (no wall-clock sleeping).
  timeval five_seconds{5, 0};
  ::setsockopt(stream.socket().native_handle(), SOL_SOCKET, SO_RCVTIMEO, &five_seconds,
               sizeof five_seconds);
  std::string got;
  auto read_until = [&](const std::string& needle) {
    char buf[1024];
    while (got.find(needle) == std::string::npos) {
      beast::error_code ec;
      const size_t n = stream.socket().read_some(boost::asio::buffer(buf), ec);
      if (ec) break;
      got.append(buf, n);
    }
    return got.find(needle) != std::string::npos;
  };
  ASSERT_TRUE(read_until("retry: 3000\n\n")) << got;
  EXPECT_NE(got.find("HTTP/1.1 200 OK\r\n"), std::string::npos);
  EXPECT_NE(got.find("Content-Type: text/event-stream"), std::string::npos);
  // A quiet stream is not a timed-out one: the event comes after the server's 1 s
  // read/write timeout (a regression: the stream's idle read used to expire with it).
  boost::asio::steady_timer later(io);
  boost::asio::post(io, [&] {
    later.expires_after(std::chrono::milliseconds{1500});
    later.async_wait([this](boost::system::error_code ec) {
      if (!ec) hub_.Publish("alert.opened", "a1", {{"id", "alert-a"}});
    });
  });
  ASSERT_TRUE(read_until("\"alert-a\"}\n\n")) << got;
  EXPECT_NE(got.find("event: alert.opened\n"), std::string::npos);

  beast::error_code ec;
  stream.socket().shutdown(tcp::socket::shutdown_both, ec);
  stream.socket().close(ec);
  boost::asio::post(io, [&] {
    hub_ = EventHub(100, 1);  // forgets the server's sink while the io_context lives
    server.Stop();
    io.stop();
  });
  loop.join();
}

}  // namespace
}  // namespace pingan::console
