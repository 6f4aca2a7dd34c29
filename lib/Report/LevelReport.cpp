//===- LevelReport.cpp - The report's runtime levels ----------------------===//
#include "spec2/Report/LevelReport.h"

#include "spec2/Target/ProgramFormat.h"

#include <set>

namespace spec2 {

llvm::json::Object summarizeLevel(const Program &program, unsigned level,
                                  const llvm::json::Object &full) {
  const llvm::json::Object *total = full.getObject("total");
  auto integer = [&](llvm::StringRef key) -> llvm::json::Value {
    if (auto v = total ? total->getInteger(key) : std::nullopt)
      return *v;
    return nullptr;
  };
  auto number = [&](const llvm::json::Object *o,
                    llvm::StringRef key) -> llvm::json::Value {
    if (auto v = o ? o->getNumber(key) : std::nullopt)
      return *v;
    return nullptr;
  };
  const llvm::json::Object *energy = total ? total->getObject("energy") : nullptr;
  const double ms = total && total->getNumber("modeled_ms")
                        ? *total->getNumber("modeled_ms")
                        : 0.0;
  const double sparsity =
      program.levels.empty() ? 0.0 : program.levels[level].sparsity();
  return llvm::json::Object{
      {"level", int64_t(level)},
      {"sparsity", sparsity},
      {"spectral_weights", integer("spectral_weights")},
      {"spectral_nonzeros", integer("spectral_nonzeros")},
      {"spectral_sparsity", number(total, "spectral_sparsity")},
      {"fc_nonzeros", integer("fc_nonzeros")},
      {"macs_executed", integer("macs_executed")},
      {"instructions", int64_t(program.levelInsns(level).size())},
      {"modeled_cycles", integer("modeled_cycles")},
      {"modeled_ms", ms},
      {"fps", ms > 0 ? 1e3 / ms : 0.0},
      {"ddr_bytes", integer("ddr_bytes")},
      {"energy_mj", number(energy, "total_mj")},
      {"average_power_w", number(energy, "average_power_w")},
      {"gop_per_s_per_w", number(energy, "gop_per_s_per_w")}};
}

uint64_t standaloneProgramBytes(const Program &program, unsigned level) {
  Program alone = program.levelProgram(level);
  // The segments its loads read (a load reads inside one segment).
  std::set<size_t> used;
  for (const isa::Word &w : alone.insns) {
    if (isa::getField(w, isa::kOpcode) != isa::kLoad)
      continue;
    const uint64_t addr = isa::getField(w, isa::load::kDramAddr);
    for (size_t s = 0; s < alone.segments.size(); ++s)
      if (addr >= alone.segments[s].dramAddr &&
          addr < alone.segments[s].dramAddr + alone.segments[s].bytes.size())
        used.insert(s);
  }
  std::vector<Segment> kept;
  for (size_t s : used)
    kept.push_back(std::move(alone.segments[s]));
  alone.segments = std::move(kept);
  return writeProgram(alone).size();
}

} // namespace spec2
