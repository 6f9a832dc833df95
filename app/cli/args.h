#pragma once
// A small command-line parser: positionals, "--name value" options and "--name" switches.
// Each command declares which names take a value, so "--json FILE" is never misread.
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace gleaner::cli {

class UsageError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class Args {
public:
    // valued: options that take a value; switches: options that take none. Anything else
    // starting with "--" is an error.
    Args(const std::vector<std::string>& argv, const std::set<std::string>& valued,
         const std::set<std::string>& switches);

    bool flag(const std::string& name) const { return switches_.count(name) != 0; }
    std::optional<std::string> get(const std::string& name) const;
    std::string get_or(const std::string& name, const std::string& fallback) const;
    long long get_int_or(const std::string& name, long long fallback, long long min, long long max) const;
    double get_double_or(const std::string& name, double fallback, double min, double max) const;
    const std::vector<std::string>& positionals() const { return positionals_; }

private:
    std::map<std::string, std::string> values_;
    std::set<std::string> switches_;
    std::vector<std::string> positionals_;
};

}  // namespace gleaner::cli
