//===- Device.cpp - Choosing a device -------------------------------------===//
#include "spec2/Runtime/Device.h"

using namespace llvm;

namespace spec2 {

Expected<DeviceSpec> parseDeviceSpec(StringRef text, StringRef xclbin) {
  DeviceSpec spec;
  spec.xclbin = xclbin.str();
  if (text == "sim") {
    if (!xclbin.empty())
      return createStringError(inconvertibleErrorCode(),
                               "--xclbin needs --device=xrt");
    return spec;
  }
  StringRef rest = text;
  if (rest.consume_front("xrt")) {
    spec.kind = DeviceSpec::Xrt;
    if (rest.empty() || (rest.consume_front(":") &&
                         !rest.getAsInteger(10, spec.index)))
      return spec;
  }
  return createStringError(inconvertibleErrorCode(),
                           "unknown device '" + text +
                               "': expected sim, xrt or xrt:INDEX");
}

Expected<std::unique_ptr<Device>> openDevice(const DeviceSpec &spec,
                                             const NamedOverlayConfig &cfg) {
  if (spec.kind == DeviceSpec::Xrt)
    return openXrtDevice(cfg, spec.xclbin, spec.index);
  return openSimDevice(cfg.hash, cfg.name);
}

} // namespace spec2
