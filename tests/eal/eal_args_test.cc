// eal.h's pure half (suite unit: no EAL is started): hugepage detection
// from /proc texts and the exact argv given to rte_eal_init.
#include <gtest/gtest.h>

#include "dataplane/datapath/dpdk/dpdk_error.h"
#include "dataplane/datapath/dpdk/eal.h"

namespace dpuflow::dataplane {
namespace {

using Argv = std::vector<std::string>;

constexpr const char* kMeminfo =
    "MemTotal:       16318412 kB\n"
    "HugePages_Total:     512\n"
    "HugePages_Free:      500\n"
    "HugePages_Rsvd:        0\n"
    "Hugepagesize:       2048 kB\n";
constexpr const char* kMeminfoNoFree =
    "HugePages_Total:       0\n"
    "HugePages_Free:        0\n"
    "Hugepagesize:       2048 kB\n";
constexpr const char* kMountsHuge =
    "proc /proc proc rw,nosuid 0 0\n"
    "hugetlbfs /dev/hugepages hugetlbfs rw,relatime,pagesize=2M 0 0\n";
constexpr const char* kMountsPlain =
    "proc /proc proc rw,nosuid 0 0\n"
    "none /mnt/hugetlbfs-notes tmpfs rw 0 0\n";

TEST(HugepageInfo, ParsesFreePagesSizeAndMount) {
  HugepageInfo h = parse_hugepage_info(kMeminfo, kMountsHuge);
  EXPECT_EQ(h.free_pages, 500u);
  EXPECT_EQ(h.page_kb, 2048u);
  EXPECT_TRUE(h.hugetlbfs_mounted);
  EXPECT_TRUE(h.usable());
}

TEST(HugepageInfo, NoFreePagesIsNotUsable) {
  HugepageInfo h = parse_hugepage_info(kMeminfoNoFree, kMountsHuge);
  EXPECT_EQ(h.free_pages, 0u);
  EXPECT_FALSE(h.usable());
}

TEST(HugepageInfo, NoHugetlbfsMountIsNotUsable) {
  // A mount point whose *path* says hugetlbfs is not a hugetlbfs mount.
  HugepageInfo h = parse_hugepage_info(kMeminfo, kMountsPlain);
  EXPECT_FALSE(h.hugetlbfs_mounted);
  EXPECT_FALSE(h.usable());
}

TEST(HugepageInfo, EmptyTextsAreNotUsable) { EXPECT_FALSE(parse_hugepage_info("", "").usable()); }

TEST(EalArgv, AutoAddsNoHugeWithoutHugepages) {
  EalConfig c;
  EXPECT_EQ(eal_argv(c, parse_hugepage_info(kMeminfoNoFree, kMountsHuge)),
            (Argv{"dpuflowd", "-l", "0", "--no-huge", "--no-shconf"}));
}

TEST(EalArgv, AutoUsesHugepagesWhenFree) {
  EalConfig c;
  EXPECT_EQ(eal_argv(c, parse_hugepage_info(kMeminfo, kMountsHuge)),
            (Argv{"dpuflowd", "-l", "0", "--in-memory"}));
}

TEST(EalArgv, ExplicitNoHugeOverridesDetection) {
  EalConfig c;
  c.no_huge = true;
  EXPECT_EQ(eal_argv(c, parse_hugepage_info(kMeminfo, kMountsHuge)),
            (Argv{"dpuflowd", "-l", "0", "--no-huge", "--no-shconf"}));
  c.no_huge = false;
  EXPECT_EQ(eal_argv(c, HugepageInfo{}), (Argv{"dpuflowd", "-l", "0", "--in-memory"}));
}

TEST(EalArgv, AllFieldsInOrderExtraArgsLast) {
  EalConfig c;
  c.program = "dpf";
  c.cores = "0-1";
  c.no_huge = true;
  c.memory_mb = 256;
  c.in_memory = false;
  c.file_prefix = "dpf_42";
  c.extra_args = {"--no-pci", "--log-level=7"};
  EXPECT_EQ(eal_argv(c, HugepageInfo{}),
            (Argv{"dpf", "-l", "0-1", "--no-huge", "-m", "256", "--file-prefix=dpf_42", "--no-pci",
                  "--log-level=7"}));
}

TEST(EalArgv, EmptyCoresAndProgramUseDpdkDefaults) {
  EalConfig c;
  c.program.clear();
  c.cores.clear();
  c.no_huge = false;
  c.in_memory = false;
  EXPECT_EQ(eal_argv(c, HugepageInfo{}), (Argv{"dpuflowd"}));
}

TEST(EalArgv, JoinForMessages) {
  EXPECT_EQ(join_argv({"a", "-l", "0"}), "a -l 0");
  EXPECT_EQ(join_argv({}), "");
}

TEST(DpdkError, TextNamesOpSubjectAndDetail) {
  DpdkError e{"rte_dev_probe", "net_pcap0,rx_pcap=/x", 22, "Invalid argument"};
  EXPECT_EQ(e.to_string(), "rte_dev_probe \"net_pcap0,rx_pcap=/x\": Invalid argument");
  DpdkStatus ok;
  EXPECT_TRUE(ok.ok());
  DpdkStatus bad = e;
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().err, 22);
  DpdkResult<int> v = 5;
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v.value(), 5);
}

}  // namespace
}  // namespace dpuflow::dataplane
