// eal.h's process-wide half: rte_eal_init / rte_eal_cleanup behind a guard.
#include <rte_eal.h>
#include <rte_errno.h>

#include <mutex>

#include "dataplane/datapath/dpdk/eal.h"
#include "dataplane/datapath/dpdk/eal_log.h"

namespace dpuflow::dataplane {
namespace {

enum class EalState { kDown, kUp, kFailed, kCleanedUp };

// The EAL is process-wide state in DPDK; this guard mirrors it.
struct EalGuard {
  std::mutex mu;
  EalState state = EalState::kDown;
  std::vector<std::string> argv;  // what the running EAL was started with
  // rte_eal_init may permute argv and keep pointers into it: storage that
  // lives as long as the process.
  std::vector<std::string> storage;
  std::vector<char*> cargv;
  std::string failure;  // the error of a failed rte_eal_init
};

EalGuard& guard() {
  static EalGuard g;
  return g;
}

}  // namespace

DpdkStatus eal_init(const EalConfig& config) {
  std::vector<std::string> argv = eal_argv(config);
  EalGuard& g = guard();
  std::lock_guard lock(g.mu);
  switch (g.state) {
    case EalState::kUp:
      if (argv == g.argv) return {};
      return DpdkError{"eal_init", join_argv(argv), EALREADY,
                       "the EAL is already running as \"" + join_argv(g.argv) +
                           "\"; it starts once per process"};
    case EalState::kFailed:
      // DPDK keeps what it parsed from the failed attempt; a retry would
      // run with a mix of both argvs.
      return DpdkError{"eal_init", join_argv(argv), EALREADY,
                       "rte_eal_init already failed in this process: " + g.failure};
    case EalState::kCleanedUp:
      return DpdkError{"eal_init", join_argv(argv), EALREADY,
                       "the EAL was cleaned up and cannot start again in this process"};
    case EalState::kDown:
      break;
  }
  dpdk_log::install();
  g.storage = argv;
  g.cargv.clear();
  for (std::string& a : g.storage) g.cargv.push_back(a.data());
  g.cargv.push_back(nullptr);
  uint64_t mark = dpdk_log::mark();
  int ret = rte_eal_init(static_cast<int>(g.storage.size()), g.cargv.data());
  if (ret < 0) {
    DpdkError e = dpdk_error("rte_eal_init", join_argv(argv), rte_errno, mark);
    g.state = EalState::kFailed;
    g.failure = e.to_string();
    return e;
  }
  g.argv = std::move(argv);
  g.state = EalState::kUp;
  return {};
}

bool eal_is_up() {
  EalGuard& g = guard();
  std::lock_guard lock(g.mu);
  return g.state == EalState::kUp;
}

DpdkStatus eal_cleanup() {
  EalGuard& g = guard();
  std::lock_guard lock(g.mu);
  if (g.state != EalState::kUp) return {};
  uint64_t mark = dpdk_log::mark();
  int ret = rte_eal_cleanup();
  g.state = EalState::kCleanedUp;
  if (ret < 0) return dpdk_error("rte_eal_cleanup", join_argv(g.argv), -ret, mark);
  return {};
}

}  // namespace dpuflow::dataplane
