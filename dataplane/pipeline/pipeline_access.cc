// What xlate needs from the Pipeline (declared in xlate_internal.h).
#include "dataplane/pipeline/pipeline.h"
#include "dataplane/pipeline/xlate_internal.h"

namespace dpuflow::dataplane {

const Rule* pipeline_lookup(const Pipeline& p, uint8_t table, const FlowKey& flow, FlowMask* wc) {
  return p.lookup(table, flow, wc);
}
const GroupSpec* pipeline_group(const Pipeline& p, uint32_t group_id) { return p.group(group_id); }
const TlvMap& pipeline_tlv(const Pipeline& p) { return p.tlv_map(); }
uint32_t pipeline_meter_provider_id(const Pipeline& p, uint32_t meter_id) {
  return p.meter_provider_id(meter_id);
}

}  // namespace dpuflow::dataplane
