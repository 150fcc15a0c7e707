// The action executor: the dispatch over DpActionType (see execute.h).
//
// Ownership, precisely: a list runs on one packet it owns (the original,
// or a copy made for a nested list).  The hand-off actions are output,
// userspace, recirc, tnl_pop, and clone / sample / check_pkt_len (which
// hand the packet to a nested list).  The last hand-off of a list takes the
// packet itself and ends the list; earlier ones take a copy from env.pool
// (none: kNoBuffer is counted and that hand-off is skipped).  Actions after
// the last hand-off could only change a packet nobody sees, so they are not
// run.  A list without a hand-off drops its packet (kActionDrop).  Thus
// every buffer ends in exactly one of outputs, recircs, upcalls or dropped,
// and sum(drops) == dropped.size() + drops[kNoBuffer].
//
// Nested lists run on copies exactly as OVS's clone/sample/check_pkt_len:
// what they do to the packet or its metadata (hash) stays inside them.
#include "dataplane/datapath/execute.h"

#include <cstring>

#include "dataplane/datapath/execute_internal.h"
#include "dataplane/datapath/meter_bank.h"

namespace dpuflow::dataplane {

const char* dp_drop_reason_name(DropReason r) {
  switch (r) {
    case DropReason::kActionDrop:
      return "action-drop";
    case DropReason::kCtUnsupported:
      return "ct-unsupported";
    case DropReason::kMeter:
      return "meter";
    case DropReason::kNoHeadroom:
      return "no-headroom";
    case DropReason::kNoBuffer:
      return "no-buffer";
    case DropReason::kTunnelPop:
      return "tunnel-pop";
    case DropReason::kTunnelPush:
      return "tunnel-push";
    case DropReason::kRecircDepth:
      return "recirc-depth";
    case DropReason::kRecircUnknown:
      return "recirc-unknown";
    case DropReason::kUpcallLimit:
      return "upcall-limit";
    case DropReason::kUpcallError:
      return "upcall-error";
    case DropReason::kMalformed:
      return "malformed";
    case DropReason::kNoPort:
      return "no-port";
    case DropReason::kTxFull:
      return "tx-full";
    case DropReason::kUnsupported:
      return "unsupported";
    case DropReason::kCount:
      break;
  }
  return "unknown";
}

namespace {

using exec::rd16;
using exec::wr16;

constexpr size_t kNone = SIZE_MAX;
constexpr uint16_t kVlanCfi = 0x1000;

bool is_handoff(DpActionType t) {
  switch (t) {
    case DpActionType::kOutput:
    case DpActionType::kUserspace:
    case DpActionType::kRecirc:
    case DpActionType::kTnlPop:
    case DpActionType::kClone:
    case DpActionType::kSample:
    case DpActionType::kCheckPktLen:
      return true;
    default:
      return false;
  }
}

// A small per-thread generator for sample(); the sequence need not be
// reproducible, only cheap and uniform (xorshift64*).
uint32_t random_u32() {
  thread_local uint64_t s = 0x9e3779b97f4a7c15ULL;
  s ^= s >> 12;
  s ^= s << 25;
  s ^= s >> 27;
  return static_cast<uint32_t>((s * 0x2545f4914f6cdd1dULL) >> 32);
}

// MurmurHash3's 32-bit mixing steps.
uint32_t rotl(uint32_t x, int r) { return x << r | x >> (32 - r); }
uint32_t hash_add(uint32_t h, uint32_t d) {
  d *= 0xcc9e2d51;
  d = rotl(d, 15);
  d *= 0x1b873593;
  h ^= d;
  h = rotl(h, 13);
  return h * 5 + 0xe6546b64;
}
uint32_t hash_finish(uint32_t h, uint32_t n) {
  h ^= n;
  h ^= h >> 16;
  h *= 0x85ebca6b;
  h ^= h >> 13;
  h *= 0xc2b2ae35;
  return h ^ (h >> 16);
}
uint32_t rd32(const uint8_t* p) { return uint32_t{rd16(p)} << 16 | rd16(p + 2); }

// The 5-tuple hash of hash(l4) / hash(sym_l4): addresses, protocol and
// ports (ports only for TCP/UDP/SCTP first fragments).  The symmetric
// variant combines source and destination with xor, so both directions of
// a connection hash alike.  The value is dpuflow's own; like OVS's
// userspace datapath it need only be stable, not equal to the kernel's.
uint32_t hash_5tuple(const DpPacket& pkt, uint32_t basis, bool symmetric) {
  exec::FrameLayout fl;
  exec::walk_frame(pkt.data, pkt.len, fl);
  uint32_t h = basis;
  if (fl.l3_ofs == exec::kNoOfs || (fl.eth_type != 0x0800 && fl.eth_type != 0x86dd)) {
    return hash_finish(h, 42);
  }
  const uint8_t* ip = pkt.data + fl.l3_ofs;
  const bool v6 = fl.eth_type == 0x86dd;
  const uint8_t* src = v6 ? ip + 8 : ip + 12;
  const uint8_t* dst = v6 ? ip + 24 : ip + 16;
  for (size_t i = 0; i < (v6 ? 16u : 4u); i += 4) {
    const uint32_t s = rd32(src + i), d = rd32(dst + i);
    if (symmetric) {
      h = hash_add(h, s ^ d);
    } else {
      h = hash_add(hash_add(h, s), d);
    }
  }
  uint32_t ports = 0;
  const uint8_t proto = fl.nw_proto;
  if ((proto == 6 || proto == 17 || proto == 132) && fl.l4_ofs != exec::kNoOfs &&
      fl.l4_ofs + 4u <= fl.l3_end) {
    const uint16_t sp = rd16(pkt.data + fl.l4_ofs), dp = rd16(pkt.data + fl.l4_ofs + 2);
    ports = symmetric ? uint32_t{static_cast<uint16_t>(sp ^ dp)} : uint32_t{sp} << 16 | dp;
  }
  h = hash_add(h, ports);
  h = hash_add(h, proto);
  return hash_finish(h, 42);
}

// The length check_pkt_len compares: the frame without the Ethernet
// padding behind an IP datagram (OVS: send length minus l2_pad_size).
uint32_t len_without_l2_pad(const DpPacket& pkt) {
  exec::FrameLayout fl;
  exec::walk_frame(pkt.data, pkt.len, fl);
  if (fl.l3_ofs == exec::kNoOfs || (fl.eth_type != 0x0800 && fl.eth_type != 0x86dd)) {
    return pkt.len;
  }
  return fl.l3_end;
}

class Executor {
 public:
  Executor(const ExecEnv& env, ExecOut& out) : env_(env), out_(out) {}
  void run(const DpActions& acts, DpPacket pkt, const FlowKey& md);

 private:
  void drop(const DpPacket& p, DropReason r) {
    out_.dropped.push_back(p);
    out_.drops[static_cast<size_t>(r)]++;
  }
  // The packet for a hand-off: the original when `last`, else a copy.
  bool take(const DpPacket& pkt, bool last, DpPacket& p) {
    if (last) {
      p = pkt;
      return true;
    }
    if (env_.pool != nullptr && env_.pool->clone(pkt, p)) return true;
    out_.drops[static_cast<size_t>(DropReason::kNoBuffer)]++;
    return false;
  }
  void nested(const DpActions& acts, const DpPacket& pkt, bool last, const FlowKey& md) {
    DpPacket p;
    if (take(pkt, last, p)) run(acts, p, md);
  }
  static bool push_vlan(DpPacket& pkt, uint16_t tpid, uint16_t tci, DropReason* why);
  static void pop_vlan(DpPacket& pkt);

  const ExecEnv& env_;
  ExecOut& out_;
};

bool Executor::push_vlan(DpPacket& pkt, uint16_t tpid, uint16_t tci, DropReason* why) {
  if (pkt.len < 14) {
    *why = DropReason::kMalformed;
    return false;
  }
  uint8_t* p = pkt.push(4);
  if (p == nullptr) {
    *why = DropReason::kNoHeadroom;
    return false;
  }
  std::memmove(p, p + 4, 12);
  wr16(p + 12, tpid);
  wr16(p + 14, static_cast<uint16_t>(tci & ~kVlanCfi));
  return true;
}

void Executor::pop_vlan(DpPacket& pkt) {
  if (pkt.len < 18) return;
  const uint16_t t = rd16(pkt.data + 12);
  if (t != 0x8100 && t != 0x88a8) return;
  std::memmove(pkt.data + 4, pkt.data, 12);
  pkt.pull(4);
}

void Executor::run(const DpActions& acts, DpPacket pkt, const FlowKey& md_in) {
  size_t last = kNone;
  for (size_t i = acts.size(); i-- > 0;) {
    if (is_handoff(acts[i].type)) {
      last = i;
      break;
    }
  }
  // Metadata is copied only when hash() changes it.
  const FlowKey* md = &md_in;
  FlowKey own;
  const size_t end = last == kNone ? acts.size() : last + 1;
  for (size_t i = 0; i < end; ++i) {
    const DpAction& a = acts[i];
    const bool is_last = i == last;
    DpPacket p;
    switch (a.type) {
      case DpActionType::kOutput:
        if (take(pkt, is_last, p)) out_.outputs.push_back(ExecOutput{a.port, p});
        break;
      case DpActionType::kUserspace:
        if (take(pkt, is_last, p)) out_.upcalls.push_back(ExecUpcall{p, *md, &a.userspace});
        break;
      case DpActionType::kRecirc:
        if (take(pkt, is_last, p)) {
          out_.recircs.push_back(ExecRecirc{p, *md, false, 0});
          out_.recircs.back().md.recirc_id = be32(a.id);
        }
        break;
      case DpActionType::kTnlPop:
        if (take(pkt, is_last, p)) {
          FlowKey tmd;
          if (exec::execute_tnl_pop(p, env_.tlv, tmd)) {
            out_.recircs.push_back(ExecRecirc{p, tmd, true, a.port});
          } else {
            drop(p, DropReason::kTunnelPop);
          }
        }
        break;
      case DpActionType::kClone:
        nested(a.nested, pkt, is_last, *md);
        break;
      case DpActionType::kSample:
        if (a.probability == UINT32_MAX || random_u32() < a.probability) {
          nested(a.nested, pkt, is_last, *md);
        } else if (is_last) {
          drop(pkt, DropReason::kActionDrop);  // not sampled, nothing else to do
        }
        break;
      case DpActionType::kCheckPktLen:
        nested(len_without_l2_pad(pkt) > a.pkt_len ? a.nested : a.nested2, pkt, is_last, *md);
        break;
      case DpActionType::kSet:
        exec::execute_set(a.set, pkt);
        break;
      case DpActionType::kPushVlan: {
        DropReason why;
        if (!push_vlan(pkt, a.vlan_tpid, a.vlan_tci, &why)) return drop(pkt, why);
        break;
      }
      case DpActionType::kPopVlan:
        pop_vlan(pkt);
        break;
      case DpActionType::kTnlPush: {
        DropReason why;
        if (!exec::execute_tnl_push(a.tnl_push, pkt, env_.flow_hash, &why)) return drop(pkt, why);
        break;
      }
      case DpActionType::kCt:
      case DpActionType::kCtClear:
        return drop(pkt, DropReason::kCtUnsupported);
      case DpActionType::kHash: {
        if (md != &own) {
          own = *md;
          md = &own;
        }
        own.dp_hash = be32(hash_5tuple(pkt, a.hash_basis, a.hash_alg == 1));
        break;
      }
      case DpActionType::kMeter:
        if (env_.meters != nullptr && !env_.meters->admit(a.id, pkt.len, env_.now_ns)) {
          return drop(pkt, DropReason::kMeter);
        }
        break;
      default:
        return drop(pkt, DropReason::kUnsupported);
    }
  }
  if (last == kNone) drop(pkt, DropReason::kActionDrop);
}

}  // namespace

void execute_actions(const DpActions& acts, DpPacket pkt, const FlowKey& md, const ExecEnv& env,
                     ExecOut& out) {
  Executor(env, out).run(acts, pkt, md);
}

}  // namespace dpuflow::dataplane
