// SPDX-License-Identifier: Apache-2.0
//
// FormatTable (see table.h).
#include "table.h"

#include <algorithm>

namespace ipckit::cli {
namespace {

// Columns on a terminal: UTF-8 characters, not bytes ("…", "µs").
std::size_t Width(const std::string& text)
{
    return static_cast<std::size_t>(std::count_if(
        text.begin(), text.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

}  // namespace

std::string FormatTable(const std::vector<Column>& columns,
                        const std::vector<std::vector<std::string>>& rows,
                        const std::string& indent)
{
    std::vector<std::size_t> width(columns.size());
    for (std::size_t c = 0; c < columns.size(); c++) {
        width[c] = Width(columns[c].name);
        for (const auto& row : rows)
            if (c < row.size())
                width[c] = std::max(width[c], Width(row[c]));
    }
    auto line = [&](auto cell) {
        std::string out = indent;
        for (std::size_t c = 0; c < columns.size(); c++) {
            const std::string text = cell(c);
            const std::string pad(width[c] - Width(text), ' ');
            if (c > 0)
                out += "  ";
            const bool last = c + 1 == columns.size();
            if (columns[c].rightAlign)
                out += pad + text;
            else
                out += last ? text : text + pad;
        }
        while (out.size() > indent.size() && out.back() == ' ')
            out.pop_back();
        return out + "\n";
    };
    std::string out = line([&](std::size_t c) { return columns[c].name; });
    for (const auto& row : rows)
        out += line([&](std::size_t c) { return c < row.size() ? row[c] : std::string(); });
    return out;
}

}  // namespace ipckit::cli
