//===- spec2-as.cpp - Assemble and disassemble overlay programs -----------===//
//
// spec2-as IN.s2asm -o OUT.s2b [--target NAME|CFG.json]
// spec2-as -d IN.s2b [-o OUT] [--no-data] [--target NAME|CFG.json]
//
// Assembling verifies the program against its configuration (the .config
// name, or --target) before anything is written; disassembling checks the
// file's format and checksum, and with --target also verifies it.
//
//===----------------------------------------------------------------------===//

#include "spec2/Support/Diagnostics.h"
#include "spec2/Target/Assembler.h"
#include "spec2/Target/OverlayConfigFile.h"
#include "spec2/Target/ProgramFormat.h"
#include "spec2/Target/ProgramVerifier.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"

#include <optional>

using namespace llvm;

namespace {

cl::OptionCategory category("spec2-as options");
cl::opt<std::string> inputFile(cl::Positional, cl::desc("<input>"),
                               cl::Required, cl::cat(category));
cl::opt<std::string> outputFile("o", cl::desc("Output file ('-' = stdout)"),
                                cl::value_desc("file"), cl::init(""),
                                cl::cat(category));
cl::opt<bool> disassemble("d", cl::desc("Disassemble a .s2b file to text"),
                          cl::cat(category));
cl::opt<bool> noData("no-data",
                     cl::desc("With -d: omit segment data (the listing "
                              "then cannot be re-assembled)"),
                     cl::cat(category));
cl::opt<std::string>
    target("target",
           cl::desc("Configuration to verify against: a built-in name such as "
                    "u200, or a .json file (default: the program's .config)"),
           cl::value_desc("name|file"), cl::cat(category));

constexpr StringRef kTool = "spec2-as";

/// Prints every error in `e` as "spec2-as: error: FILE: message".
int fail(StringRef file, Error e) {
  handleAllErrors(std::move(e), [&](const ErrorInfoBase &info) {
    spec2::reportError(kTool, file + ": " + info.message());
  });
  return 1;
}

/// The configuration --target names, loaded before anything else.
std::optional<spec2::NamedOverlayConfig> explicitTarget;

/// The configuration to verify `program` against: --target, else the one
/// its .config names.
Expected<spec2::NamedOverlayConfig> targetFor(const spec2::Program &program) {
  if (explicitTarget)
    return *explicitTarget;
  return spec2::resolveTarget(program.configName);
}

/// The hash a ".config NAME" without one stands for: that of --target when
/// it has this name, else that of the built-in configuration NAME.
Expected<uint64_t> hashOf(StringRef configName) {
  if (explicitTarget && explicitTarget->name == configName)
    return explicitTarget->hash;
  Expected<spec2::NamedOverlayConfig> config = spec2::resolveTarget(configName);
  if (!config)
    return config.takeError();
  return config->hash;
}

/// Writes `write`'s output to outputFile (stdout without it) through a
/// temporary file renamed when complete: never a truncated output.
int emit(function_ref<void(raw_ostream &)> write) {
  std::string path = outputFile.empty() ? std::string("-") : outputFile;
  Error e = writeToOutput(path, [&](raw_ostream &os) -> Error {
    write(os);
    return Error::success();
  });
  if (e) {
    spec2::reportError(kTool, "cannot write '" + path +
                                  "': " + toString(std::move(e)));
    return 1;
  }
  return 0;
}

int runAssemble() {
  if (outputFile.empty()) {
    spec2::reportError(kTool, "no output file; use -o OUT.s2b");
    return 1;
  }
  auto buffer = MemoryBuffer::getFileOrSTDIN(inputFile, /*IsText=*/true);
  if (!buffer) {
    spec2::reportError(kTool, "cannot read '" + inputFile +
                                  "': " + buffer.getError().message());
    return 1;
  }
  Expected<spec2::Program> program =
      spec2::parseProgram((*buffer)->getBuffer(), inputFile, hashOf);
  if (!program) {
    // Already a complete "FILE:LINE:COL: error: ..." diagnostic.
    errs() << toString(program.takeError()) << "\n";
    return 1;
  }
  Expected<spec2::NamedOverlayConfig> config = targetFor(*program);
  if (!config)
    return fail(inputFile, config.takeError());
  if (Error e = spec2::verifyProgram(*program, *config))
    return fail(inputFile, std::move(e));
  std::vector<uint8_t> bytes = spec2::writeProgram(*program);
  return emit(
      [&](raw_ostream &os) {
        os.write(reinterpret_cast<const char *>(bytes.data()), bytes.size());
      });
}

int runDisassemble() {
  auto buffer = MemoryBuffer::getFileOrSTDIN(inputFile, /*IsText=*/false,
                                             /*RequiresNullTerminator=*/false);
  if (!buffer) {
    spec2::reportError(kTool, "cannot read '" + inputFile +
                                  "': " + buffer.getError().message());
    return 1;
  }
  StringRef data = (*buffer)->getBuffer();
  Expected<spec2::Program> program = spec2::readProgram(
      ArrayRef<uint8_t>(reinterpret_cast<const uint8_t *>(data.data()),
                        data.size()),
      inputFile);
  if (!program) {
    // readProgram's messages already start with the file name.
    handleAllErrors(program.takeError(), [](const ErrorInfoBase &info) {
      spec2::reportError(kTool, info.message());
    });
    return 1;
  }
  if (explicitTarget) {
    Expected<spec2::NamedOverlayConfig> config = targetFor(*program);
    if (!config)
      return fail(inputFile, config.takeError());
    if (Error e = spec2::verifyProgram(*program, *config))
      return fail(inputFile, std::move(e));
  }
  return emit(
      [&](raw_ostream &os) { spec2::printProgram(*program, os, !noData); });
}

} // namespace

int main(int argc, char **argv) {
  InitLLVM init(argc, argv);
  cl::HideUnrelatedOptions({&category});
  cl::ParseCommandLineOptions(
      argc, argv,
      "spec2-as: assemble (.s2asm -> .s2b) or disassemble (-d) overlay "
      "programs\n");
  if (noData && !disassemble) {
    spec2::reportError(kTool, "--no-data only applies to -d");
    return 1;
  }
  if (!target.empty()) {
    Expected<spec2::NamedOverlayConfig> config = spec2::resolveTarget(target);
    if (!config) {
      spec2::reportError(kTool, toString(config.takeError()));
      return 1;
    }
    explicitTarget = std::move(*config);
  }
  return disassemble ? runDisassemble() : runAssemble();
}
