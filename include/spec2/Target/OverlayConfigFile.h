//===- OverlayConfigFile.h - Read hw/configs/*.json -------------*- C++ -*-===//
//
// The compiler's view of an overlay configuration: the JSON file that
// hw/cmake/gen-config.cmake also turns into the hardware's compile-time
// constants, validated so that everything downstream may rely on it.
//
//===----------------------------------------------------------------------===//
#ifndef SPEC2_TARGET_OVERLAYCONFIGFILE_H
#define SPEC2_TARGET_OVERLAYCONFIGFILE_H

#include "spec2/Target/DefaultTarget.h"
#include "spec2/overlay_config.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <string>

namespace spec2 {

/// A validated configuration with its name and spec2::configHash.
struct NamedOverlayConfig {
  std::string name;
  OverlayConfig config;
  uint64_t hash;
};

/// One numeric key of the JSON file ("buffers.ker"): the struct member it
/// fills and the values it may take. One per line of
/// SPEC2_OVERLAY_CONFIG_FIELDS, in its order (struct order).
struct OverlayConfigKey {
  llvm::StringLiteral key;
  uint32_t OverlayConfig::*member;
  uint32_t min, max;
  ConfigRule rule;
  llvm::StringLiteral doc;
};

/// Every numeric key of a configuration file.
llvm::ArrayRef<OverlayConfigKey> overlayConfigKeys();

/// The values `k` may take, worded to follow "must be": "a power of two in
/// [4, 16]", "at least 1", "in [1, 1048576] (addresses are 20 bits)", or ""
/// when every 32-bit value is valid.
std::string describeValidValues(const OverlayConfigKey &k);

/// Parses and validates a configuration held in memory; `fileName` prefixes
/// every error ("u200.json: 'buffers.ker' must be ...").
llvm::Expected<NamedOverlayConfig> parseOverlayConfig(llvm::StringRef json,
                                                      llvm::StringRef fileName);

/// Reads and validates a configuration file.
llvm::Expected<NamedOverlayConfig> readOverlayConfig(llvm::StringRef path);

/// The directory of the configurations that ship with spec2 (hw/configs).
llvm::StringRef builtinConfigDir();

/// Reads the configuration `nameOrPath`: a path to a .json file, or the bare
/// name of one in builtinConfigDir() such as "u200".
llvm::Expected<NamedOverlayConfig> resolveTarget(llvm::StringRef nameOrPath);

} // namespace spec2

#endif // SPEC2_TARGET_OVERLAYCONFIGFILE_H
