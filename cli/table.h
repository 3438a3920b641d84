// SPDX-License-Identifier: Apache-2.0
//
// Aligned text tables for `ipckit list` and `ipckit stats`: a header line,
// columns two spaces apart, numbers right-aligned, no trailing blanks.
#pragma once

#include <string>
#include <vector>

namespace ipckit::cli {

struct Column {
    std::string name;
    bool rightAlign = false;
};

// Every line starts with `indent`. Rows shorter than the header are padded
// with empty cells.
std::string FormatTable(const std::vector<Column>& columns,
                        const std::vector<std::vector<std::string>>& rows,
                        const std::string& indent = "");

}  // namespace ipckit::cli
