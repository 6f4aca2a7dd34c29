# Generates the C++ header that gives the HLS kernel and the C-simulation one
# overlay configuration as compile-time constants. Script mode, so a Vitis
# build needs nothing but CMake:
#   cmake -DCONFIG=hw/configs/u200.json -DOUT=build/spec2_config.h -P hw/cmake/gen-config.cmake
# The order of the values follows struct spec2::OverlayConfig
# (hw/include/spec2/overlay_config.h); a unit test checks the generated header
# against the compiler's own JSON reader field by field.
if(NOT CONFIG OR NOT OUT)
  message(FATAL_ERROR "usage: cmake -DCONFIG=cfg.json -DOUT=header.h -P gen-config.cmake")
endif()
file(READ "${CONFIG}" json)
string(JSON name GET "${json}" name)
set(keys
  fft_size pin pout spec_banks spec_ports fft_points_per_cycle
  ifft_points_per_cycle fc_lanes vec_lanes
  "buffers inp" "buffers ker" "buffers bias" "buffers fcx" "buffers spec"
  "buffers oacc" "buffers facc" "buffers out"
  clock_mhz ddr_mb_per_s dma_latency
  "pipeline_depth fft" "pipeline_depth smac" "pipeline_depth ifft"
  "pipeline_depth fc" "pipeline_depth vec"
  "device dsp" "device bram18" "device uram")
set(values "")
foreach(key IN LISTS keys)
  string(REPLACE " " ";" path "${key}")
  string(JSON v GET "${json}" ${path})
  if(NOT v MATCHES "^[0-9]+$")
    message(FATAL_ERROR "${CONFIG}: '${key}' must be a non-negative integer, got '${v}'")
  endif()
  string(APPEND values "    ${v}u, // ${key}\n")
endforeach()
set(content "// Generated from ${CONFIG} by hw/cmake/gen-config.cmake. Do not edit.
#ifndef SPEC2_GENERATED_CONFIG_H
#define SPEC2_GENERATED_CONFIG_H
#include \"spec2/overlay_config.h\"
namespace spec2 {
namespace hwcfg {
constexpr const char *kConfigName = \"${name}\";
constexpr OverlayConfig kConfig = {
${values}};
constexpr uint64_t kConfigHash = configHash(kConfig);
} // namespace hwcfg
} // namespace spec2
#endif
")
file(WRITE "${OUT}.tmp" "${content}")
file(COPY_FILE "${OUT}.tmp" "${OUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUT}.tmp")
