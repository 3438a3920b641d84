// SPDX-License-Identifier: Apache-2.0
//
// <state>/device.json: {"networkId": "<64 hex>", "name": "..."}.
#include "daemon/identity.h"

#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "discovery/discovery_payload.h"

namespace ipckit::softbus {

namespace {

Result<std::string> RandomNetworkId()
{
    uint8_t bytes[32];
    std::size_t got = 0;
    while (got < sizeof(bytes)) {
        ssize_t n = getrandom(bytes + got, sizeof(bytes) - got, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return Error{errno, std::string("getrandom: ") + std::strerror(errno)};
        got += static_cast<std::size_t>(n);
    }
    static const char hex[] = "0123456789abcdef";
    std::string id;
    for (uint8_t b : bytes) {
        id += hex[b >> 4];
        id += hex[b & 15];
    }
    return id;
}

Status Write(const std::string& path, const Identity& identity)
{
    nlohmann::json j = {{"networkId", identity.networkId}, {"name", identity.name}};
    std::string tmp = path + ".tmp";
    {
        std::ofstream out(tmp, std::ios::trunc);
        out << j.dump(2) << "\n";
        if (!out)
            return Error{EIO, "cannot write " + tmp};
    }
    if (::rename(tmp.c_str(), path.c_str()) != 0)
        return Error{errno, "cannot rename " + tmp + ": " + std::strerror(errno)};
    return Ok{};
}

std::string DefaultName()
{
    char host[65] = {};
    if (gethostname(host, sizeof(host) - 1) == 0 && IsValidDeviceName(host) &&
        std::strcmp(host, "(none)") != 0)
        return host;
    return "ipckit-device";
}

}  // namespace

Result<Identity> LoadOrCreateIdentity(const std::string& stateDir, const std::string& name)
{
    if (!name.empty() && !IsValidDeviceName(name))
        return Error{EINVAL, "device name '" + name + "' is not 1..64 printable characters"};
    if (::mkdir(stateDir.c_str(), 0700) != 0 && errno != EEXIST)
        return Error{errno, "cannot create state directory " + stateDir + ": " +
                                std::strerror(errno)};
    std::string path = stateDir + "/device.json";
    Identity identity;
    std::ifstream in(path);
    if (in) {
        std::stringstream text;
        text << in.rdbuf();
        auto j = nlohmann::json::parse(text.str(), nullptr, false);
        if (j.is_discarded() || !j.is_object() || !j.contains("networkId") ||
            !j["networkId"].is_string() || !IsValidNetworkId(j["networkId"].get<std::string>()) ||
            !j.contains("name") || !j["name"].is_string() ||
            !IsValidDeviceName(j["name"].get<std::string>()))
            return Error{EINVAL, path + " is malformed (want {\"networkId\": 64 hex, "
                                        "\"name\": ...}); move it away to make a new identity"};
        identity.networkId = j["networkId"].get<std::string>();
        identity.name = j["name"].get<std::string>();
        if (name.empty() || name == identity.name)
            return identity;
        identity.name = name;
    } else {
        auto id = RandomNetworkId();
        if (!id)
            return id.error();
        identity.networkId = id.value();
        identity.name = name.empty() ? DefaultName() : name;
    }
    auto written = Write(path, identity);
    if (!written)
        return written.error();
    return identity;
}

}  // namespace ipckit::softbus
