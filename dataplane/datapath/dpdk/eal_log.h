// A tap on DPDK's log, so errors can quote what DPDK printed (internal to
// dataplane/datapath/dpdk/).
//
// Design note
// - install() points rte_openlog_stream at a stdio cookie stream that
//   still writes every line to stderr and keeps the last kKeep lines, each
//   numbered.  A caller takes mark() before a DPDK call and, when the call
//   fails, since(mark) returns the lines printed meanwhile.  Lines printed
//   by other threads in that window are included too: good enough for
//   control-path errors, which are rare and serialized.
// - dpdk_error() builds the DpdkError of a failed call: rte_strerror(err)
//   plus those lines.
//
// Thread safety: the tap is process-wide (DPDK's log stream is) and takes a
// mutex per log line; DPDK does not log per packet.
#pragma once

#include <cstdint>
#include <string>

#include "dataplane/datapath/dpdk/dpdk_error.h"

namespace dpuflow::dataplane::dpdk_log {

inline constexpr size_t kKeep = 32;

// Idempotent; before rte_eal_init so the EAL's own complaints are kept.
void install();
uint64_t mark();
// The lines logged after `mark`, the last few joined with "; ".
std::string since(uint64_t mark);

}  // namespace dpuflow::dataplane::dpdk_log

namespace dpuflow::dataplane {

// `err` is positive (rte_errno, or -ret of a DPDK call).
DpdkError dpdk_error(std::string op, std::string subject, int err, uint64_t log_mark);

}  // namespace dpuflow::dataplane
