# Generates the C++ header that gives the HLS kernel and the C-simulation one
# overlay configuration as compile-time constants. Script mode, so a Vitis
# build needs nothing but CMake:
#   cmake -DCONFIG=hw/configs/u200.json -DOUT=build/spec2_config.h -P hw/cmake/gen-config.cmake
# The fields, their order and their valid ranges are not written here: they
# are read from the X-macro SPEC2_OVERLAY_CONFIG_FIELDS in
# hw/include/spec2/overlay_config.h, the list the compiler's JSON reader is
# built from too. Out-of-range values fail here with the reader's message; the
# reader's cross-field rule (spec_banks <= N*(N/2+1)) is checked by the
# compiler, and a unit test checks the generated header against the reader
# field by field.
if(NOT CONFIG OR NOT OUT)
  message(FATAL_ERROR "usage: cmake -DCONFIG=cfg.json -DOUT=header.h -P gen-config.cmake")
endif()
set(fields_header "${CMAKE_CURRENT_LIST_DIR}/../include/spec2/overlay_config.h")

# Errors are preformatted (leading spaces), so CMake prints each on one line.
function(fail msg)
  message(FATAL_ERROR "  gen-config: ${CONFIG}: ${msg}")
endfunction()

# The named bounds: `constexpr uint32_t kName = <decimal>u;` (kNoMax and
# kMaxBufferDepth among them, which the messages below name).
file(STRINGS "${fields_header}" bound_lines
     REGEX "^constexpr uint32_t k[A-Za-z0-9]+ = [0-9]+u?;")
foreach(line IN LISTS bound_lines)
  string(REGEX MATCH "^constexpr uint32_t (k[A-Za-z0-9]+) = ([0-9]+)u?;" _ "${line}")
  set("bound_${CMAKE_MATCH_1}" "${CMAKE_MATCH_2}")
endforeach()

# A bound is a decimal literal or one of the names above.
function(resolve_bound token out)
  if(token MATCHES "^[0-9]+$")
    set(${out} "${token}" PARENT_SCOPE)
  elseif(DEFINED "bound_${token}")
    set(${out} "${bound_${token}}" PARENT_SCOPE)
  else()
    message(FATAL_ERROR "  gen-config: ${fields_header}: unknown bound '${token}'")
  endif()
endfunction()

# The fields: `X(member, "key", min, max, rule, "doc")`, one per line; no ';'
# in a doc (it would split a CMake list). Every line that starts with X( must
# parse, so a field is never skipped.
file(READ "${fields_header}" header_text)
set(field_regex
    "X\\(([A-Za-z0-9]+), *\"([a-z0-9_.]+)\", *([A-Za-z0-9]+), *([A-Za-z0-9]+), *([A-Za-z0-9]+), *\"([^\";]*)\"\\)")
string(REGEX MATCHALL "${field_regex}" field_lines "${header_text}")
string(REGEX MATCHALL "\n *X\\(" field_starts "${header_text}")
list(LENGTH field_lines field_count)
list(LENGTH field_starts start_count)
if(field_count EQUAL 0 OR NOT field_count EQUAL start_count)
  message(FATAL_ERROR "  gen-config: ${fields_header}: ${start_count} lines start "
                      "with X( but ${field_count} parse as X(member, \"key\", min, max, rule, \"doc\")")
endif()

file(READ "${CONFIG}" json)
string(JSON name ERROR_VARIABLE err GET "${json}" name)
if(err)
  fail("'name' must be present and a string")
endif()

set(values "")
foreach(line IN LISTS field_lines)
  string(REGEX MATCH "${field_regex}" _ "${line}")
  set(key "${CMAKE_MATCH_2}")
  set(rule "${CMAKE_MATCH_5}")
  resolve_bound("${CMAKE_MATCH_3}" lo)
  resolve_bound("${CMAKE_MATCH_4}" hi)

  string(REPLACE "." ";" path "${key}")
  string(JSON type ERROR_VARIABLE err TYPE "${json}" ${path})
  if(err)
    fail("'${key}' is missing")
  endif()
  string(JSON v GET "${json}" ${path})
  if(NOT type STREQUAL "NUMBER" OR NOT v MATCHES "^[0-9]+$" OR v GREATER 4294967295)
    if(type STREQUAL "STRING")
      set(v "\"${v}\"")
    endif()
    fail("'${key}' must be a non-negative integer that fits 32 bits, got ${v}")
  endif()

  # The same test and words as the reader's (OverlayConfigFile.cpp,
  # describeValidValues).
  set(ok TRUE)
  if(v LESS lo OR v GREATER hi)
    set(ok FALSE)
  endif()
  set(range "")
  if(NOT hi EQUAL bound_kNoMax)
    set(range "in [${lo}, ${hi}]")
  elseif(lo GREATER 0)
    set(range "at least ${lo}")
  endif()
  if(rule STREQUAL "PowerOfTwo")
    if(range)
      set(range "a power of two ${range}")
    else()
      set(range "a power of two")
    endif()
    math(EXPR low_bits "${v} & (${v} - 1)")
    if(NOT low_bits EQUAL 0)
      set(ok FALSE)
    endif()
  elseif(NOT rule STREQUAL "Any")
    message(FATAL_ERROR "  gen-config: ${fields_header}: unknown rule '${rule}' of '${key}'")
  endif()
  if(hi EQUAL bound_kMaxBufferDepth)
    set(bits 0)
    set(p 1)
    while(p LESS hi)
      math(EXPR p "${p} * 2")
      math(EXPR bits "${bits} + 1")
    endwhile()
    string(APPEND range " (addresses are ${bits} bits)")
  endif()
  if(NOT ok)
    fail("'${key}' must be ${range}, got ${v}")
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
static_assert(sizeof(OverlayConfig) == ${field_count} * sizeof(uint32_t),
              \"overlay_config.h has changed since this header was generated\");
constexpr uint64_t kConfigHash = configHash(kConfig);
} // namespace hwcfg
} // namespace spec2
#endif
")
file(WRITE "${OUT}.tmp" "${content}")
file(COPY_FILE "${OUT}.tmp" "${OUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUT}.tmp")
