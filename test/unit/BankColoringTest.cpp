// LaneGroupColoring (the core of spec2-schedule-banks) on random lane groups:
// orders are permutations; a group that has a conflict-free order gets one
// (Konig); an overloaded group is never made worse than bin order.
#include "spec2/Scheduling/BankColoring.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <random>

using namespace spec2;

namespace {

using Lanes = std::vector<std::vector<int64_t>>;

OverlayConfig banked(uint32_t banks, uint32_t ports) {
  OverlayConfig c{};
  c.specBanks = banks;
  c.specPorts = ports;
  return c;
}

int64_t totalStalls(const LaneGroupColoring &s, const Lanes &bins,
                    const Lanes &order) {
  int64_t total = 0;
  for (int64_t t = 0; t < int64_t(bins[0].size()); ++t)
    total += s.stepCost(bins, order, t);
  return total;
}

void expectPermutations(const Lanes &order, size_t nnz) {
  for (const auto &o : order) {
    std::vector<int64_t> sorted = o;
    std::sort(sorted.begin(), sorted.end());
    std::vector<int64_t> want(nnz);
    std::iota(want.begin(), want.end(), 0);
    EXPECT_EQ(sorted, want);
  }
}

Lanes identity(size_t lanes, size_t nnz) {
  Lanes o(lanes, std::vector<int64_t>(nnz));
  for (auto &v : o)
    std::iota(v.begin(), v.end(), 0);
  return o;
}

TEST(BankColoringTest, FindsTheConflictFreeOrderWhenOneExists) {
  std::mt19937 rng(5);
  for (auto [banks, ports, lanes] :
       {std::tuple{4u, 1u, 4u}, {16u, 2u, 32u}, {8u, 2u, 12u}}) {
    const LaneGroupColoring s(banked(banks, ports));
    for (int trial = 0; trial < 20; ++trial) {
      // Built step by step so that no step reads a bank more than `ports`
      // times, then shuffled within each lane: a conflict-free order exists.
      const size_t nnz = 1 + rng() % 10;
      Lanes bins(lanes);
      for (size_t t = 0; t < nnz; ++t)
        for (uint32_t l = 0; l < lanes; ++l) {
          const int64_t bank = (l / ports + t + trial) % banks;
          bins[l].push_back(bank + int64_t(banks) * int64_t(t));
        }
      for (auto &v : bins)
        std::shuffle(v.begin(), v.end(), rng);
      const Lanes order = s.schedule(bins);
      expectPermutations(order, nnz);
      EXPECT_EQ(totalStalls(s, bins, order), 0)
          << banks << " banks, " << ports << " ports, nnz " << nnz;
    }
  }
}

TEST(BankColoringTest, OverloadedGroupsAreNeverWorseThanBinOrder) {
  std::mt19937 rng(9);
  const uint32_t bins = 40;
  for (auto [banks, ports, lanes] : {std::tuple{4u, 1u, 4u}, {16u, 2u, 32u}}) {
    const LaneGroupColoring s(banked(banks, ports));
    for (int trial = 0; trial < 30; ++trial) {
      const size_t nnz = 2 + rng() % 12;
      Lanes group(lanes);
      for (auto &v : group) {
        std::vector<int64_t> all(bins);
        std::iota(all.begin(), all.end(), 0);
        std::shuffle(all.begin(), all.end(), rng);
        v.assign(all.begin(), all.begin() + nnz);
        std::sort(v.begin(), v.end()); // bin order, as pruning leaves it
      }
      const Lanes order = s.schedule(group);
      expectPermutations(order, nnz);
      EXPECT_LE(totalStalls(s, group, order),
                totalStalls(s, group, identity(lanes, nnz)));
    }
  }
}

// Lanes that walk several input-channel groups: an address is (group, bin),
// the same bin of two groups is two reads of one bank, and shorter lanes are
// padded with -1 (no read). Bin order stalls once (step 0 reads bin 0 of
// groups 0 and 1); a conflict-free order exists and is found.
TEST(BankColoringTest, OrdersGroupTaggedLanesWithPadding) {
  const LaneGroupColoring s(banked(4, 1));
  auto at = [](unsigned g, unsigned bin) {
    return int64_t(isa::entryIndex(g, bin));
  };
  const Lanes lanes = {
      {at(0, 0), at(1, 1)}, {at(1, 0), -1}, {at(0, 1), at(0, 2)}, {-1, -1}};
  EXPECT_EQ(totalStalls(s, lanes, identity(4, 2)), 1);
  const Lanes order = s.schedule(lanes);
  expectPermutations(order, 2);
  EXPECT_EQ(totalStalls(s, lanes, order), 0);
}

} // namespace
