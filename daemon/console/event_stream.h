// EventHub: the live-update feed of the duty console (GET /api/v1/events, Server-Sent
// Events). The daemon publishes small events (alert.opened, alert.updated,
// ledger.updated; alerts.opened for many new alerts at once) with increasing ids; the
// hub keeps the last `capacity` of them in a ring so that a page reconnecting with
// `Last-Event-ID` misses nothing, and forwards each new event to the open streams whose
// filter accepts it (leaders: their subtree). When a page's last id is older than the
// ring (or from an earlier daemon run), it gets one `reload` event instead. Slow peers
// are the server's business: a sink whose queue overflows answers false and is dropped
// here.
//
// A stream lives no longer than the session that opened it. Each subscriber carries a
// `still_valid` check (AuthService::StillValid, which does not refresh the idle
// timer), asked before every event and every heartbeat (15 s in the daemon), and the
// session's hash: logout, disabling the user and changing the password end the
// session's streams at once (AuthService's session-ended listener -> EndStreamsOf),
// idle and absolute expiry at the next event or heartbeat. An ended stream gets one
// last `session.ended` event, then the server closes it; the page's reconnect then
// meets 401. API-token streams end once the token no longer authenticates.
// What counts as activity: every API request with the cookie (the Router's lookup
// refreshes the idle timer), not the open stream. The console page calls the API
// whenever an event arrives, so a page left open in the duty room stays signed in
// while anything happens; after `session_idle_minutes` of total quiet it is signed
// out, and after `session_absolute_hours` in any case (the duty officer signs in
// again at the next shift).
// Threading: io thread only (publishers post onto it), like the Router.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "daemon/console/http_types.h"
#include "daemon/console/router.h"

namespace pingan::console {

struct Event {
  uint64_t id = 0;
  std::string name;       // "alert.opened", "alert.updated", "ledger.updated", "reload"
  std::string school_id;  // empty: not tied to one school (sent to every viewer)
  nlohmann::json data;    // never holds protected incident text
  // A bulk event's schools ("alerts.opened": one event for many alerts): a leader's
  // stream gets it when any of them lies in the leader's subtree. Used for filtering
  // only, never sent, so that a leader learns nothing of other districts' schools.
  std::vector<std::string> school_ids{};
};

// "id: 7\nevent: alert.opened\ndata: {...}\n\n"
std::string FormatEvent(const Event& event);

// Who a stream belongs to: what ends it.
struct StreamOwner {
  std::string credential;             // the session (or token) hash; "" = tied to nothing
  std::function<bool()> still_valid;  // null: always
};

class EventHub {
 public:
  using Filter = std::function<bool(const Event&)>;

  // `first_id`: the id of the first event; the daemon uses its start time in ms so that
  // ids of an earlier run are recognised as foreign (they are smaller than the ring).
  explicit EventHub(size_t capacity = 1000, uint64_t first_id = 1);
  // Moving is for set-up and tests, never while another thread reads last_id().
  EventHub(EventHub&& other) noexcept { *this = std::move(other); }
  EventHub& operator=(EventHub&& other) noexcept {
    capacity_ = other.capacity_;
    first_id_ = other.first_id_;
    next_id_ = other.next_id_.load();
    ring_ = std::move(other.ring_);
    subscribers_ = std::move(other.subscribers_);
    return *this;
  }

  // Stores the event in the ring and sends it to every matching stream. Returns its id.
  uint64_t Publish(std::string name, std::string school_id, nlohmann::json data);
  // The same for a bulk event concerning many schools (see Event::school_ids).
  uint64_t PublishBulk(std::string name, std::vector<std::string> school_ids, nlohmann::json data);

  // Events after `last_id`, oldest first; nullopt when some of them are no longer in
  // the ring or `last_id` was never issued by this hub (the page must reload).
  std::optional<std::vector<Event>> Since(uint64_t last_id) const;

  // Opens a stream: replays what the page missed (or a reload event), then forwards
  // matching events until the sink closes. `last_id` nullopt: a fresh page, no replay.
  void Subscribe(std::shared_ptr<StreamSink> sink, Filter filter, std::optional<uint64_t> last_id,
                 StreamOwner owner = {});

  // Sends an SSE comment to every stream (keeps proxies and the page's timer happy);
  // drops closed streams and ends those whose owner is no longer valid.
  void Heartbeat();

  // Ends every stream of `credential` now (its session ended).
  void EndStreamsOf(const std::string& credential);

  size_t subscribers() const { return subscribers_.size(); }
  // Any thread (the read pool reads it for the data version).
  uint64_t last_id() const { return next_id_.load() - 1; }

 private:
  struct Subscriber {
    std::shared_ptr<StreamSink> sink;
    Filter filter;
    StreamOwner owner;
  };
  // Rings `event` and hands it to every matching stream.
  uint64_t Deliver(Event event);
  // True when `s` is to be forgotten: closed, or ended here because its owner expired.
  static bool Gone(Subscriber& s);
  static void End(Subscriber& s);

  size_t capacity_ = 0;
  uint64_t first_id_ = 1;
  std::atomic<uint64_t> next_id_{1};
  std::deque<Event> ring_;
  std::vector<Subscriber> subscribers_;
};

// Registers GET /api/v1/events (permission kViewAlerts). Leaders get only events of
// schools inside their scope (`in_subtree(unit, scope)`; bulk events: of any of their
// schools) plus events tied to no school.
// Each stream is owned by the caller's session or token (see above); this also sets
// `auth`'s session-ended listener to the hub. Sessions end on whatever thread changed
// them (a login or a user command on a worker); `to_io` brings the hub's part to the
// io thread (null: call at once, for single-threaded tests). The hub and `auth`
// outlive the router.
void RegisterEventRoute(Router& router, EventHub& hub, AuthService& auth,
                        std::function<bool(const std::string&, const std::string&)> in_subtree,
                        std::function<void(Executors::Job)> to_io = nullptr);

}  // namespace pingan::console
