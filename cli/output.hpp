#pragma once
// Output formatting for the CLI: aligned tables, JSON, CSV and Markdown from one row model.

#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <vector>

namespace slsim::cli {

enum class Format { kTable, kJson, kCsv, kMarkdown };

/// Parses table|json|csv|markdown (CLI11 validates the choice before this is called).
Format parse_format(const std::string& s);

/// A titled table of string cells; the first row is the header.
struct Table {
  std::string title;
  std::vector<std::vector<std::string>> rows;
};

/// Writes tables in the chosen text format (table, csv or markdown).
void write_tables(std::ostream& os, const std::vector<Table>& tables, Format f);

/// Writes JSON with two-space indentation and a final newline.
void write_json(std::ostream& os, const nlohmann::json& j);

}  // namespace slsim::cli
