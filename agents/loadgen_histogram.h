// LatencyHistogram: ack latencies in microseconds, in log-linear buckets (64 per power
// of two, so a percentile is off by at most 1/64 ≈ 1.6 %), exact below 128 µs, with the
// exact maximum kept aside. Workers fill their own and the totals are merged (also
// across processes, through ToJson/FromJson). A value; not thread-safe.
#pragma once

#include <cstdint>
#include <vector>

#include <nlohmann/json.hpp>

namespace pingan::agent::loadgen {

class LatencyHistogram {
 public:
  void Record(int64_t micros);
  void Merge(const LatencyHistogram& other);

  uint64_t count() const { return count_; }
  int64_t max() const { return max_; }
  double mean() const;
  // The smallest recorded value v (to bucket precision) such that at least a share
  // `q` (0 < q <= 1) of all values are <= v; 0 when empty. Never above max().
  int64_t Percentile(double q) const;

  nlohmann::json ToJson() const;
  static LatencyHistogram FromJson(const nlohmann::json& json);

  // Bucket arithmetic, public for tests.
  static size_t BucketOf(int64_t micros);
  static int64_t BucketUpper(size_t bucket);  // largest value that falls in `bucket`

 private:
  std::vector<uint64_t> buckets_;
  uint64_t count_ = 0;
  int64_t max_ = 0;
  long double sum_ = 0;
};

}  // namespace pingan::agent::loadgen
