// Reads and writes classic pcap files (Ethernet link type) for the eal
// tests, without libpcap: the test controls every byte that net_pcap reads
// and checks every byte it writes.  Accepts micro- and nanosecond files in
// either byte order.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace dpuflow::test {

using Frame = std::vector<uint8_t>;

// false when the file cannot be written.
bool write_pcap(const std::string& path, const std::vector<Frame>& frames);
// nullopt when the file is missing or not a pcap file.
std::optional<std::vector<Frame>> read_pcap(const std::string& path);

}  // namespace dpuflow::test
