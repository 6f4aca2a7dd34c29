//===- make-test-xclbin.cpp - A stand-in bitstream for XRT's noop shim ----===//
//
// Writes an xclbin with no bitstream, only the sections the XRT device reads:
// a memory topology with the bank hw/vitis/link.cfg uses (DDR[0]) and an IP
// layout with the packaged overlay's compute unit. With XCL_EMULATION_MODE=
// noop, XRT then opens a device, loads this file, allocates buffers and
// opens the IP, which is as far as a machine without a card can take the
// XRT device (test/lit/tools/spec2-run-xrt.test).
//
//   make-test-xclbin OUT.xclbin
//
//===----------------------------------------------------------------------===//
#include <xclbin.h>

#include <cstdio>
#include <cstring>
#include <vector>

int main(int argc, char **argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: make-test-xclbin OUT.xclbin\n");
    return 2;
  }
  mem_topology mem{};
  mem.m_count = 1;
  mem.m_mem_data[0].m_type = MEM_DDR4;
  mem.m_mem_data[0].m_used = 1;
  mem.m_mem_data[0].m_size = 16 * 1024 * 1024; // KiB
  std::strcpy(reinterpret_cast<char *>(mem.m_mem_data[0].m_tag), "DDR[0]");
  ip_layout ip{};
  ip.m_count = 1;
  ip.m_ip_data[0].m_type = IP_KERNEL;
  ip.m_ip_data[0].properties = AP_CTRL_NONE << IP_CONTROL_SHIFT;
  ip.m_ip_data[0].m_base_address = 0x1800000;
  std::strcpy(reinterpret_cast<char *>(ip.m_ip_data[0].m_name),
              "spec2_overlay:spec2_overlay_1");

  const size_t head = sizeof(axlf) + sizeof(axlf_section_header); // 2 sections
  std::vector<char> file(head + sizeof(mem) + sizeof(ip), 0);
  axlf *a = reinterpret_cast<axlf *>(file.data());
  std::memcpy(a->m_magic, "xclbin2", 8);
  a->m_signature_length = -1;
  std::memset(a->reserved, 0xff, sizeof(a->reserved));
  a->m_header.m_length = file.size();
  a->m_header.m_versionMajor = 2;
  a->m_header.m_mode = XCLBIN_FLAT;
  for (unsigned i = 0; i < sizeof(a->m_header.uuid); ++i)
    a->m_header.uuid[i] = static_cast<unsigned char>(0x50 + i);
  a->m_header.m_numSections = 2;
  axlf_section_header *s = a->m_sections;
  s[0].m_sectionKind = MEM_TOPOLOGY;
  std::strcpy(s[0].m_sectionName, "mem_topology");
  s[0].m_sectionOffset = head;
  s[0].m_sectionSize = sizeof(mem);
  s[1].m_sectionKind = IP_LAYOUT;
  std::strcpy(s[1].m_sectionName, "ip_layout");
  s[1].m_sectionOffset = head + sizeof(mem);
  s[1].m_sectionSize = sizeof(ip);
  std::memcpy(file.data() + s[0].m_sectionOffset, &mem, sizeof(mem));
  std::memcpy(file.data() + s[1].m_sectionOffset, &ip, sizeof(ip));
  FILE *out = std::fopen(argv[1], "wb");
  if (!out || std::fwrite(file.data(), 1, file.size(), out) != file.size() ||
      std::fclose(out) != 0) {
    std::perror(argv[1]);
    return 1;
  }
  return 0;
}
