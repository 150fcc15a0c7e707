// xlate: translation of a packet's flow through the OpenFlow pipeline into
// datapath actions (dp_actions.h) and a megaflow mask, with OVS 3.1's
// semantics (ofproto-dpif-xlate is the reference for behaviour).
//
// Design note
// - One call translates one "pass": from table 0 (or, when thawing a
//   recirculation, from the frozen table) until the pipeline ends, a freeze
//   (ct(table=N) fork, dp_hash selection, paused controller action) or an
//   error.  Conntrack forks are listed in XlateOut::ct_forks so a caller
//   (the datapath, or the offline trace) can continue each one.
// - The megaflow mask (`wc`) un-wildcards exactly what OVS would: the
//   classifier's staged/trie wildcards for every lookup, prerequisites and
//   fields read or written by actions, the always-examined fields
//   (recirc_id, in_port, dl_type, nw_frag, packet_type), and set fields
//   committed to the datapath.  Non-packet fields (metadata, registers,
//   conj_id, actset_output) are cleared at the end, as OVS does.
// - Changes to packet fields are accumulated in `flow` and committed as
//   set/push/pop datapath actions (commit.h) right before an action that
//   needs the packet as modified (output, ct, recirc, controller, ...).
//
// Thread safety: xlate() reads the pipeline, ports and (when thawing) the
// recirc table, and writes only its output and the recirc table (which the
// caller must not share across threads without a lock).  No allocation is
// needed per table hop; the output vectors grow as actions are emitted.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "dataplane/flow/flow_key.h"
#include "dataplane/odp/dp_actions.h"
#include "dataplane/pipeline/action.h"
#include "dataplane/pipeline/ports.h"
#include "dataplane/pipeline/recirc.h"
#include "dataplane/pipeline/rule.h"

namespace dpuflow::dataplane {

class Pipeline;

// Optional observer of a translation, for ofproto/trace-style output.  Slow
// path only: calls are virtual and may allocate.
class XlateTracer {
 public:
  virtual ~XlateTracer() = default;
  // A table lookup (rule null: no match).  `depth` is the resubmit depth.
  virtual void on_table(int depth, uint8_t table, const Rule* rule) = 0;
  // About to execute an action of the current rule (or frozen actions).
  virtual void on_action(int depth, const Action& action) = 0;
  // A free-form detail line ("-> NXM_NX_REG15[] is now 0x1", warnings).
  virtual void on_note(int depth, const std::string& text) = 0;
  // Thawing: resuming from `table`.
  virtual void on_thaw(uint8_t table) = 0;
  // The actions of the rule found by the last on_table() are done (a
  // tracer that nests its output as OVS does closes the table here).
  virtual void on_table_done() {}
  // The packet crossed into `bridge`, whose only flow is NORMAL with an
  // empty MAC table (a provider or underlay bridge): it floods.
  virtual void on_normal_bridge(const std::string& /*bridge*/) {}
};

// Why the datapath cannot execute a translation by itself (OVS's
// slow_path_reason): informational, the actions are still exact.
enum SlowReason : uint32_t {
  kSlowAction = 1 << 0,     // "Uses action(s) not supported by datapath."
  kSlowController = 1 << 1,
};

struct CtFork {
  uint32_t recirc_id = 0;
  uint16_t zone = 0;
  FlowKey flow{};        // the packet's flow at the fork (after committed sets)
  bool has_nat = false;    // the ct() had a nat (a trace reports it)
  bool nat_range = false;  // nat(src=...|dst=...) with an address: a trace simulates it
  ActNat nat_action;
};

struct XlateIn {
  const Pipeline* pipeline = nullptr;
  const PortTable* ports = nullptr;
  RecircTable* recirc = nullptr;
  FlowKey flow{};
  // Thawing a recirculation: the frozen state of flow.recirc_id.
  const FrozenState* frozen = nullptr;
  // Executing side effects (packet-ins, learn): false for traces.
  bool allow_side_effects = false;
  // Packet length, when a real packet is translated (check_pkt_larger on a
  // datapath without check_pkt_len; informational otherwise).
  uint32_t packet_len = 0;
  XlateTracer* tracer = nullptr;
};

struct XlateOut {
  DpActions actions;
  FlowMask wc{};
  FlowKey final_flow{};
  uint32_t slow = 0;
  std::vector<CtFork> ct_forks;
  std::string error;       // non-empty: translation failed; actions are empty (drop)
};

// Translates one pass.  See the design note.
XlateOut xlate(const XlateIn& in);

}  // namespace dpuflow::dataplane
