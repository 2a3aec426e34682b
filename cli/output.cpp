#include "output.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <regex>

namespace slsim::cli {

Format parse_format(const std::string& s) {
  if (s == "json") return Format::kJson;
  if (s == "csv") return Format::kCsv;
  if (s == "markdown") return Format::kMarkdown;
  return Format::kTable;
}

std::string fixed(double v, int digits) {
  if (!std::isfinite(v)) return "n/a";
  return fmt::format("{:.{}f}", v, digits);
}

namespace {
bool looks_numeric(const std::string& c) {
  return c.empty() || c == "n/a" || c.find_first_not_of("0123456789.-+e%$,") == std::string::npos;
}

// "1,234,567.5" -> "1234567.5" (a grouped number); anything else unchanged.
std::string plain_number(const std::string& c) {
  static const std::regex grouped(R"(-?\d{1,3}(,\d{3})+(\.\d+)?)");
  if (c.find(',') == std::string::npos || !std::regex_match(c, grouped)) return c;
  std::string out;
  for (char ch : c)
    if (ch != ',') out += ch;
  return out;
}

std::string csv_cell(const std::string& c) {
  if (c.find_first_of(",\"\n\r") == std::string::npos) return c;
  std::string out = "\"";
  for (char ch : c) {
    if (ch == '"') out += '"';
    out += ch;
  }
  return out + "\"";
}

// Display width in characters (UTF-8 continuation bytes do not count).
std::size_t width(const std::string& s) {
  std::size_t n = 0;
  for (unsigned char ch : s)
    n += (ch & 0xC0) != 0x80;
  return n;
}

std::string shorten(const std::string& s) {
  if (width(s) <= kMaxCell) return s;
  std::string out;
  std::size_t n = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto ch = static_cast<unsigned char>(s[i]);
    if ((ch & 0xC0) != 0x80 && ++n > kMaxCell - 3) break;
    out += s[i];
  }
  return out + "...";
}

void write_csv(std::ostream& os, const std::vector<Table>& tables) {
  os << "table,row,column,value\n";
  for (const auto& t : tables) {
    if (t.rows.empty()) continue;
    const auto& head = t.rows.front();
    const std::string& name = t.id.empty() ? t.title : t.id;
    for (std::size_t ri = 1; ri < t.rows.size(); ++ri) {
      const auto& r = t.rows[ri];
      for (std::size_t i = 1; i < r.size() && i < head.size(); ++i) {
        if (r[i].empty()) continue;  // no value: no row
        os << csv_cell(name) << ',' << csv_cell(r[0]) << ',' << csv_cell(head[i]) << ','
           << csv_cell(plain_number(r[i])) << '\n';
      }
    }
    for (const auto& n : t.notes)
      os << csv_cell(name) << ",note,note," << csv_cell(n) << '\n';
  }
}

void write_text(std::ostream& os, const Table& src) {
  Table t = src;
  for (auto& r : t.rows)
    for (auto& c : r)
      c = shorten(c);
  const std::size_t ncol = t.rows.front().size();
  std::vector<std::size_t> w(ncol, 0);
  for (const auto& r : t.rows)
    for (std::size_t i = 0; i < r.size() && i < ncol; ++i)
      w[i] = std::max(w[i], width(r[i]));
  // A column is right-aligned when every cell below the header is a number.
  std::vector<bool> numeric(ncol, t.rows.size() > 1);
  for (std::size_t ri = 1; ri < t.rows.size(); ++ri)
    for (std::size_t i = 0; i < ncol && i < t.rows[ri].size(); ++i)
      numeric[i] = numeric[i] && looks_numeric(t.rows[ri][i]);
  numeric[0] = false;
  for (std::size_t i = 0; i < ncol; ++i) {  // a column of blanks only is text
    bool any = false;
    for (std::size_t ri = 1; ri < t.rows.size(); ++ri)
      any = any || (i < t.rows[ri].size() && !t.rows[ri][i].empty());
    numeric[i] = numeric[i] && any;
  }
  if (!t.title.empty()) os << t.title << "\n";
  for (std::size_t ri = 0; ri < t.rows.size(); ++ri) {
    const auto& r = t.rows[ri];
    std::string line;
    for (std::size_t i = 0; i < r.size() && i < ncol; ++i) {
      if (i) line += "  ";
      const std::string pad(w[i] - width(r[i]), ' ');
      line += numeric[i] ? pad + r[i] : r[i] + pad;
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
  for (const auto& n : t.notes)
    os << "note: " << n << "\n";
}

void write_markdown(std::ostream& os, const Table& t) {
  const std::size_t ncol = t.rows.front().size();
  if (!t.title.empty()) os << "### " << t.title << "\n\n";
  for (std::size_t ri = 0; ri < t.rows.size(); ++ri) {
    os << "|";
    for (const auto& c : t.rows[ri]) {
      std::string cell = c;
      std::size_t at = 0;
      while ((at = cell.find('|', at)) != std::string::npos) {
        cell.replace(at, 1, "\\|");
        at += 2;
      }
      os << " " << cell << " |";
    }
    os << "\n";
    if (ri == 0) {
      os << "|";
      for (std::size_t i = 0; i < ncol; ++i)
        os << (i == 0 ? "---|" : "---:|");
      os << "\n";
    }
  }
  if (!t.notes.empty()) os << "\n";
  for (const auto& n : t.notes)
    os << "- note: " << n << "\n";
}
}  // namespace

void write_tables(std::ostream& os, const std::vector<Table>& tables, Format f) {
  if (f == Format::kCsv) {
    write_csv(os, tables);
    return;
  }
  bool first = true;
  for (const auto& t : tables) {
    if (t.rows.empty()) continue;
    if (!first) os << "\n";
    first = false;
    if (f == Format::kMarkdown) {
      write_markdown(os, t);
    } else {
      write_text(os, t);
    }
  }
}

void write_json(std::ostream& os, const nlohmann::ordered_json& j) {
  os << j.dump(2) << "\n";
}

}  // namespace slsim::cli
