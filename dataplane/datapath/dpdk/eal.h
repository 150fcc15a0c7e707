// The DPDK Environment Abstraction Layer (EAL), started once per process.
//
// Design note
// - EalConfig says what the EAL should look like; eal_argv() turns it into
//   the exact argv given to rte_eal_init, and is a pure function of the
//   config and the machine's hugepage state (HugepageInfo), so it is tested
//   without starting DPDK.  Devices are not on the command line: ports
//   hot-plug theirs (DpdkPort::open -> rte_dev_probe), so they can be added
//   and removed at run time.  PCI devices present at start are probed by the
//   EAL as usual unless extra_args says otherwise ("--no-pci", "-a BDF").
// - Hugepages: no_huge left unset means "auto": --no-huge when the machine
//   has no hugetlbfs mount or no free hugepage (HugePages_Free in
//   /proc/meminfo counts the default page size only).  Without hugepages
//   DPDK takes ordinary memory (64 MB unless memory_mb says more) and
//   physical addresses are unknown, which virtual devices do not need.
//   DPDK refuses --in-memory together with --no-huge, so in_memory becomes
//   --no-shconf then (the same effect: no files shared with other
//   processes; multi-process IPC is off).
// - The EAL can start only once in a process, and not again after
//   rte_eal_cleanup.  eal_init() is therefore guarded by the one piece of
//   process-wide state in this layer (DPDK's own state is process-wide
//   too): a second call whose argv is the same returns ok, a different one
//   returns an error naming both argvs, any call after eal_cleanup() fails.
//   A failed rte_eal_init is final too: DPDK keeps what it parsed from the
//   failed attempt (a retry runs with a mix of both argvs), so later calls
//   return the first failure.
// - While the EAL is up, DPDK's log goes through a tap that still writes it
//   to stderr and keeps the last lines, so errors can quote what a driver
//   said (DpdkError::detail).
//
// Thread safety: eal_init/eal_cleanup are start-up / shut-down work on one
// thread (they are serialized anyway); the argv helpers are pure.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dataplane/datapath/dpdk/dpdk_error.h"

namespace dpuflow::dataplane {

struct EalConfig {
  std::string program = "dpuflowd";     // argv[0], as DPDK messages show it
  std::string cores = "0";              // -l: "0", "0-1", "0,2"
  std::optional<bool> no_huge;          // --no-huge; unset: auto (HugepageInfo::usable)
  size_t memory_mb = 0;                 // -m; 0: DPDK's default
  bool in_memory = true;                // --in-memory (--no-shconf with --no-huge): no shared files
  std::string file_prefix;              // --file-prefix, when not empty
  std::vector<std::string> extra_args;  // appended verbatim: "--no-pci", "--log-level=8"

  bool operator==(const EalConfig&) const = default;
};

// What the machine offers in hugepages of the default size.
struct HugepageInfo {
  uint64_t free_pages = 0;         // /proc/meminfo HugePages_Free
  uint64_t page_kb = 0;            // /proc/meminfo Hugepagesize
  bool hugetlbfs_mounted = false;  // a hugetlbfs line in /proc/mounts

  bool usable() const { return hugetlbfs_mounted && free_pages > 0; }
};

// From the texts of /proc/meminfo and /proc/mounts.
HugepageInfo parse_hugepage_info(std::string_view meminfo, std::string_view mounts);
// Reads /proc/meminfo and /proc/mounts (unreadable: nothing usable).
HugepageInfo read_hugepage_info();

// The argv eal_init gives rte_eal_init, argv[0] included.
std::vector<std::string> eal_argv(const EalConfig& config, const HugepageInfo& huge);
std::vector<std::string> eal_argv(const EalConfig& config);  // with read_hugepage_info()

// The argv joined with spaces, for messages.
std::string join_argv(const std::vector<std::string>& argv);

// ---- Process-wide start and stop (single-threaded setup) -------------------

// Starts the EAL with eal_argv(config).  Errors carry rte_errno's text and
// the EAL's log lines.
[[nodiscard]] DpdkStatus eal_init(const EalConfig& config);
// True between a successful eal_init and eal_cleanup.
bool eal_is_up();
// rte_eal_cleanup; every port and pool must be gone.  The EAL cannot be
// started again afterwards.
[[nodiscard]] DpdkStatus eal_cleanup();

}  // namespace dpuflow::dataplane
