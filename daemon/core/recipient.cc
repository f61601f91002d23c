#include "daemon/core/recipient.h"

#include <algorithm>

namespace pingan::core {

std::string_view ChannelKindName(ChannelKind kind) {
  switch (kind) {
    case ChannelKind::kSms:
      return "sms";
    case ChannelKind::kEmail:
      return "email";
    case ChannelKind::kWebhook:
      return "webhook";
  }
  return "unknown";
}

std::optional<ChannelKind> ParseChannelKind(std::string_view name) {
  for (auto k : {ChannelKind::kSms, ChannelKind::kEmail, ChannelKind::kWebhook}) {
    if (ChannelKindName(k) == name) return k;
  }
  return std::nullopt;
}

std::string RecipientKey(const Recipient& r) {
  if (!r.phone.empty()) return "tel:" + r.phone;
  if (!r.email.empty()) return "mailto:" + r.email;
  if (!r.webhook.empty()) return "hook:" + r.webhook;
  return "name:" + r.name;
}

bool HasAddress(const Recipient& r, ChannelKind kind) {
  switch (kind) {
    case ChannelKind::kSms:
      return !r.phone.empty();
    case ChannelKind::kEmail:
      return !r.email.empty();
    case ChannelKind::kWebhook:
      return !r.webhook.empty();
  }
  return false;
}

std::vector<ChannelKind> UsableChannels(const Recipient& r,
                                        const std::vector<ChannelKind>& preferred) {
  std::vector<ChannelKind> out;
  for (ChannelKind k : preferred) {
    if (HasAddress(r, k) && std::find(out.begin(), out.end(), k) == out.end()) out.push_back(k);
  }
  return out;
}

}  // namespace pingan::core
