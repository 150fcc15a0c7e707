// eal_init's once-per-process guard, with the EAL the environment started.
#include <gtest/gtest.h>

#include <cerrno>

#include "dataplane/datapath/dpdk/eal.h"
#include "tests/eal/eal_env.h"

namespace dpuflow::dataplane {
namespace {

TEST(EalInit, IsUpAfterEnvironment) { EXPECT_TRUE(eal_is_up()); }

TEST(EalInit, SameConfigAgainIsOk) {
  DpdkStatus st = eal_init(test::eal_test_config());
  EXPECT_TRUE(st.ok()) << st.error().to_string();
}

TEST(EalInit, DifferentConfigIsAnErrorNamingBothArgvs) {
  EalConfig other = test::eal_test_config();
  other.cores = "0-1";
  DpdkStatus st = eal_init(other);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().err, EALREADY);
  std::string text = st.error().to_string();
  EXPECT_NE(text.find("-l 0-1"), std::string::npos) << text;  // what was asked
  EXPECT_NE(text.find(join_argv(eal_argv(test::eal_test_config()))), std::string::npos)
      << text;  // what runs
  EXPECT_TRUE(eal_is_up());
}

}  // namespace
}  // namespace dpuflow::dataplane
