//===- LevelReport.h - The report's runtime levels --------------*- C++ -*-===//
//
// With spec2c --runtime-sparsity the report keeps level 0's full figures at
// its top (as a program of one level has them) and adds `runtime_levels`:
// per level its sparsity, weights kept, modeled cycles, fps, DDR bytes and
// modeled energy per inference, from that level's own full report; and
// `program_bytes`: the size of the one program against the levels compiled
// one by one (docs/user-guide.md, "Runtime levels").
//
//===----------------------------------------------------------------------===//
#ifndef SPEC2_REPORT_LEVELREPORT_H
#define SPEC2_REPORT_LEVELREPORT_H

#include "spec2/Target/Program.h"

#include "llvm/Support/JSON.h"

#include <cstdint>

namespace spec2 {

/// The figures of runtime level `level` of `program` from its full report
/// `full` (buildLayerReport, addPerformance and addEnergy of its stream).
llvm::json::Object summarizeLevel(const Program &program, unsigned level,
                                  const llvm::json::Object &full);

/// Bytes of level `level` of `program` written as a program of its own: its
/// instructions and the segments its loads read.
uint64_t standaloneProgramBytes(const Program &program, unsigned level);

} // namespace spec2

#endif // SPEC2_REPORT_LEVELREPORT_H
