// Internal to xlate*.cc: the translation context.  Not a public header.
#pragma once

#include <string>
#include <vector>

#include "dataplane/flow/field.h"
#include "dataplane/flow/subfield.h"
#include "dataplane/flow/tlv_map.h"
#include "dataplane/pipeline/xlate.h"

namespace dpuflow::dataplane {

// What xlate needs from the pipeline (pipeline_access.cc).
const Rule* pipeline_lookup(const Pipeline& p, uint8_t table, const FlowKey& flow, FlowMask* wc);
const GroupSpec* pipeline_group(const Pipeline& p, uint32_t group_id);
const TlvMap& pipeline_tlv(const Pipeline& p);
// The datapath meter id of OpenFlow meter `meter_id`, or kMeterNone.
uint32_t pipeline_meter_provider_id(const Pipeline& p, uint32_t meter_id);

// OVS's select-group hash table (xlate_groups.cc).
bool build_dp_hash_table(const GroupSpec& g, size_t max_hash, std::vector<const Bucket*>& map);

struct XlateCtx {
  XlateCtx(const XlateIn& in, XlateOut& out);

  const XlateIn& in;
  XlateOut& out;
  FlowKey flow;
  FlowKey base;           // what the datapath actions emitted so far produce
  FlowMask& wc;
  DpActions* odp;         // where actions go (nested lists for clone etc.)
  std::vector<FieldValue> stack;
  int depth = 0;
  int resubmits = 0;
  uint8_t table_id = 0;
  const Rule* rule = nullptr;
  uint64_t rule_cookie = UINT64_MAX;
  bool exit = false;
  bool freezing = false;
  bool recirc_update_dp_hash = false;
  uint32_t dp_hash_alg = 0;
  uint32_t dp_hash_basis = 0;
  ActionList frozen_actions;
  const ActController* pause = nullptr;
  bool conntracked = false;
  bool in_packet_out = false;

  const ResolvedField resolve(FieldId id) const;
  void note(const std::string& s);
  void note_subfield_value(const Subfield& sf, const FieldValue& v);
  void fail(const std::string& why);
  void commit();
  DpAction& emit(DpActionType t);
  void mask_subfield_wc(const Subfield& sf);
  void mark_tun_metadata_present(FieldId id);
  void set_tun_metadata_present(FieldId id);

  void trigger_freeze();
  void unroll(const ActionList& acts, size_t from);
  uint32_t finish_freezing_at(uint8_t table);
  void finish_freezing();
  void cancel_freeze();

  bool resource_check();
  void do_actions(const ActionList& acts, bool is_last_action, bool group_bucket = false);
  void table_action(uint16_t in_port, uint8_t table, bool with_ct_orig, bool last);
  void output_action(uint16_t port, uint16_t max_len, bool last, bool group_bucket);
  void flood(bool last);
  void compose_output(uint16_t of_port, bool last);
  void patch_output(const XlatePort& port);
  void tunnel_output(const XlatePort& port, bool last);
  std::vector<uint8_t> build_tunnel_header(const TunnelPortConfig& cfg) const;
  void controller(uint16_t max_len, uint8_t reason, uint16_t controller_id, uint32_t meter_id,
                  const std::vector<uint8_t>& userdata);
  void clear_conntrack();
  void conntrack(const ActCt& ct, bool last);
  void group_bucket(const Bucket& b, bool last);
  bool group_action(uint32_t group_id, bool last);
  const Bucket* select_dp_hash_bucket(const GroupSpec& g);
  const Bucket* select_hash_bucket(const GroupSpec& g);
  void clone(const ActionList& acts, bool last);
  void check_pkt_larger(const ActCheckPktLarger& c, const ActionList& acts, size_t rest);
  void learn(const ActLearn& l);
};

}  // namespace dpuflow::dataplane
