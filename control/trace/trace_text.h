// Text for ofproto/trace output: an XlateTracer that renders the table
// walk the way OVS does (table number, matched rule, its actions, details),
// and the Flow:/Megaflow: lines.
#pragma once

#include <string>

#include "dataplane/flow/flow_key.h"
#include "dataplane/pipeline/xlate.h"

namespace dpuflow::control {

class TextTracer final : public dataplane::XlateTracer {
 public:
  explicit TextTracer(const dataplane::Pipeline& p) : pipeline_(p) {}
  void on_table(int depth, uint8_t table, const dataplane::Rule* rule) override;
  void on_action(int depth, const dataplane::Action& action) override;
  void on_note(int depth, const std::string& text) override;
  void on_thaw(uint8_t table) override;
  const std::string& text() const { return text_; }

 private:
  std::string indent(int depth) const { return std::string(4 * depth, ' '); }
  const dataplane::Pipeline& pipeline_;
  std::string text_;
};

// "Flow:" line: the packet's flow as OVS's flow_format prints it.
std::string format_trace_flow(const dataplane::FlowKey& flow, const dataplane::Pipeline& p);
// "Megaflow:" line.
std::string format_trace_megaflow(const dataplane::FlowKey& flow, const dataplane::FlowMask& wc,
                                  const dataplane::Pipeline& p);

}  // namespace dpuflow::control
