#pragma once
// Output formatting for the CLI: aligned tables, JSON, CSV and Markdown from one row model.
//
// CSV is tidy long format, whatever the command: one header row `table,row,column,value`, then
// one row per cell of every table (`row` is the cell's first-column label, `column` its column
// header), notes as `table,note,note,TEXT`. `table` is a stable identifier (lambda, lambda_bill,
// workload, ...); numbers are plain (no thousands separators). Tables in the terminal fit their
// content: a cell longer than kMaxCell characters is shortened with "..." (JSON and CSV keep it
// whole).

#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <vector>

namespace slsim::cli {

enum class Format { kTable, kJson, kCsv, kMarkdown };

/// Parses table|json|csv|markdown (CLI11 validates the choice before this is called).
Format parse_format(const std::string& s);

/// Longest cell shown whole in a terminal table.
inline constexpr std::size_t kMaxCell = 48;

/// A titled table of string cells; the first row is the header. Notes are printed whole after
/// the table.
struct Table {
  std::string title;
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> notes = {};
  std::string id = {};  ///< stable name in CSV's `table` column ("" = the title)
};

/// Writes tables in the chosen text format (table, csv or markdown).
void write_tables(std::ostream& os, const std::vector<Table>& tables, Format f);

/// Writes JSON with two-space indentation and a final newline.
void write_json(std::ostream& os, const nlohmann::ordered_json& j);

/// A number with `digits` decimals, or "n/a" when it is not finite.
std::string fixed(double v, int digits);

}  // namespace slsim::cli
