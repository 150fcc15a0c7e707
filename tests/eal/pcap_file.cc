#include "tests/eal/pcap_file.h"

#include <fstream>
#include <iterator>

namespace dpuflow::test {
namespace {

constexpr uint32_t kMagicUsec = 0xa1b2c3d4;
constexpr uint32_t kMagicNsec = 0xa1b23c4d;
constexpr uint32_t kLinkEthernet = 1;

void put32(std::string& out, uint32_t v) { out.append(reinterpret_cast<const char*>(&v), 4); }
void put16(std::string& out, uint16_t v) { out.append(reinterpret_cast<const char*>(&v), 2); }

uint32_t get32(const uint8_t* p, bool swap) {
  uint32_t v = uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
  return swap ? __builtin_bswap32(v) : v;
}

}  // namespace

bool write_pcap(const std::string& path, const std::vector<Frame>& frames) {
  std::string out;
  put32(out, kMagicUsec);  // written in host order, as libpcap does
  put16(out, 2);
  put16(out, 4);
  put32(out, 0);      // thiszone
  put32(out, 0);      // sigfigs
  put32(out, 65535);  // snaplen
  put32(out, kLinkEthernet);
  uint32_t usec = 0;
  for (const Frame& f : frames) {
    put32(out, 1700000000);
    put32(out, usec++);
    put32(out, static_cast<uint32_t>(f.size()));
    put32(out, static_cast<uint32_t>(f.size()));
    out.append(reinterpret_cast<const char*>(f.data()), f.size());
  }
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file.write(out.data(), static_cast<std::streamsize>(out.size()));
  return static_cast<bool>(file);
}

std::optional<std::vector<Frame>> read_pcap(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return std::nullopt;
  std::vector<uint8_t> b((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  if (b.size() < 24) return std::nullopt;
  uint32_t magic = get32(b.data(), false);
  bool swap;
  if (magic == kMagicUsec || magic == kMagicNsec) {
    swap = false;
  } else if (__builtin_bswap32(magic) == kMagicUsec || __builtin_bswap32(magic) == kMagicNsec) {
    swap = true;
  } else {
    return std::nullopt;
  }
  std::vector<Frame> frames;
  size_t pos = 24;
  while (pos + 16 <= b.size()) {
    uint32_t caplen = get32(b.data() + pos + 8, swap);
    pos += 16;
    if (pos + caplen > b.size()) return std::nullopt;
    frames.emplace_back(b.begin() + static_cast<ptrdiff_t>(pos),
                        b.begin() + static_cast<ptrdiff_t>(pos + caplen));
    pos += caplen;
  }
  if (pos != b.size()) return std::nullopt;
  return frames;
}

}  // namespace dpuflow::test
