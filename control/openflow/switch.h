// The switch side of OpenFlow: what a bridge answers to each message of an
// OpenFlow 1.3 / 1.5 session (ofproto/ofproto.c handle_openflow() is the
// behavioural reference), independent of sockets.
//
// Design note
// - One OfSwitch per bridge.  It owns the writer's side of the pipeline:
//   flow_mods, group_mods, meter_mods and TLV mods change a private staged
//   copy, which is published (PipelineVersions::publish) before anything on
//   this thread reads the state back (multipart, TLV request, bundle commit,
//   snapshot() for the control socket) and when the input has been idle for
//   a while (flush_if_older()).  A publication makes the next change to each
//   table clone that table, so publishing per flow_mod would be quadratic;
//   plain `ovs-ofctl add-flows` sends a barrier after every flow_mod.
// - A barrier therefore does not publish: no other thread reads the
//   pipeline yet, and every reader here sees the staged copy.  When the
//   datapath threads arrive (next milestone), barrier visibility needs a
//   versioned classifier (OVS-style rule versions) so that publishing is
//   O(change), not a per-table copy.
// - Per-connection state (negotiated version, miss_send_len, packet-in
//   format, open bundles) lives in an OfSession the connection owns; a
//   closed connection simply drops its session and its uncommitted bundles.
// - Every message gets OVS's answer: a reply, nothing, or an OFPT_ERROR
//   with the (type, code) OVS sends; an error never closes the session.
//   Bundles are atomic: COMMIT applies every message to a copy and publishes
//   it only if all succeed; otherwise it sends the failing message's error
//   and OFPBFC_MSG_FAILED, and nothing changes.
//
// Thread safety: single-threaded (the control thread).  Readers on other
// threads see only published pipeline versions.
#pragma once

#include <chrono>
#include <functional>
#include <string_view>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "control/openflow/ofp_flow.h"
#include "control/openflow/ofp_switch_msgs.h"
#include "dataplane/pipeline/pipeline.h"

namespace dpuflow::control {

// A decoded message that a bundle holds until commit.
struct BundledMsg {
  // The inner message, for its error reply: offset and length in the
  // bundle's arena (one allocation for the whole bundle, not one per message).
  size_t raw_ofs = 0;
  size_t raw_len = 0;
  std::optional<dataplane::FlowMod> flow_mod;
  std::optional<dataplane::GroupMod> group_mod;
};
struct Bundle {
  uint16_t flags = 0;
  bool closed = false;
  std::vector<BundledMsg> msgs;
  std::vector<uint8_t> arena;
};

struct OfSession {
  uint8_t version = 0;  // negotiated; 0 until HELLO
  uint16_t config_flags = 0;
  // Service (.mgmt) connections receive no asynchronous messages until they
  // set a miss_send_len (OVS connmgr: ofconn_receives_async_msg).
  uint16_t miss_send_len = 0;
  uint32_t packet_in_format = 0;  // 0 standard, 1 NXT_PACKET_IN, 2 NXT_PACKET_IN2
  uint16_t controller_id = 0;
  // OpenFlow 1.0 only: NXT_SET_FLOW_FORMAT and NXT_FLOW_MOD_TABLE_ID.
  uint32_t flow_format = 0;  // 0 OpenFlow 1.0 match, 2 NXM
  bool flow_mod_table_id = false;
  std::map<uint32_t, Bundle> bundles;
};

struct OfSwitchCounters {
  uint64_t messages = 0;
  uint64_t errors_sent = 0;
  uint64_t flow_mods = 0;
  uint64_t group_mods = 0;
  uint64_t meter_mods = 0;
  uint64_t bundles_committed = 0;
  uint64_t bundles_failed = 0;
  uint64_t packet_outs = 0;             // handed to the datapath
  uint64_t packet_outs_unexecuted = 0;  // no datapath attached
  uint64_t resumes = 0;
  uint64_t publications = 0;
};

// Where the switch reports what an operator may need to see (errors it
// sent and why, failed bundles); the daemon routes it to its log.
enum class OfLogLevel : uint8_t { kWarn, kInfo, kDbg };
using OfLogSink = std::function<void(OfLogLevel, std::string_view)>;

struct PacketOut;
struct Resume;
// Where decoded PACKET_OUTs and NXT_RESUMEs go to be run through the
// datapath (the daemon wires them); an error is sent back to the client.
using PacketOutHandler = std::function<std::optional<OfpError>(const PacketOut&)>;
using ResumeHandler = std::function<std::optional<OfpError>(const Resume&)>;

class OfSwitch {
 public:
  using Clock = std::chrono::steady_clock;

  OfSwitch(std::string bridge, uint64_t datapath_id, dataplane::PipelineVersions& versions);

  void set_packet_out_handler(PacketOutHandler h) { packet_out_handler_ = std::move(h); }
  // The bridge's datapath ports, for PORT_DESC and PORT_STATS (LOCAL is
  // always reported besides them).
  struct PortSource {
    std::function<std::vector<PortDesc>()> desc;
    std::function<std::vector<PortStats>()> stats;
  };
  void set_port_source(PortSource src) { port_source_ = std::move(src); }
  void set_resume_handler(ResumeHandler h) { resume_handler_ = std::move(h); }

  // The versions this switch offers in HELLO (bitmap, bit n = wire version n).
  // Tables reported in FEATURES and statistics (OVS: 255 minus its hidden one).
  static constexpr uint8_t kTablesReported = 254;
  static constexpr uint32_t kVersions = (1u << kOfp10) | (1u << kOfp13) | (1u << kOfp15);

  // Handles one complete message (header included) of `s`; appends what to
  // send back to `out`.  Returns false if the session must be closed (HELLO
  // negotiation failed).
  bool handle(OfSession& s, std::span<const uint8_t> msg,
              std::vector<std::vector<uint8_t>>& out);
  // Publishes staged changes, if any.
  void flush();
  // Publishes staged changes that are older than `max_age` (the owner's
  // loop calls it every round): a stream of flow_mods is published a few
  // times a second rather than after every read, since each publication
  // makes the next change to a table clone that table.
  void flush_if_older(Clock::duration max_age);
  void set_log(OfLogSink sink) { log_ = std::move(sink); }

  const std::string& bridge() const { return bridge_; }
  const OfSwitchCounters& counters() const { return counters_; }
  // The current state (staged changes published first).
  std::shared_ptr<const dataplane::Pipeline> snapshot() {
    flush();
    return versions_.load();
  }

 private:
  dataplane::Pipeline& staged();
  void error(OfSession& s, OfpError e, std::span<const uint8_t> msg,
             std::vector<std::vector<uint8_t>>& out);
  // OpenFlow 1.0 (plain ovs-ofctl): its own message numbers and Nicira
  // flow_mod / flow statistics.
  void handle10(OfSession& s, std::span<const uint8_t> msg,
                std::vector<std::vector<uint8_t>>& out);
  // A decoded 1.0 flow_mod (or its decode error) applied to the staged copy.
  void apply_flow_mod(OfSession& s, std::span<const uint8_t> msg,
                      std::optional<dataplane::FlowMod> fm, const WireError& decode_error,
                      std::vector<std::vector<uint8_t>>& out);
  void stats10(OfSession& s, std::span<const uint8_t> msg,
               std::vector<std::vector<uint8_t>>& out);
  std::vector<FlowStats> flow_stats(const std::vector<dataplane::RulePtr>& rules) const;
  PortDesc local_port() const;
  void multipart(OfSession& s, std::span<const uint8_t> msg,
                 std::vector<std::vector<uint8_t>>& out);
  void packet_out(OfSession& s, std::span<const uint8_t> msg,
                  std::vector<std::vector<uint8_t>>& out);
  void experimenter(OfSession& s, std::span<const uint8_t> msg,
                    std::vector<std::vector<uint8_t>>& out);
  void bundle_control(OfSession& s, std::span<const uint8_t> msg,
                      std::vector<std::vector<uint8_t>>& out);
  void bundle_add(OfSession& s, std::span<const uint8_t> msg,
                  std::vector<std::vector<uint8_t>>& out);
  // Decodes a bundleable message (FLOW_MOD, GROUP_MOD) into `m`.
  std::optional<OfpError> decode_bundled(std::span<const uint8_t> inner, BundledMsg& m);
  // Applies `m` to `p`; `consume` moves the flow_mod's rule into `p`.
  std::optional<OfpError> apply(dataplane::Pipeline& p, BundledMsg& m, bool consume = false);
  int64_t now_ms() const;

  std::string bridge_;
  uint64_t datapath_id_;
  dataplane::PipelineVersions& versions_;
  PacketOutHandler packet_out_handler_;
  PortSource port_source_;
  // Every port, LOCAL first, and their stats (filtered to `port` unless it
  // is OFPP_ANY/NONE).
  std::vector<PortDesc> all_port_descs() const;
  std::vector<PortStats> all_port_stats(uint32_t port) const;
  ResumeHandler resume_handler_;
  std::optional<dataplane::Pipeline> staged_;
  Clock::time_point staged_since_{};
  Clock::time_point start_ = Clock::now();
  OfSwitchCounters counters_;
  OfLogSink log_;
};

// The OpenFlow error for a pipeline refusal.
OfpError to_ofp_error(dataplane::OfpErr e);

}  // namespace dpuflow::control
