//===- BankColoring.cpp - Conflict-free order of one lane group -----------===//
//
// The schedule of one input lane of one block is an edge colouring: output
// lanes on one side, bank ports on the other (each bank split into
// spec_ports ports, its entries dealt to them in turn), one edge per kernel
// entry, one colour per step. No lane has more than nnz entries (padding,
// -1, is no edge), so when no port has more than nnz either, Konig's
// theorem gives an nnz-colouring:
// every step then reads each port at most once and costs one cycle. The
// colouring is built edge by edge; when the colour free at the lane is taken
// at the port, the alternating path of the two colours from the port is
// flipped (it cannot reach the lane in a bipartite graph).
//
//===----------------------------------------------------------------------===//
#include "spec2/Scheduling/BankColoring.h"
#include "spec2/bank_step.h"

#include <algorithm>
#include <numeric>

namespace spec2 {

/// `laneBins[l][j]`: address of entry j of output lane l (isa::entryIndex;
/// -1: padding). Returns `order[l][t]`: the entry lane l reads at step t.
std::vector<std::vector<int64_t>> LaneGroupColoring::schedule(
    const std::vector<std::vector<int64_t>> &laneBins) const {
  if (laneBins.empty())
    return {};
  std::vector<std::vector<int64_t>> order;
  if (colour(laneBins, order))
    return order;
  order = greedy(laneBins);
  improve(laneBins, order);
  // The greedy start can lose to the order the entries came in (bin order,
  // in which lanes often share reads): keep whichever stalls less.
  std::vector<std::vector<int64_t>> given(
      laneBins.size(), std::vector<int64_t>(laneBins[0].size()));
  for (auto &o : given)
    std::iota(o.begin(), o.end(), 0);
  improve(laneBins, given);
  int64_t mine = 0, theirs = 0;
  for (int64_t t = 0; t < int64_t(laneBins[0].size()); ++t) {
    mine += stepCost(laneBins, order, t);
    theirs += stepCost(laneBins, given, t);
  }
  return theirs < mine ? given : order;
}

/// The Konig colouring; false if some port has more than nnz entries.
bool LaneGroupColoring::colour(const std::vector<std::vector<int64_t>> &laneBins,
                            std::vector<std::vector<int64_t>> &order) const {
  const int64_t lanes = int64_t(laneBins.size());
  const int64_t nnz = int64_t(laneBins[0].size());
  const int64_t nodes = lanes + int64_t(banks) * ports;
  // Edges: (lane, port node), in lane-major order.
  std::vector<int64_t> edgeLane, edgePort, edgeEntry, dealt(banks, 0),
      degree(nodes, 0);
  for (int64_t l = 0; l < lanes; ++l)
    for (int64_t j = 0; j < nnz; ++j) {
      const int64_t bin = laneBins[l][j];
      if (bin < 0)
        continue;
      const int64_t bank = bankOf(bin);
      const int64_t port = lanes + bank * ports + dealt[bank]++ % ports;
      edgeLane.push_back(l);
      edgePort.push_back(port);
      edgeEntry.push_back(j);
      if (++degree[port] > nnz)
        return false;
    }
  const int64_t edges = int64_t(edgeLane.size());
  std::vector<int64_t> at(nodes * nnz, -1), colourOf(edges, -1);
  auto slot = [&](int64_t node, int64_t c) -> int64_t & {
    return at[node * nnz + c];
  };
  auto freeAt = [&](int64_t node) {
    for (int64_t c = 0; c < nnz; ++c)
      if (slot(node, c) < 0)
        return c;
    return int64_t(-1);
  };
  auto other = [&](int64_t e, int64_t node) {
    return edgeLane[e] == node ? edgePort[e] : edgeLane[e];
  };
  std::vector<int64_t> path;
  for (int64_t e = 0; e < edges; ++e) {
    const int64_t u = edgeLane[e], v = edgePort[e];
    const int64_t a = freeAt(u), b = freeAt(v);
    if (a < 0 || b < 0)
      return false; // cannot happen with degrees <= nnz
    if (slot(v, a) >= 0) {
      // Flip the a/b alternating path that starts at v with colour a.
      path.clear();
      for (int64_t x = v, c = a; slot(x, c) >= 0; c = c == a ? b : a) {
        const int64_t ed = slot(x, c);
        path.push_back(ed);
        x = other(ed, x);
      }
      for (int64_t ed : path) {
        slot(edgeLane[ed], colourOf[ed]) = -1;
        slot(edgePort[ed], colourOf[ed]) = -1;
      }
      for (int64_t ed : path) {
        colourOf[ed] = colourOf[ed] == a ? b : a;
        slot(edgeLane[ed], colourOf[ed]) = ed;
        slot(edgePort[ed], colourOf[ed]) = ed;
      }
    }
    colourOf[e] = a;
    slot(u, a) = e;
    slot(v, a) = e;
  }
  order.assign(lanes, std::vector<int64_t>(nnz, -1));
  for (int64_t e = 0; e < edges; ++e)
    order[edgeLane[e]][colourOf[e]] = edgeEntry[e];
  // Padding takes the steps the lane's entries left free.
  for (int64_t l = 0; l < lanes; ++l) {
    int64_t t = 0;
    for (int64_t j = 0; j < nnz; ++j)
      if (laneBins[l][j] < 0) {
        while (order[l][t] >= 0)
          ++t;
        order[l][t] = j;
      }
  }
  return true;
}

/// For groups with an overloaded bank: step by step, each lane takes the
/// entry that adds least to the step's busiest bank (a bin another lane
/// already reads is free), preferring the banks with most entries left.
std::vector<std::vector<int64_t>> LaneGroupColoring::greedy(
    const std::vector<std::vector<int64_t>> &laneBins) const {
  const int64_t lanes = int64_t(laneBins.size());
  const int64_t nnz = int64_t(laneBins[0].size());
  std::vector<std::vector<uint8_t>> used(lanes, std::vector<uint8_t>(nnz));
  std::vector<int64_t> left(banks, 0);
  for (const auto &l : laneBins)
    for (int64_t bin : l)
      if (bin >= 0)
        ++left[bankOf(bin)];
  std::vector<std::vector<int64_t>> order(lanes, std::vector<int64_t>(nnz, -1));
  for (int64_t t = 0; t < nnz; ++t) {
    std::vector<int64_t> reads(banks, 0), stepBins;
    for (int64_t l = 0; l < lanes; ++l) {
      int64_t best = -1;
      std::pair<int64_t, int64_t> bestKey{0, 0};
      for (int64_t j = 0; j < nnz; ++j) {
        if (used[l][j])
          continue;
        const int64_t bin = laneBins[l][j];
        // Padding costs nothing but is kept for when nothing else is free.
        const bool shared =
            bin < 0 ||
            std::find(stepBins.begin(), stepBins.end(), bin) != stepBins.end();
        const int64_t cost = shared ? 0 : reads[bankOf(bin)] / ports;
        const std::pair<int64_t, int64_t> key{cost,
                                              bin < 0 ? 0 : -left[bankOf(bin)]};
        if (best < 0 || key < bestKey) {
          best = j;
          bestKey = key;
        }
      }
      used[l][best] = 1;
      order[l][t] = best;
      const int64_t bin = laneBins[l][best];
      if (bin < 0)
        continue;
      --left[bankOf(bin)];
      if (std::find(stepBins.begin(), stepBins.end(), bin) == stepBins.end()) {
        stepBins.push_back(bin);
        ++reads[bankOf(bin)];
      }
    }
  }
  return order;
}

/// Stall cycles of step t in one input lane (spec2/bank_step.h): its
/// busiest bank's extra cycles, a bin read by several lanes counting once;
/// -1 when no lane reads.
int64_t
LaneGroupColoring::stepCost(const std::vector<std::vector<int64_t>> &laneBins,
                         const std::vector<std::vector<int64_t>> &order,
                         int64_t t) const {
  step.resize(laneBins.size());
  for (size_t l = 0; l < laneBins.size(); ++l) {
    const int64_t bin = laneBins[l][order[l][t]];
    step[l] = bin < 0 ? uint16_t(isa::kEntryNoRead) : uint16_t(bin);
  }
  return int64_t(bank::laneStepCycles(step.data(), unsigned(step.size()),
                                      bank::kAnyBin, bank::kAnyGroup, banks,
                                      ports)) -
         1;
}

/// Improves `order` by swapping two steps of one lane while that lowers
/// the stalls of the two steps.
void LaneGroupColoring::improve(const std::vector<std::vector<int64_t>> &laneBins,
                             std::vector<std::vector<int64_t>> &order) const {
  const int64_t lanes = int64_t(laneBins.size());
  const int64_t nnz = int64_t(laneBins[0].size());
  std::vector<int64_t> cost(nnz);
  for (int64_t t = 0; t < nnz; ++t)
    cost[t] = stepCost(laneBins, order, t);
  for (bool better = true; better;) {
    better = false;
    for (int64_t l = 0; l < lanes; ++l)
      for (int64_t a = 0; a < nnz; ++a)
        for (int64_t b = a + 1; b < nnz; ++b) {
          if (cost[a] == 0 && cost[b] == 0)
            continue;
          std::swap(order[l][a], order[l][b]);
          const int64_t ca = stepCost(laneBins, order, a),
                        cb = stepCost(laneBins, order, b);
          if (ca + cb < cost[a] + cost[b]) {
            cost[a] = ca;
            cost[b] = cb;
            better = true;
          } else {
            std::swap(order[l][a], order[l][b]);
          }
        }
  }
}

} // namespace spec2
