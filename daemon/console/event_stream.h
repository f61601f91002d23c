// EventHub: the live-update feed of the duty console (GET /api/v1/events, Server-Sent
// Events). The daemon publishes small events (alert.opened, alert.updated,
// ledger.updated) with increasing ids; the hub keeps the last `capacity` of them in a
// ring so that a page reconnecting with `Last-Event-ID` misses nothing, and forwards
// each new event to the open streams whose filter accepts it (leaders: their subtree).
// When a page's last id is older than the ring (or from an earlier daemon run), it gets
// one `reload` event instead. Slow peers are the server's business: a sink whose
// queue overflows answers false and is dropped here.
// Threading: io thread only (publishers post onto it), like the Router.
#pragma once

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
};

// "id: 7\nevent: alert.opened\ndata: {...}\n\n"
std::string FormatEvent(const Event& event);

class EventHub {
 public:
  using Filter = std::function<bool(const Event&)>;

  // `first_id`: the id of the first event; the daemon uses its start time in ms so that
  // ids of an earlier run are recognised as foreign (they are smaller than the ring).
  explicit EventHub(size_t capacity = 1000, uint64_t first_id = 1);

  // Stores the event in the ring and sends it to every matching stream. Returns its id.
  uint64_t Publish(std::string name, std::string school_id, nlohmann::json data);

  // Events after `last_id`, oldest first; nullopt when some of them are no longer in
  // the ring or `last_id` was never issued by this hub (the page must reload).
  std::optional<std::vector<Event>> Since(uint64_t last_id) const;

  // Opens a stream: replays what the page missed (or a reload event), then forwards
  // matching events until the sink closes. `last_id` nullopt: a fresh page, no replay.
  void Subscribe(std::shared_ptr<StreamSink> sink, Filter filter, std::optional<uint64_t> last_id);

  // Sends an SSE comment to every stream (keeps proxies and the page's timer happy);
  // drops closed streams.
  void Heartbeat();

  size_t subscribers() const { return subscribers_.size(); }
  uint64_t last_id() const { return next_id_ - 1; }

 private:
  struct Subscriber {
    std::shared_ptr<StreamSink> sink;
    Filter filter;
  };

  size_t capacity_;
  uint64_t first_id_;
  uint64_t next_id_;
  std::deque<Event> ring_;
  std::vector<Subscriber> subscribers_;
};

// Registers GET /api/v1/events (permission kViewAlerts). Leaders get only events of
// schools inside their scope (`in_subtree(unit, scope)`) plus events tied to no school.
// The hub outlives the router.
void RegisterEventRoute(Router& router, EventHub& hub,
                        std::function<bool(const std::string&, const std::string&)> in_subtree);

}  // namespace pingan::console
