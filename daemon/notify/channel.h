// Channel: one way of delivering a rendered notification (SMS gateway, SMTP, webhook),
// and the Dispatcher that picks the channel an outbox row is currently on.
//
// Send() performs ONE blocking attempt with bounded connect and total timeouts and
// reports the outcome as a core::DeliveryResult (delivered / transient / permanent, with
// a reason safe to show). It must run on a worker thread, never on the io_context
// thread. Implementations keep no per-call state: one instance may be used from several
// threads at once.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "daemon/core/delivery_policy.h"
#include "daemon/core/message_template.h"
#include "daemon/core/recipient.h"

namespace pingan::notify {

struct OutgoingMessage {
  core::ChannelKind channel = core::ChannelKind::kSms;
  core::Recipient recipient;
  std::string idempotency_key;    // core::IdempotencyKey(row)
  core::RenderedMessage content;  // all renderings; the channel picks its own
};

class Channel {
 public:
  virtual ~Channel() = default;
  virtual core::DeliveryResult Send(const OutgoingMessage& message) = 0;
};

// Routes a message to the channel registered for its ChannelKind. A kind without a
// channel is a permanent failure (the outbox then falls back to the next channel).
// Register everything before the first Send; Send itself is then thread-safe.
class Dispatcher final : public Channel {
 public:
  void Register(core::ChannelKind kind, std::shared_ptr<Channel> channel) {
    channels_[kind] = std::move(channel);
  }
  core::DeliveryResult Send(const OutgoingMessage& message) override {
    auto it = channels_.find(message.channel);
    if (it == channels_.end() || !it->second) {
      return core::DeliveryResult::Permanent(std::string(core::ChannelKindName(message.channel)) +
                                             " is not configured");
    }
    return it->second->Send(message);
  }

 private:
  std::map<core::ChannelKind, std::shared_ptr<Channel>> channels_;
};

}  // namespace pingan::notify
