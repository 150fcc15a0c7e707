// main() of the eal suite: one EAL for every test of the process.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdio>
#include <filesystem>

#include "tests/eal/eal_env.h"

namespace dpuflow::test {
namespace {

std::string& temp_dir() {
  static std::string dir;
  return dir;
}

class EalEnvironment : public ::testing::Environment {
 public:
  void SetUp() override {
    char tmpl[] = "/tmp/dpuflow_eal_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr) << "mkdtemp";
    temp_dir() = tmpl;
    dataplane::DpdkStatus st = dataplane::eal_init(eal_test_config());
    ASSERT_TRUE(st.ok()) << st.error().to_string();
  }
  void TearDown() override {
    dataplane::DpdkStatus st = dataplane::eal_cleanup();
    EXPECT_TRUE(st.ok()) << st.error().to_string();
    std::error_code ec;
    std::filesystem::remove_all(temp_dir(), ec);
  }
};

}  // namespace

const dataplane::EalConfig& eal_test_config() {
  static const dataplane::EalConfig config = [] {
    dataplane::EalConfig c;
    c.program = "dpuflow_eal_test";
    c.cores = "0";
    c.no_huge = true;  // even where hugepages exist: tests must not take them
    c.memory_mb = 128;
    c.in_memory = true;
    c.extra_args = {"--no-pci", "--no-telemetry"};
    return c;
  }();
  return config;
}

std::string eal_test_path(const std::string& name) { return temp_dir() + "/" + name; }

}  // namespace dpuflow::test

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  ::testing::AddGlobalTestEnvironment(new dpuflow::test::EalEnvironment);
  return RUN_ALL_TESTS();
}
