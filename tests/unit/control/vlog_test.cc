// dpuflowd's log levels and vlog/set specs, as OVS's vlog reads them.
#include "control/vlog.h"

#include <gtest/gtest.h>

namespace dpuflow::control {
namespace {

TEST(Vlog, DefaultsAreOvsDefaults) {
  Vlog v({"dpuflowd", "ofproto"});
  EXPECT_EQ(v.list(),
            "                 console    syslog    file\n"
            "                 -------    ------    ------\n"
            "dpuflowd           INFO       ERR       INFO\n"
            "ofproto            INFO       ERR       INFO\n"
            "(only the console destination writes: dpuflowd logs to stderr)\n");
  EXPECT_TRUE(v.enabled(0, VlogLevel::kInfo));
  EXPECT_FALSE(v.enabled(0, VlogLevel::kDbg));
}

TEST(Vlog, SpecsSetModuleDestinationAndLevelInAnyOrder) {
  Vlog v({"dpuflowd", "ofproto", "ofconn"});
  ASSERT_FALSE(v.set("ofconn:console:dbg"));
  EXPECT_TRUE(v.enabled(2, VlogLevel::kDbg));
  EXPECT_FALSE(v.enabled(1, VlogLevel::kDbg));
  ASSERT_FALSE(v.set("warn:ofproto"));  // every destination of ofproto
  EXPECT_FALSE(v.enabled(1, VlogLevel::kInfo));
  EXPECT_TRUE(v.enabled(1, VlogLevel::kWarn));
  ASSERT_FALSE(v.set("ANY:console:off"));
  for (size_t m = 0; m < 3; ++m) EXPECT_FALSE(v.enabled(m, VlogLevel::kEmer));
  ASSERT_FALSE(v.set("dpuflowd"));  // no level: dbg, as OVS
  EXPECT_TRUE(v.enabled(0, VlogLevel::kDbg));
  EXPECT_NE(v.list().find("ofconn             OFF        ERR       INFO"), std::string::npos)
      << v.list();
}

TEST(Vlog, UnknownWordsAreNamed) {
  Vlog v({"dpuflowd"});
  auto err = v.set("dpuflowd:console:loud");
  ASSERT_TRUE(err);
  EXPECT_NE(err->find("\"loud\""), std::string::npos) << *err;
  EXPECT_TRUE(v.enabled(0, VlogLevel::kInfo));  // nothing changed
}

}  // namespace
}  // namespace dpuflow::control
