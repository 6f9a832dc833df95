#include "sealed_file.h"

#include "binary_io.h"
#include "content_hash.h"
#include "growable_array.h"

namespace gleaner {

namespace {
constexpr uint32_t kSealMagic = 0x46534c47;  // "GLSF"
constexpr uint64_t kHashSeed = 0x5345414c;    // distinct from cache keys hashed with seed 0

std::string kind_name(uint32_t kind) { return std::string(reinterpret_cast<const char*>(&kind), 4); }
}  // namespace

std::string seal(uint32_t kind, uint32_t version, std::string_view payload) {
    std::string out;
    out.reserve(32 + payload.size());
    put(out, kSealMagic);
    put(out, kind);
    put(out, version);
    put(out, uint32_t{0});  // reserved, keeps the payload 8-byte aligned
    put(out, static_cast<uint64_t>(payload.size()));
    put(out, content_hash(payload.data(), payload.size(), kHashSeed));
    out.append(payload);
    return out;
}

void write_sealed_file(const std::string& path, uint32_t kind, uint32_t version, std::string_view payload) {
    write_file_atomic(path, seal(kind, version, payload));
}

bool read_sealed_file(const std::string& path, uint32_t kind, uint32_t version, std::string& payload) {
    std::string file;
    if (!read_whole_file(path, file)) return false;
    ByteReader in(file);
    try {
        if (in.get<uint32_t>() != kSealMagic) throw damaged_file(path, "not a Gleaner cache file");
        if (const uint32_t k = in.get<uint32_t>(); k != kind)
            throw damaged_file(path, "holds a '" + kind_name(k) + "' file, not '" + kind_name(kind) + "'");
        if (const uint32_t v = in.get<uint32_t>(); v != version)
            throw damaged_file(path, "format version " + std::to_string(v) + ", expected " + std::to_string(version));
        in.get<uint32_t>();
        const uint64_t size = in.get<uint64_t>();
        const uint64_t hash = in.get<uint64_t>();
        if (size != in.left())
            throw damaged_file(path, "truncated or extended: " + std::to_string(in.left()) + " payload bytes, expected " +
                                         std::to_string(size));
        const char* p = in.bytes(size);
        if (content_hash(p, size, kHashSeed) != hash) throw damaged_file(path, "checksum mismatch");
        payload.assign(p, size);
    } catch (const DamagedFileError&) {
        throw;
    } catch (const std::runtime_error&) {  // the header itself is cut short
        throw damaged_file(path, "truncated (" + std::to_string(file.size()) + " bytes)");
    }
    return true;
}

}  // namespace gleaner
