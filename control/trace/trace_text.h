// Text for ofproto/trace output: an XlateTracer that renders the table
// walk the way OVS does (table number, matched rule, its actions, details),
// and the Flow:/Megaflow: lines.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "dataplane/flow/flow_key.h"
#include "dataplane/pipeline/xlate.h"

namespace dpuflow::control {

// Renders the walk as OVS's ofproto/trace does: a tree of table, action
// and detail nodes, where a resubmit's table nests under the rule that
// resubmitted unless it was that rule's last action (OVS prints such tail
// calls at the same level).
class TextTracer final : public dataplane::XlateTracer {
 public:
  explicit TextTracer(const dataplane::Pipeline& p);
  ~TextTracer() override;
  void on_table(int depth, uint8_t table, const dataplane::Rule* rule) override;
  void on_action(int depth, const dataplane::Action& action) override;
  void on_note(int depth, const std::string& text) override;
  void on_thaw(uint8_t table) override;
  void on_table_done() override;
  void on_normal_bridge(const std::string& bridge) override;
  // The rendered walk (rendered on each call).
  std::string text() const;

 private:
  struct Node;
  using NodeList = std::vector<std::unique_ptr<Node>>;
  Node& add(int type, std::string text);
  const dataplane::Pipeline& pipeline_;
  std::unique_ptr<NodeList> root_;
  std::vector<NodeList*> stack_;  // the list new nodes go to is back()
};

// "Flow:" line: the packet's flow as OVS's flow_format prints it.
std::string format_trace_flow(const dataplane::FlowKey& flow, const dataplane::Pipeline& p);
// "Megaflow:" line.
std::string format_trace_megaflow(const dataplane::FlowKey& flow, const dataplane::FlowMask& wc,
                                  const dataplane::Pipeline& p);

}  // namespace dpuflow::control
