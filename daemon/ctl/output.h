// pinganctl's human output: aligned tables (by terminal width of UTF-8 text, so that
// Chinese school names line up) and a short summary per command. Scripts use --json,
// which prints the daemon's answer unchanged. Writes to the given stream; single-threaded.
#pragma once

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace pingan::ctl {

// Terminal columns a UTF-8 string takes: East Asian wide characters take two.
size_t DisplayWidth(std::string_view text);

// Rows of objects as an aligned table with the given columns; "(none)" when empty.
void PrintTable(std::ostream& out, const nlohmann::json& rows,
                const std::vector<std::string>& columns);

// An object's scalars as "key: value" lines, its lists of objects as tables.
void PrintObject(std::ostream& out, const nlohmann::json& object);

// The human form of `control` command's result.
void PrintHuman(std::ostream& out, const std::string& control, const nlohmann::json& result);

// calendar.show's routing in words with the console's zh-CN labels: per requirement
// its reminder and the policies that may take its alerts, then the leaders' fast path
// (routing_output.cc). Nothing when the answer carries no routing.
void PrintRouting(std::ostream& out, const nlohmann::json& calendars);

// Lines with errors ({line, column, message}) as a table; nothing when there are none.
void PrintErrors(std::ostream& out, const nlohmann::json& errors);

}  // namespace pingan::ctl
