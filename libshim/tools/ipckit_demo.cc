// SPDX-License-Identifier: Apache-2.0
//
// ipckit-demo: the `make run` walkthrough. Connects to a binder device
// through libipckit and shows what answers there.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>

#include <ipckit/ipc_kit.h>

namespace {

std::string DeviceName(const std::string& path) {
    auto slash = path.rfind('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

}  // namespace

int main(int argc, char** argv) {
    if (argc > 1 && (std::string(argv[1]) == "-h" || std::string(argv[1]) == "--help")) {
        std::cout << "usage: ipckit-demo [DEVICE]\n"
                     "Connect to DEVICE (default: $IPCKIT_DEVICE or /dev/binder),\n"
                     "print the driver's versions and map the receive area.\n";
        return 0;
    }
    const std::string path = argc > 1 ? argv[1] : ipckit::DefaultDevicePath();

    auto driver = ipckit::BinderDriver::Open(path);
    if (!driver) {
        std::cerr << "ipckit-demo: " << driver.error().message << "\n";
        return 1;
    }
    std::cout << "ipckit-demo: connected to " << driver->path() << "\n"
              << "  binder protocol version: " << driver->protocolVersion() << "\n";
    if (const auto& info = driver->ipckit())
        std::cout << "  driver: ipckit, extension ABI " << info->abiVersion << "\n";
    else
        std::cout << "  driver: not ipckit (no IPCKIT_GET_VERSION)\n";
    std::cout << "  receive area: " << driver->mappingSize() / 1024 << " KiB read-only at "
              << driver->mapping() << "\n";

    std::ifstream stats("/sys/kernel/debug/ipckit/" + DeviceName(path) + "/stats");
    if (stats) {
        std::cout << "  debugfs stats:";
        std::string key, value;
        while (stats >> key >> value)
            std::cout << " " << key << "=" << value;
        std::cout << "\n";
    }
    return 0;
}
