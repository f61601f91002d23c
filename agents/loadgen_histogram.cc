#include "agents/loadgen_histogram.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace pingan::agent::loadgen {
namespace {

constexpr int kSubBits = 6;
constexpr int64_t kSub = int64_t{1} << kSubBits;  // buckets per power of two
constexpr int64_t kExact = 2 * kSub;              // values below this have their own bucket
constexpr int64_t kLargest = int64_t{1} << 40;    // ~12 days; larger values are clamped

}  // namespace

size_t LatencyHistogram::BucketOf(int64_t micros) {
  const auto v = static_cast<uint64_t>(std::clamp<int64_t>(micros, 0, kLargest));
  if (v < static_cast<uint64_t>(kExact)) return v;
  const int shift = std::bit_width(v) - 1 - kSubBits;  // v >> shift lies in [64, 128)
  return static_cast<size_t>(shift * kSub + static_cast<int64_t>(v >> shift));
}

int64_t LatencyHistogram::BucketUpper(size_t bucket) {
  const auto b = static_cast<int64_t>(bucket);
  if (b < kExact) return b;
  const int64_t shift = b / kSub - 1;
  const int64_t mantissa = b % kSub + kSub;
  return ((mantissa + 1) << shift) - 1;
}

void LatencyHistogram::Record(int64_t micros) {
  const size_t b = BucketOf(micros);
  if (b >= buckets_.size()) buckets_.resize(b + 1, 0);
  ++buckets_[b];
  ++count_;
  max_ = std::max(max_, std::max<int64_t>(micros, 0));
  sum_ += static_cast<long double>(std::max<int64_t>(micros, 0));
}

void LatencyHistogram::Merge(const LatencyHistogram& other) {
  if (other.buckets_.size() > buckets_.size()) buckets_.resize(other.buckets_.size(), 0);
  for (size_t i = 0; i < other.buckets_.size(); ++i) buckets_[i] += other.buckets_[i];
  count_ += other.count_;
  max_ = std::max(max_, other.max_);
  sum_ += other.sum_;
}

double LatencyHistogram::mean() const {
  return count_ == 0 ? 0.0 : static_cast<double>(sum_ / static_cast<long double>(count_));
}

int64_t LatencyHistogram::Percentile(double q) const {
  if (count_ == 0) return 0;
  const auto rank = std::max<uint64_t>(
      1, static_cast<uint64_t>(std::ceil(std::clamp(q, 0.0, 1.0) * static_cast<double>(count_))));
  uint64_t seen = 0;
  for (size_t b = 0; b < buckets_.size(); ++b) {
    seen += buckets_[b];
    if (seen >= rank) return std::min(BucketUpper(b), max_);
  }
  return max_;
}

nlohmann::json LatencyHistogram::ToJson() const {
  nlohmann::json buckets = nlohmann::json::array();
  for (size_t b = 0; b < buckets_.size(); ++b) {
    if (buckets_[b] > 0) buckets.push_back({b, buckets_[b]});
  }
  return {{"buckets", buckets}, {"max", max_}, {"sum", static_cast<double>(sum_)}};
}

LatencyHistogram LatencyHistogram::FromJson(const nlohmann::json& json) {
  LatencyHistogram h;
  for (const auto& pair : json.at("buckets")) {
    const auto b = pair.at(0).get<size_t>();
    const auto n = pair.at(1).get<uint64_t>();
    if (b >= h.buckets_.size()) h.buckets_.resize(b + 1, 0);
    h.buckets_[b] += n;
    h.count_ += n;
  }
  h.max_ = json.at("max").get<int64_t>();
  h.sum_ = json.at("sum").get<double>();
  return h;
}

}  // namespace pingan::agent::loadgen
