// The eal suite's one EAL per test process: main() starts it once through a
// gtest Environment, with no hugepages, no PCI scan, no files under
// /var/run/dpdk (--no-shconf, what in_memory means without hugepages), so
// parallel test processes do not collide.
// Tests make their files under a per-process temporary directory.
#pragma once

#include <string>

#include "dataplane/datapath/dpdk/eal.h"

namespace dpuflow::test {

// The config the environment started the EAL with.
const dataplane::EalConfig& eal_test_config();
// A directory of this process, removed at exit; `name` is joined to it.
std::string eal_test_path(const std::string& name);

}  // namespace dpuflow::test
