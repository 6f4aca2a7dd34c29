# lit configuration for spec2c's FileCheck tests.
import os
import lit.formats

config.name = "spec2c"
config.test_format = lit.formats.ShTest(not config.llvm_use_internal_shell)
config.suffixes = [".mlir", ".onnxtxt", ".test"]
config.excludes = ["Inputs", "lit.cfg.py", "lit.site.cfg.py"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.spec2_obj_root, "test", "lit")

# Tools under test first, then LLVM's FileCheck/not.
config.environment["PATH"] = os.pathsep.join(
    [config.spec2_tools_dir, config.llvm_tools_dir, config.environment.get("PATH", "")])
config.substitutions.append(("%models", os.path.join(config.spec2_src_root, "models")))
# The real-card device exists only where XRT is installed.
if config.spec2_have_xrt:
    config.available_features.add("xrt")
    config.substitutions.append(("%xrt_libdir", config.spec2_xrt_libdir))
config.substitutions.append(("%srcroot", config.spec2_src_root))
