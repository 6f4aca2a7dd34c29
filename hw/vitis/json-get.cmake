# Prints one value of an overlay configuration file, for the Makefile:
# (This helper is plain CMake and has been run here; the rest of hw/vitis has not.)
#   cmake -DCONFIG=../configs/u200.json -DKEY="device part" -P json-get.cmake
# KEY is a space-separated path into the JSON object.
if(NOT CONFIG OR NOT KEY)
  message(FATAL_ERROR "usage: cmake -DCONFIG=cfg.json -DKEY=\"a b\" -P json-get.cmake")
endif()
file(READ "${CONFIG}" json)
string(REPLACE " " ";" path "${KEY}")
string(JSON value GET "${json}" ${path})
execute_process(COMMAND ${CMAKE_COMMAND} -E echo "${value}")
