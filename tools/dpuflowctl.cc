// dpuflowctl: the friendly client of dpuflow.  Offline subcommands work on
// OVS dumps with nothing running:
//
//   dpuflowctl trace --flows FILE [--groups FILE] [--meters FILE]
//       [--tlv-map FILE] [--dp-ports FILE --ofports FILE]
//       [--underlay local_ip=..,src_mac=..,dst_mac=..,bridge=..,out=..]
//       [--bridge br-int] [--ct-next FLAGS]... [--packet HEX] 'FLOW'
//
// prints what OVS's `ovs-appctl ofproto/trace` would for the same switch.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <cstdio>
#include <cstring>
#include <span>
#include <string>
#include <vector>

#include "control/trace/scenario.h"
#include "control/trace/trace.h"
#include "control/appctl/client.h"
#include "dataplane/packet/parse.h"

namespace {

using namespace dpuflow;

int fail(const std::string& msg) {
  std::fprintf(stderr, "dpuflowctl: %s\n", msg.c_str());
  return 1;
}

// "0a0b..." -> bytes; the message names the first bad offset.
std::optional<std::vector<uint8_t>> parse_hex(const std::string& hex, std::string* err) {
  std::vector<uint8_t> b;
  if (hex.size() % 2 != 0) {
    *err = "--packet: odd number of hex digits";
    return std::nullopt;
  }
  for (size_t i = 0; i < hex.size(); i += 2) {
    if (!std::isxdigit(static_cast<unsigned char>(hex[i])) ||
        !std::isxdigit(static_cast<unsigned char>(hex[i + 1]))) {
      *err = fmt::format("--packet: \"{}\" at offset {} is not hex", hex.substr(i, 2), i);
      return std::nullopt;
    }
    b.push_back(static_cast<uint8_t>(std::stoul(hex.substr(i, 2), nullptr, 16)));
  }
  return b;
}

int run_trace(const std::string& flows, const std::string& groups, const std::string& meters,
              const std::string& tlv, const std::string& dp_ports, const std::string& ofports,
              const std::string& underlay, const std::string& bridge,
              const std::vector<std::string>& ct_next, const std::string& packet,
              const std::string& flow_text) {
  std::string err;
  control::ScenarioFiles f;
  f.bridge = bridge;
  f.flows = flows;
  f.groups = groups;
  f.meters = meters;
  f.tlv_map = tlv;
  f.dp_ports = dp_ports;
  f.ofports = ofports;
  if (!underlay.empty()) {
    f.underlay = control::parse_underlay_spec(underlay, &err);
    if (!f.underlay) return fail(err);
  }
  auto s = control::load_scenario(f, &err);
  if (!s) return fail(err);
  auto key = control::parse_trace_flow(*s, flow_text, &err);
  if (!key) return fail(err);
  control::TraceOptions opts;
  opts.bridge = bridge;
  for (const std::string& c : ct_next) {
    auto st = control::parse_ct_state_flags(c, &err);
    if (!st) return fail("--ct-next " + err);
    opts.ct_next.push_back(*st);
  }
  if (!packet.empty()) {
    // The packet gives the headers; the flow still gives the metadata
    // (in_port, registers, tunnel, conntrack state).
    auto bytes = parse_hex(packet, &err);
    if (!bytes) return fail(err);
    auto r = dataplane::parse_packet(*bytes, *key);
    if (!r.ok()) return fail(fmt::format("--packet: malformed packet ({})", r.reason_name()));
    opts.packet_len = static_cast<uint32_t>(bytes->size());
  }
  auto res = control::run_trace(*s->pipeline, s->ports, *key, opts);
  std::fputs(res.text.c_str(), stdout);
  return 0;
}

// The running daemon's control socket: --target, else <run-dir>/dpuflowd.ctl.
std::string socket_path(const std::string& target, const std::string& run_dir) {
  if (!target.empty()) return target;
  return run_dir + "/dpuflowd.ctl";
}

// One command on the running daemon; the exit codes of ovs-appctl (0 ok,
// 1 cannot talk to it, 2 it answered with an error).
int call(const std::string& path, const std::string& method, const std::vector<std::string>& args) {
  auto r = control::unixctl_call(path, method, args);
  if (auto* e = std::get_if<control::UnixctlClientError>(&r)) {
    std::fprintf(stderr, "dpuflowctl: %s\n", e->message.c_str());
    return 1;
  }
  const auto& reply = std::get<control::UnixctlReply>(r);
  std::fputs(reply.text.c_str(), reply.ok ? stdout : stderr);
  return reply.ok ? 0 : 2;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"dpuflowctl - control and inspect dpuflow"};
  app.require_subcommand(1);
  const char* env_run_dir = std::getenv("DPUFLOW_RUNDIR");
  std::string run_dir = env_run_dir != nullptr ? env_run_dir : "/run/dpuflow";
  std::string target;
  app.add_option("--run-dir", run_dir, "dpuflowd's run directory (env DPUFLOW_RUNDIR)")
      ->capture_default_str();
  app.add_option("-t,--target", target, "the control socket (default RUN_DIR/dpuflowd.ctl)");

  std::string method;
  std::vector<std::string> call_args;
  auto* call_cmd = app.add_subcommand("call", "Run a control-socket command (as ovs-appctl)");
  call_cmd->add_option("command", method, "e.g. list-commands, dpif/show")->required();
  call_cmd->add_option("args", call_args, "its arguments");
  auto* version_cmd = app.add_subcommand("version", "Versions of dpuflowctl and the running dpuflowd");
  std::string flows_bridge = "br-int";
  auto* flows_cmd = app.add_subcommand("flows", "The running switch's OpenFlow rules, with counters");
  flows_cmd->add_option("bridge", flows_bridge)->capture_default_str();
  auto* show_cmd = app.add_subcommand("show", "Bridges, ports and memory of the running dpuflowd");

  std::string flows, groups, meters, tlv, dp_ports, ofports, underlay, packet, flow;
  std::string bridge = "br-int";
  std::vector<std::string> ct_next;
  auto* trace = app.add_subcommand(
      "trace",
      "Trace a flow through the running switch, or with --flows through an OpenFlow pipeline "
      "dump (offline ofproto/trace)");
  trace->add_option("--flows", flows, "ovs-ofctl dump-flows output (offline trace)")
      ->check(CLI::ExistingFile);
  trace->add_option("--groups", groups, "ovs-ofctl dump-groups output")->check(CLI::ExistingFile);
  trace->add_option("--meters", meters, "ovs-ofctl dump-meters output")->check(CLI::ExistingFile);
  trace->add_option("--tlv-map", tlv, "ovs-ofctl dump-tlv-map output")->check(CLI::ExistingFile);
  auto* dpo = trace->add_option("--dp-ports", dp_ports, "ovs-appctl dpif/show output")
                  ->check(CLI::ExistingFile);
  auto* ofo = trace->add_option("--ofports", ofports, "OpenFlow port to interface map (CSV)")
                  ->check(CLI::ExistingFile);
  dpo->needs(ofo);
  ofo->needs(dpo);
  trace->add_option("--underlay", underlay,
                    "tunnel underlay: local_ip=IP,src_mac=MAC,dst_mac=MAC,bridge=PORT,out=PORT");
  trace->add_option("--bridge", bridge, "bridge name")->capture_default_str();
  trace->add_option("--ct-next", ct_next, "conntrack state for the next recirculation (repeatable)");
  trace->add_option("--packet", packet, "packet bytes in hex (traces a real packet)");
  trace->add_option("flow", flow, "the flow, in ovs-ofctl match syntax")->required();

  CLI11_PARSE(app, argc, argv);
  const std::string sock = socket_path(target, run_dir);
  if (call_cmd->parsed()) return call(sock, method, call_args);
  if (version_cmd->parsed()) {
    std::printf("dpuflowctl %s\n", DPUFLOW_VERSION);
    return call(sock, "version", {});
  }
  if (flows_cmd->parsed()) return call(sock, "bridge/dump-flows", {flows_bridge});
  if (show_cmd->parsed()) {
    for (const char* c : {"ofproto/list", "dpif/show", "memory/show"}) {
      if (int rc = call(sock, c, {}); rc != 0) return rc;
    }
    return 0;
  }
  if (trace->parsed()) {
    if (flows.empty()) {
      if (!groups.empty() || !meters.empty() || !tlv.empty() || !dp_ports.empty() ||
          !packet.empty()) {
        std::fprintf(stderr, "dpuflowctl: --groups/--meters/--tlv-map/--dp-ports/--packet "
                             "need --flows (an offline trace)\n");
        return 1;
      }
      std::vector<std::string> args = {bridge, flow};
      for (const auto& c : ct_next) {
        args.push_back("--ct-next");
        args.push_back(c);
      }
      return call(sock, "ofproto/trace", args);
    }
    return run_trace(flows, groups, meters, tlv, dp_ports, ofports, underlay, bridge, ct_next,
                     packet, flow);
  }
  return 0;
}
