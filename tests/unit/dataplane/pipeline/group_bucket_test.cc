// Pipeline: OpenFlow 1.5's bucket commands INSERT_BUCKET and REMOVE_BUCKET
// (OVS 3.1 ofproto.c copy_buckets_for_insert_bucket / _remove_bucket), as
// OVN uses them to grow a group too big for one message.
#include <gtest/gtest.h>

#include <variant>
#include <vector>

#include "dataplane/pipeline/pipeline.h"

namespace dpuflow::dataplane {
namespace {

Bucket bucket(uint32_t id) {
  Bucket b;
  b.bucket_id = id;
  b.weight = 100;
  b.actions = {ActOutput{static_cast<uint16_t>(id + 1)}};
  return b;
}

GroupMod mod(GroupModCommand cmd, std::vector<uint32_t> ids, uint32_t at = kBucketAll) {
  GroupMod gm;
  gm.command = cmd;
  gm.group.group_id = 5;
  gm.group.type = GroupType::kSelect;
  gm.group.selection_method = "dp_hash";
  for (uint32_t id : ids) gm.group.buckets.push_back(bucket(id));
  gm.command_bucket_id = at;
  return gm;
}

std::vector<uint32_t> ids(const Pipeline& p) {
  std::vector<uint32_t> out;
  for (const Bucket& b : p.group(5)->buckets) out.push_back(b.bucket_id);
  return out;
}

using V = std::vector<uint32_t>;

TEST(PipelineGroupBuckets, InsertFirstLastAndAfterABucket) {
  Pipeline p;
  ASSERT_FALSE(p.apply(mod(GroupModCommand::kAdd, {0, 1})));
  ASSERT_FALSE(p.apply(mod(GroupModCommand::kInsertBucket, {2, 3}, kBucketLast)));
  EXPECT_EQ(ids(p), (V{0, 1, 2, 3}));
  ASSERT_FALSE(p.apply(mod(GroupModCommand::kInsertBucket, {4}, kBucketFirst)));
  EXPECT_EQ(ids(p), (V{4, 0, 1, 2, 3}));
  ASSERT_FALSE(p.apply(mod(GroupModCommand::kInsertBucket, {5, 6}, 1)));
  EXPECT_EQ(ids(p), (V{4, 0, 1, 5, 6, 2, 3}));
  // The group keeps its type and selection method whatever the insert says.
  GroupMod odd = mod(GroupModCommand::kInsertBucket, {7}, kBucketLast);
  odd.group.type = GroupType::kAll;
  odd.group.selection_method.clear();
  ASSERT_FALSE(p.apply(odd));
  EXPECT_EQ(p.group(5)->type, GroupType::kSelect);
  EXPECT_EQ(p.group(5)->selection_method, "dp_hash");
  const auto* o = std::get_if<ActOutput>(&p.group(5)->buckets.back().actions.at(0));
  ASSERT_NE(o, nullptr);
  EXPECT_EQ(o->port, 8);
}

TEST(PipelineGroupBuckets, InsertRefusesUnknownGroupBucketAndDuplicates) {
  Pipeline p;
  auto err = p.apply(mod(GroupModCommand::kInsertBucket, {1}, kBucketLast));
  ASSERT_TRUE(err);
  EXPECT_EQ(err->code, OfpErr::kUnknownGroup);
  ASSERT_FALSE(p.apply(mod(GroupModCommand::kAdd, {0, 1})));
  err = p.apply(mod(GroupModCommand::kInsertBucket, {2}, 9));
  ASSERT_TRUE(err);
  EXPECT_EQ(err->code, OfpErr::kUnknownBucket) << err->message;
  err = p.apply(mod(GroupModCommand::kInsertBucket, {2, 1}, kBucketLast));
  ASSERT_TRUE(err);
  EXPECT_EQ(err->code, OfpErr::kBucketExists) << err->message;
  EXPECT_EQ(ids(p), (V{0, 1}));  // a failed command changes nothing
}

TEST(PipelineGroupBuckets, RemoveFirstLastOneAndAll) {
  Pipeline p;
  ASSERT_FALSE(p.apply(mod(GroupModCommand::kAdd, {0, 1, 2, 3, 4})));
  ASSERT_FALSE(p.apply(mod(GroupModCommand::kRemoveBucket, {}, kBucketFirst)));
  EXPECT_EQ(ids(p), (V{1, 2, 3, 4}));
  ASSERT_FALSE(p.apply(mod(GroupModCommand::kRemoveBucket, {}, kBucketLast)));
  EXPECT_EQ(ids(p), (V{1, 2, 3}));
  ASSERT_FALSE(p.apply(mod(GroupModCommand::kRemoveBucket, {}, 2)));
  EXPECT_EQ(ids(p), (V{1, 3}));
  auto err = p.apply(mod(GroupModCommand::kRemoveBucket, {}, 2));
  ASSERT_TRUE(err);
  EXPECT_EQ(err->code, OfpErr::kUnknownBucket) << err->message;
  ASSERT_FALSE(p.apply(mod(GroupModCommand::kRemoveBucket, {}, kBucketAll)));
  EXPECT_TRUE(ids(p).empty());
  ASSERT_FALSE(p.apply(mod(GroupModCommand::kRemoveBucket, {}, kBucketFirst)));
  EXPECT_TRUE(ids(p).empty());
}

TEST(PipelineGroupBuckets, OtherVersionsKeepTheirBuckets) {
  Pipeline p;
  ASSERT_FALSE(p.apply(mod(GroupModCommand::kAdd, {0})));
  Pipeline before = p;
  ASSERT_FALSE(p.apply(mod(GroupModCommand::kInsertBucket, {1}, kBucketLast)));
  EXPECT_EQ(before.group(5)->buckets.size(), 1u);
  EXPECT_EQ(p.group(5)->buckets.size(), 2u);
}

}  // namespace
}  // namespace dpuflow::dataplane
