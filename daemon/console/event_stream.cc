#include "daemon/console/event_stream.h"

#include <algorithm>

namespace pingan::console {

std::string FormatEvent(const Event& event) {
  std::string out;
  if (event.id != 0) out += "id: " + std::to_string(event.id) + "\n";
  out += "event: " + event.name + "\n";
  // json::dump escapes newlines, so the data is one line as SSE requires.
  out += "data: " + event.data.dump() + "\n\n";
  return out;
}

EventHub::EventHub(size_t capacity, uint64_t first_id)
    : capacity_(std::max<size_t>(capacity, 1)),
      first_id_(std::max<uint64_t>(first_id, 1)),
      next_id_(first_id_) {}

uint64_t EventHub::Publish(std::string name, std::string school_id, nlohmann::json data) {
  return Deliver({next_id_++, std::move(name), std::move(school_id), std::move(data)});
}

uint64_t EventHub::PublishBulk(std::string name, std::vector<std::string> school_ids,
                               nlohmann::json data) {
  return Deliver({next_id_++, std::move(name), "", std::move(data), std::move(school_ids)});
}

uint64_t EventHub::Deliver(Event event) {
  ring_.push_back(event);
  if (ring_.size() > capacity_) ring_.pop_front();
  const std::string text = FormatEvent(event);
  std::erase_if(subscribers_, [&](Subscriber& s) {
    if (Gone(s)) return true;
    if (s.filter && !s.filter(event)) return false;
    return !s.sink->Send(text);
  });
  return event.id;
}

std::optional<std::vector<Event>> EventHub::Since(uint64_t last_id) const {
  // Ids this hub never issued (an earlier run, or the future): the page cannot know
  // what it missed.
  if (last_id + 1 < first_id_ || last_id >= next_id_) return std::nullopt;
  const uint64_t oldest = ring_.empty() ? next_id_.load() : ring_.front().id;
  if (last_id + 1 < oldest) return std::nullopt;  // fell out of the ring
  std::vector<Event> out;
  for (const Event& e : ring_) {
    if (e.id > last_id) out.push_back(e);
  }
  return out;
}

void EventHub::Subscribe(std::shared_ptr<StreamSink> sink, Filter filter,
                         std::optional<uint64_t> last_id, StreamOwner owner) {
  // Tell the page how soon to reconnect, and start the body at once.
  if (!sink->Send("retry: 3000\n\n")) return;
  if (last_id) {
    auto missed = Since(*last_id);
    if (!missed) {
      Event reload{0, "reload", "", {{"reason", "missed events"}, {"last_id", this->last_id()}}};
      if (!sink->Send(FormatEvent(reload))) return;
    } else {
      for (const Event& e : *missed) {
        if (filter && !filter(e)) continue;
        if (!sink->Send(FormatEvent(e))) return;
      }
    }
  }
  subscribers_.push_back({std::move(sink), std::move(filter), std::move(owner)});
}

void EventHub::Heartbeat() {
  std::erase_if(subscribers_,
                [](Subscriber& s) { return Gone(s) || !s.sink->Send(": heartbeat\n\n"); });
}

void EventHub::EndStreamsOf(const std::string& credential) {
  if (credential.empty()) return;
  std::erase_if(subscribers_, [&credential](Subscriber& s) {
    if (s.owner.credential != credential) return false;
    End(s);
    return true;
  });
}

bool EventHub::Gone(Subscriber& s) {
  if (!s.sink->open()) return true;
  if (!s.owner.still_valid || s.owner.still_valid()) return false;
  End(s);
  return true;
}

void EventHub::End(Subscriber& s) {
  // A last word for the page, so that it can tell "signed out" from a network error.
  s.sink->Send(FormatEvent({0, "session.ended", "", nlohmann::json::object()}));
  s.sink->Close();
}

namespace {

std::optional<uint64_t> LastEventId(const RouteContext& c) {
  std::string text = c.request.Header("last-event-id");
  if (text.empty()) {
    auto it = c.query.find("last_event_id");
    if (it != c.query.end()) text = it->second;
  }
  if (text.empty()) return std::nullopt;
  try {
    size_t used = 0;
    const uint64_t id = std::stoull(text, &used);
    if (used == text.size()) return id;
  } catch (const std::exception&) {
  }
  return 0;  // unreadable: treated as "too old", the page reloads
}

}  // namespace

void RegisterEventRoute(Router& router, EventHub& hub, AuthService& auth,
                        std::function<bool(const std::string&, const std::string&)> in_subtree,
                        std::function<void(Executors::Job)> to_io) {
  auth.SetSessionEndedListener([&hub, to_io](const std::string& hash) {
    if (!to_io) return hub.EndStreamsOf(hash);
    to_io([&hub, hash] { hub.EndStreamsOf(hash); });
  });
  router.Add(
      {"GET", "/api/v1/events", Permission::kViewAlerts, false,
       [&hub, &auth, in_subtree](const RouteContext& c) {
         Response res;
         res.headers = {{"Content-Type", "text/event-stream; charset=utf-8"},
                        {"Cache-Control", "no-store"},
                        {"X-Accel-Buffering", "no"}};
         EventHub::Filter filter;
         if (c.principal->role == Role::kLeader) {
           filter = [in_subtree, scope = c.principal->scope](const Event& e) {
             if (!e.school_ids.empty()) {
               return std::any_of(e.school_ids.begin(), e.school_ids.end(),
                                  [&](const std::string& id) { return in_subtree(id, scope); });
             }
             return e.school_id.empty() || in_subtree(e.school_id, scope);
           };
         }
         StreamOwner owner{c.principal->Credential(),
                           [&auth, p = *c.principal] { return auth.StillValid(p); }};
         res.stream = [&hub, filter, owner, last = LastEventId(c)](std::shared_ptr<StreamSink> s) {
           hub.Subscribe(std::move(s), filter, last, owner);
         };
         return res;
       },
       Runs::kIo});
}

}  // namespace pingan::console
