// DpdkError and DpdkResult: how the DPDK layer reports a failure.
//
// Design note
// - A failed DPDK call is reported as a value naming what was attempted
//   (`op`, e.g. "rte_dev_probe"), on what (`subject`: the devargs, the pool
//   name, the EAL argv), the errno-style code DPDK returned (rte_errno or the
//   negated return value), and DPDK's own words: rte_strerror() of the code
//   plus the log lines DPDK printed during the call (the driver usually says
//   more there than the code does, e.g. "Couldn't open /x.pcap").
// - DpdkResult<T> holds either a T or a DpdkError; DpdkStatus
//   (DpdkResult<void>) holds nothing or a DpdkError.  Both are [[nodiscard]].
//   std::expected is C++23; this is the small subset the layer needs.
//
// Thread safety: value types.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace dpuflow::dataplane {

struct DpdkError {
  std::string op;       // the call or step that failed: "rte_eth_dev_configure"
  std::string subject;  // what it was applied to: devargs, pool name, argv
  int err = 0;          // positive errno-style code; 0 when not from DPDK
  std::string detail;   // DPDK's text: rte_strerror(err) and the driver's log lines

  // `rte_dev_probe "net_pcap0,rx_pcap=/x.pcap": Invalid argument
  //  (eth_pcap_probe(): Couldn't open /x.pcap: No such file or directory)`
  std::string to_string() const;
};

template <typename T>
class [[nodiscard]] DpdkResult {
 public:
  DpdkResult(T value) : v_(std::in_place_index<0>, std::move(value)) {}
  DpdkResult(DpdkError error) : v_(std::in_place_index<1>, std::move(error)) {}

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  const DpdkError& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, DpdkError> v_;
};

template <>
class [[nodiscard]] DpdkResult<void> {
 public:
  DpdkResult() = default;
  DpdkResult(DpdkError error) : e_(std::move(error)) {}

  bool ok() const { return !e_.has_value(); }
  explicit operator bool() const { return ok(); }
  const DpdkError& error() const { return *e_; }

 private:
  std::optional<DpdkError> e_;
};
using DpdkStatus = DpdkResult<void>;

}  // namespace dpuflow::dataplane
