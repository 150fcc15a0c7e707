#include "dataplane/datapath/dpdk/dpdk_error.h"

namespace dpuflow::dataplane {

std::string DpdkError::to_string() const {
  std::string s = op;
  if (!subject.empty()) s += " \"" + subject + "\"";
  if (!detail.empty()) s += ": " + detail;
  return s;
}

}  // namespace dpuflow::dataplane
