//===- OverlayExport.cpp - ovl.program -> Program -------------------------===//
#include "spec2/Export/OverlayExport.h"

#include "Overlay/OverlayDialect.h"
#include "spec2/Support/Constants.h"

#include "llvm/ADT/StringMap.h"

using namespace mlir;

namespace spec2 {

FailureOr<Program> exportProgram(ModuleOp module) {
  ovl::ProgramOp programOp;
  for (auto p : module.getOps<ovl::ProgramOp>()) {
    if (programOp)
      return p.emitOpError(
          "is the second program of the module; export takes one");
    programOp = p;
  }
  if (!programOp)
    return module.emitError(
        "no ovl.program to export (run spec2-spectral-to-overlay)");
  Program prog;
  // Each instruction op carries the location of the layer it implements.
  llvm::StringMap<uint32_t> layerIndex;
  // An instruction of no layer (the closing FINISH) counts with the one
  // before it.
  auto layerOf = [&](Operation *op) {
    auto loc = dyn_cast<NameLoc>(op->getLoc());
    if (!loc && !prog.insnLayers.empty())
      return prog.insnLayers.back();
    std::string name =
        loc ? sanitizedName(loc.getName().getValue()) : "unnamed";
    auto [it, inserted] =
        layerIndex.try_emplace(name, uint32_t(prog.layers.size()));
    if (inserted)
      prog.layers.push_back(name);
    return it->second;
  };
  prog.configName = programOp.getConfig().str();
  prog.configHash = uint64_t(programOp.getConfigHash());
  prog.dramBytes = uint64_t(programOp.getDramBytes());
  for (Operation &op : programOp.getBody().front()) {
    if (auto seg = dyn_cast<ovl::SegmentOp>(op)) {
      auto bytes = readBytes(seg.getData());
      if (!bytes)
        return seg.emitOpError("data is not readable as bytes");
      prog.segments.push_back({seg.getName().str(), uint64_t(seg.getDramAddr()),
                               std::move(*bytes)});
    } else if (auto t = dyn_cast<ovl::TensorOp>(op)) {
      TensorDesc d;
      d.name = t.getName().str();
      d.dramAddr = uint64_t(t.getDramAddr());
      for (int64_t v : t.getDims())
        d.dims.push_back(uint32_t(v));
      d.fracBits = int8_t(t.getFrac());
      (t.getKind() == "input" ? prog.inputs : prog.outputs)
          .push_back(std::move(d));
    } else if (ovl::isInstruction(&op)) {
      auto w = ovl::encodeInsn(&op);
      if (failed(w))
        return failure();
      prog.insns.push_back(*w);
      prog.insnLayers.push_back(layerOf(&op));
    } else {
      return op.emitOpError("cannot be exported");
    }
  }
  return prog;
}

} // namespace spec2
