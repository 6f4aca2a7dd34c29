# Vitis HLS synthesis of ONE kernel of the spec2 overlay, exported to
# the Vivado IP catalog for the block design of bd.tcl.
#
# NOT RUN HERE: Vitis HLS is not installed on the machines this project is
# developed on, so this script has never been executed. It is written for
# Vitis HLS 2023.x from the documentation; expect to fix details on a first
# run (see hw/README.md, "Building for an Alveo U200").
#
# Driven by the Makefile, one call per kernel, with the environment:
#   SPEC2_KERNEL     spec2_fetch | spec2_load | spec2_compute | spec2_retire |
#                    spec2_fft | spec2_sconv | spec2_vector | spec2_store
#   SPEC2_HW_NS      configuration namespace, e.g. hw_u200
#   SPEC2_HW_DIR     the hw/ directory
#   SPEC2_GEN_DIR    directory of the generated spec2_config.h
#   SPEC2_PART       FPGA part, e.g. xcu200-fsgd2104-2-e
#   SPEC2_CLOCK_MHZ  clock_mhz of the configuration
set kernel $::env(SPEC2_KERNEL)
set ns     $::env(SPEC2_HW_NS)
set hw     $::env(SPEC2_HW_DIR)
set gen    $::env(SPEC2_GEN_DIR)

# The same sources and defines as the C-simulation (hw/CMakeLists.txt); the
# HLS source is C++14-clean.
set cflags "-std=c++14 -DSPEC2_HW_NS=$ns -I$hw/include -I$hw/src -I$gen"

# The top functions live in namespace spec2::<ns> (top.cpp).
set top "spec2::${ns}::${kernel}"

open_project -reset $kernel
set_top $top
foreach f {top load store fft spectral_conv fc vector_unit} {
  add_files $hw/src/$f.cpp -cflags $cflags
}

# Vivado IP flow: the kernels share on-chip memories through BRAM ports,
# which the Vitis (XRT) kernel flow does not allow. bd.tcl joins them and
# packages the whole overlay as one XRT kernel.
open_solution -reset sol -flow_target vivado
set_part $::env(SPEC2_PART)
create_clock -period [expr {1000.0 / $::env(SPEC2_CLOCK_MHZ)}] -name default
config_rtl -reset_level low
# Let HLS widen the byte-wide DRAM port to whole 512-bit beats where it can.
config_interface -m_axi_max_widen_bitwidth 512

# Interfaces that top.cpp leaves to the defaults. The on-chip buffers arrive
# as one `Buffers &buf` struct: split it into one BRAM port per member the
# kernel uses (port buf_<member>, IP interface buf_<member>_PORTA). A kernel
# that only reads or only writes a buffer gets one port (the other kernel on
# that memory has the other port of the true-dual-port BRAM); one that reads
# and writes it in the same pipelined loop (OACC: overlap-and-add, OUTQ's
# clearing; FACC) asks for two (ram_2p), which bd.tcl can only give it where
# no other kernel needs the memory (see hw/README.md, "Before a first
# synthesis run").
set single {
  spec2_load   {inp ker bias fcx}
  spec2_fft    {inp spec}
  spec2_sconv  {ker spec}
  spec2_vector {inp ker bias fcx out}
  spec2_store  {out}
}
set double {
  spec2_sconv  {oacc}
  spec2_vector {oacc facc}
}
if {[dict exists $single $kernel]} {
  set_directive_disaggregate $top buf
  foreach m [dict get $single $kernel] {
    set_directive_interface -mode bram -storage_type ram_1p $top buf.$m
  }
  if {[dict exists $double $kernel]} {
    foreach m [dict get $double $kernel] {
      set_directive_interface -mode bram -storage_type ram_2p $top buf.$m
    }
  }
  # Performance counters, readable by the host.
  set_directive_interface -mode s_axilite -bundle control $top act
}
if {$kernel in {spec2_load spec2_store}} {
  set_directive_interface -mode s_axilite -bundle control $top dramBytes
}
# spec2_sconv (a free-running, ap_ctrl_none DATAFLOW region): successive
# calls must overlap, the next SCONV's MAC process starting while the
# previous one's overlap-and-add drains; check it in co-simulation
# (hw/README.md, "Before a first synthesis run").

csynth_design
export_design -format ip_catalog -vendor spec2 -library hls -version 1.0 \
  -ipname $kernel -rtl verilog
exit
