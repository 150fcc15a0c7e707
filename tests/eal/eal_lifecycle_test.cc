// The EAL's life in one process: a refused argv (in a child), a start, an
// idempotent second start, cleanup, and the refusal to start again.  Its
// own executable: every other eal test shares one EAL started by
// eal_main.cc.
#include <gtest/gtest.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>

#include "dataplane/datapath/dpdk/eal.h"

namespace dpuflow::dataplane {
namespace {

EalConfig test_config() {
  EalConfig c;
  c.program = "dpuflow_eal_lifecycle_test";
  c.no_huge = true;
  c.memory_mb = 64;
  c.extra_args = {"--no-pci", "--no-telemetry"};
  return c;
}

// DPDK keeps what it parsed from a failed rte_eal_init, so the failure runs
// in a child process (gtest runs *DeathTest suites first, before this
// process has an EAL or threads).
TEST(EalRefusedDeathTest, BadArgvIsAnErrorAndTheEalStaysDown) {
  EXPECT_EXIT(
      {
        EalConfig bad = test_config();
        bad.extra_args.push_back("--no-such-eal-option");
        DpdkStatus st = eal_init(bad);
        bool as_expected =
            !st.ok() && st.error().op == "rte_eal_init" && st.error().err == EINVAL && !eal_is_up();
        if (!st.ok()) fprintf(stderr, "error: %s\n", st.error().to_string().c_str());
        // A failed start is final: a good config is refused too, naming why.
        DpdkStatus again = eal_init(test_config());
        if (!again.ok()) fprintf(stderr, "again: %s\n", again.error().to_string().c_str());
        as_expected = as_expected && !again.ok() && !eal_is_up();
        std::_Exit(as_expected ? 0 : 1);
      },
      ::testing::ExitedWithCode(0),
      "error: rte_eal_init \"[^\"]*--no-such-eal-option\": Invalid argument.*"
      "again: eal_init .*already failed");
}

TEST(EalLifecycle, StartTwiceThenCleanupThenNoRestart) {
  DpdkStatus st = eal_init(test_config());
  ASSERT_TRUE(st.ok()) << st.error().to_string();
  EXPECT_TRUE(eal_is_up());
  st = eal_init(test_config());
  EXPECT_TRUE(st.ok()) << "same config twice is ok";

  st = eal_cleanup();
  EXPECT_TRUE(st.ok()) << st.error().to_string();
  EXPECT_FALSE(eal_is_up());
  st = eal_init(test_config());
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().to_string().find("cannot start again"), std::string::npos)
      << st.error().to_string();
}

}  // namespace
}  // namespace dpuflow::dataplane
