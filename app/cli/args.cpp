#include "cli/args.h"

#include <cerrno>
#include <cstdlib>

namespace gleaner::cli {

Args::Args(const std::vector<std::string>& argv, const std::set<std::string>& valued,
           const std::set<std::string>& switches) {
    for (size_t i = 0; i < argv.size(); ++i) {
        const std::string& a = argv[i];
        if (a.size() < 3 || a.compare(0, 2, "--") != 0) {
            positionals_.push_back(a);
            continue;
        }
        std::string name = a.substr(2);
        std::optional<std::string> inline_value;
        if (auto eq = name.find('='); eq != std::string::npos) {
            inline_value = name.substr(eq + 1);
            name.resize(eq);
        }
        if (valued.count(name)) {
            if (inline_value) values_[name] = *inline_value;
            else if (i + 1 < argv.size()) values_[name] = argv[++i];
            else throw UsageError("option --" + name + " needs a value");
        } else if (switches.count(name) && !inline_value) {
            switches_.insert(name);
        } else {
            throw UsageError("unknown option --" + name);
        }
    }
}

std::optional<std::string> Args::get(const std::string& name) const {
    auto it = values_.find(name);
    if (it == values_.end()) return std::nullopt;
    return it->second;
}

std::string Args::get_or(const std::string& name, const std::string& fallback) const {
    return get(name).value_or(fallback);
}

long long Args::get_int_or(const std::string& name, long long fallback, long long min, long long max) const {
    auto v = get(name);
    if (!v) return fallback;
    errno = 0;
    char* end = nullptr;
    const long long x = std::strtoll(v->c_str(), &end, 10);
    if (errno || end == v->c_str() || *end != '\0' || x < min || x > max)
        throw UsageError("--" + name + " must be an integer in [" + std::to_string(min) + ", " +
                         std::to_string(max) + "], got '" + *v + "'");
    return x;
}

double Args::get_double_or(const std::string& name, double fallback, double min, double max) const {
    auto v = get(name);
    if (!v) return fallback;
    errno = 0;
    char* end = nullptr;
    const double x = std::strtod(v->c_str(), &end);
    if (errno || end == v->c_str() || *end != '\0' || !(x >= min && x <= max))
        throw UsageError("--" + name + " must be a number in [" + std::to_string(min) + ", " +
                         std::to_string(max) + "], got '" + *v + "'");
    return x;
}

}  // namespace gleaner::cli
