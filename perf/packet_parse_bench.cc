// Packet parse (bytes -> FlowKey) per packet, for the common shapes: a TCP
// SYN over IPv4, a tagged UDP/IPv6 packet behind an extension header, an ND
// solicitation, and an ARP request.
#include <benchmark/benchmark.h>

#include "dataplane/packet/builder.h"
#include "dataplane/packet/parse.h"

namespace dpuflow::dataplane {
namespace {

const Mac kA = {0, 0, 0, 0, 1, 1}, kB = {0, 0, 0, 0, 1, 2};
const Ip6 k6A = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x11};
const Ip6 k6B = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x12};

void run(benchmark::State& state, const std::vector<uint8_t>& p) {
  FlowKey k{};
  for (auto _ : state) {
    benchmark::DoNotOptimize(parse_packet(p, k));
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_ParseIpv4Tcp(benchmark::State& s) {
  run(s, PacketBuilder().eth(kA, kB).ipv4(0x0a00010b, 0x0a00010c).tcp(40000, 80, kTcpSyn)
             .payload(10).build());
}
void BM_ParseVlanIpv6ExtUdp(benchmark::State& s) {
  run(s, PacketBuilder().eth(kA, kB).vlan(10).ipv6(k6A, k6B).ipv6_ext(0).udp(5000, 53)
             .payload(20).build());
}
void BM_ParseNdSolicit(benchmark::State& s) {
  run(s, PacketBuilder().eth(kA, kB).ipv6(k6A, k6B, 255).nd_ns(k6B, kA).build());
}
void BM_ParseArp(benchmark::State& s) {
  run(s, PacketBuilder().eth(kA, kB).arp(1, kA, 0x0a00010b, {}, 0x0a00010c).build());
}
BENCHMARK(BM_ParseIpv4Tcp);
BENCHMARK(BM_ParseVlanIpv6ExtUdp);
BENCHMARK(BM_ParseNdSolicit);
BENCHMARK(BM_ParseArp);

}  // namespace
}  // namespace dpuflow::dataplane

BENCHMARK_MAIN();
