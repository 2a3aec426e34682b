#include "output.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace slsim::cli {

Format parse_format(const std::string& s) {
  if (s == "json") return Format::kJson;
  if (s == "csv") return Format::kCsv;
  if (s == "markdown") return Format::kMarkdown;
  return Format::kTable;
}

namespace {
bool looks_numeric(const std::string& c) {
  return !c.empty() && c.find_first_not_of("0123456789.-+e%$ /,") == std::string::npos;
}

std::string csv_cell(const std::string& c) {
  if (c.find_first_of(",\"\n") == std::string::npos) return c;
  std::string out = "\"";
  for (char ch : c) {
    if (ch == '"') out += '"';
    out += ch;
  }
  return out + "\"";
}
}  // namespace

void write_tables(std::ostream& os, const std::vector<Table>& tables, Format f) {
  bool first = true;
  for (const auto& t : tables) {
    if (t.rows.empty()) continue;
    if (!first) os << "\n";
    first = false;
    const std::size_t ncol = t.rows.front().size();
    switch (f) {
      case Format::kCsv:
        if (tables.size() > 1 && !t.title.empty()) os << "# " << t.title << "\n";
        for (const auto& r : t.rows) {
          for (std::size_t i = 0; i < r.size(); ++i)
            os << (i ? "," : "") << csv_cell(r[i]);
          os << "\n";
        }
        break;
      case Format::kMarkdown:
        if (!t.title.empty()) os << "### " << t.title << "\n\n";
        for (std::size_t ri = 0; ri < t.rows.size(); ++ri) {
          os << "|";
          for (const auto& c : t.rows[ri])
            os << " " << c << " |";
          os << "\n";
          if (ri == 0) {
            os << "|";
            for (std::size_t i = 0; i < ncol; ++i)
              os << (i == 0 ? "---|" : "---:|");
            os << "\n";
          }
        }
        break;
      default: {
        std::vector<std::size_t> w(ncol, 0);
        for (const auto& r : t.rows)
          for (std::size_t i = 0; i < r.size() && i < ncol; ++i)
            w[i] = std::max(w[i], r[i].size());
        // A column is right-aligned when every cell below the header is a number.
        std::vector<bool> numeric(ncol, t.rows.size() > 1);
        for (std::size_t ri = 1; ri < t.rows.size(); ++ri)
          for (std::size_t i = 0; i < ncol && i < t.rows[ri].size(); ++i)
            numeric[i] = numeric[i] && looks_numeric(t.rows[ri][i]);
        numeric[0] = false;
        if (!t.title.empty()) os << t.title << "\n";
        for (std::size_t ri = 0; ri < t.rows.size(); ++ri) {
          const auto& r = t.rows[ri];
          std::string line;
          for (std::size_t i = 0; i < r.size(); ++i) {
            if (i) line += "  ";
            // first column left-aligned, numbers right-aligned
            line +=
                numeric[i] ? fmt::format("{:>{}}", r[i], w[i]) : fmt::format("{:<{}}", r[i], w[i]);
          }
          while (!line.empty() && line.back() == ' ')
            line.pop_back();
          os << line << "\n";
          if (ri == 0) {
            std::size_t total = 0;
            for (auto x : w)
              total += x;
            os << std::string(total + 2 * (ncol - 1), '-') << "\n";
          }
        }
      }
    }
  }
}

void write_json(std::ostream& os, const nlohmann::json& j) {
  os << j.dump(2) << "\n";
}

}  // namespace slsim::cli
