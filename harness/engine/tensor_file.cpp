#include "harness/engine/tensor_file.h"

#include <fmt/format.h>
#include <zlib.h>

#include <algorithm>
#include <bit>
#include <cstring>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <string_view>

#include "harness/core/format.h"

namespace numguard {
namespace {

// Operands are limited to 2^22 elements (reproducer_file.h); a tensor this large is refused
// here, before its bytes are copied.
constexpr int64_t kMaxTensorElements = int64_t{1} << 24;
constexpr int kMaxRank = 8;

[[noreturn]] void fail(const std::string& path, const std::string& why) {
  throw TensorFileError(path + ": " + why);
}

std::string lower_extension(const std::string& path) {
  const size_t dot = path.rfind('.');
  const size_t slash = path.rfind('/');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash)) return "";
  std::string e = path.substr(dot);
  std::transform(e.begin(), e.end(), e.begin(), [](unsigned char c) { return std::tolower(c); });
  return e;
}

std::vector<uint8_t> read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(path, "cannot open the file");
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  if (size < 0) fail(path, "cannot read the file");
  if (size > kMaxTensorFileBytes)
    fail(path, fmt::format("the file has {} bytes, more than numguard reads ({})", size,
                           kMaxTensorFileBytes));
  std::vector<uint8_t> data(static_cast<size_t>(size));
  in.seekg(0);
  if (size > 0 && !in.read(reinterpret_cast<char*>(data.data()), size))
    fail(path, "cannot read the file");
  return data;
}

uint64_t le(const uint8_t* p, int bytes) {
  uint64_t v = 0;
  for (int i = bytes - 1; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

// Element count of `shape`, or -1 past kMaxTensorElements (overflow-safe).
int64_t checked_count(const std::vector<int64_t>& shape) {
  int64_t n = 1;
  for (int64_t d : shape) {
    if (d < 0) return -1;
    if (d == 0) return 0;
    if (n > kMaxTensorElements / d) return -1;
    n *= d;
  }
  return n;
}

std::string shape_str(const std::vector<int64_t>& s) {
  std::string t;
  for (int64_t d : s) t += (t.empty() ? "" : " x ") + std::to_string(d);
  return t.empty() ? "scalar" : t;
}

// Copies `count` elements of `item` bytes from src into t.bytes, little-endian.
void take_elements(FileTensor& t, const uint8_t* src, int64_t count, bool big_endian) {
  t.bytes.assign(src, src + count * t.item_bytes);
  if (big_endian && t.item_bytes > 1)
    for (int64_t i = 0; i < count; ++i)
      std::reverse(t.bytes.begin() + i * t.item_bytes, t.bytes.begin() + (i + 1) * t.item_bytes);
}

// ---- .npy -------------------------------------------------------------------------------

// The value of `key` in the header's dict literal, as text up to the next top-level comma.
std::string header_field(const std::string& where, std::string_view h, std::string_view key) {
  const std::string quoted = "'" + std::string(key) + "'";
  size_t at = h.find(quoted);
  if (at == std::string_view::npos) fail(where, fmt::format("the .npy header has no {}", quoted));
  at = h.find(':', at + quoted.size());
  if (at == std::string_view::npos) fail(where, "the .npy header is malformed");
  ++at;
  while (at < h.size() && h[at] == ' ') ++at;
  size_t end = at;
  if (at < h.size() && h[at] == '(') {
    end = h.find(')', at);
    if (end == std::string_view::npos) fail(where, "the .npy header's shape is malformed");
    return std::string(h.substr(at + 1, end - at - 1));
  }
  if (at < h.size() && h[at] == '\'') {
    end = h.find('\'', at + 1);
    if (end == std::string_view::npos) fail(where, "the .npy header is malformed");
    return std::string(h.substr(at + 1, end - at - 1));
  }
  end = h.find_first_of(",}", at);
  return std::string(h.substr(at, end == std::string_view::npos ? h.size() - at : end - at));
}

std::vector<int64_t> parse_npy_shape(const std::string& where, const std::string& text) {
  std::vector<int64_t> shape;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && (text[i] == ' ' || text[i] == ',')) ++i;
    if (i == text.size()) break;
    if (!std::isdigit(static_cast<unsigned char>(text[i])))
      fail(where, "the .npy header's shape is malformed: (" + text + ")");
    int64_t d = 0;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
      if (d > (int64_t{1} << 40)) fail(where, "a dimension of the .npy shape is too large");
      d = d * 10 + (text[i++] - '0');
    }
    if (i < text.size() && text[i] == 'L') ++i;  // Python 2 longs
    shape.push_back(d);
    if (shape.size() > kMaxRank) fail(where, "the .npy array has more than 8 dimensions");
  }
  return shape;
}

// Sets t's type from a NumPy descr ("<f4"); "" when known, else why not.
std::string npy_type(FileTensor& t, const std::string& descr, bool* big_endian) {
  if (descr.size() < 3) return "unknown dtype '" + descr + "'";
  const char order = descr[0];
  *big_endian = order == '>';
  if (order != '<' && order != '>' && order != '|' && order != '=')
    return "unknown byte order in dtype '" + descr + "'";
  const char kind = descr[1];
  int bytes = 0;
  for (size_t i = 2; i < descr.size(); ++i) {
    if (!std::isdigit(static_cast<unsigned char>(descr[i])) || bytes > 64)
      return "unsupported dtype '" + descr + "'";
    bytes = bytes * 10 + (descr[i] - '0');
  }
  t.dtype = descr;
  t.item_bytes = bytes;
  if (kind == 'f' && bytes == 8)
    t.type = ElementType::f64;
  else if (kind == 'f' && bytes == 4)
    t.type = ElementType::f32;
  else if (kind == 'f' && bytes == 2)
    t.type = ElementType::f16;
  else if ((kind == 'u' || kind == 'V') && bytes == 2)
    t.type = ElementType::u16;
  else if ((kind == 'i' || kind == 'u') && (bytes == 1 || bytes == 2 || bytes == 4 || bytes == 8)) {
    t.type = ElementType::integer;
    t.is_signed = kind == 'i';
  } else if (kind == 'b' && bytes == 1) {
    t.type = ElementType::boolean;
  } else {
    return "unsupported dtype '" + descr +
           "' (numguard reads float16/32/64, uint16 bit patterns, integers and booleans)";
  }
  return "";
}

FileTensor parse_npy(const std::string& where, const uint8_t* data, size_t size) {
  static constexpr uint8_t kMagic[] = {0x93, 'N', 'U', 'M', 'P', 'Y'};
  if (size < 10 || std::memcmp(data, kMagic, sizeof kMagic) != 0)
    fail(where, "not a NumPy .npy file (no \\x93NUMPY magic)");
  const int major = data[6];
  if (major < 1 || major > 3) fail(where, fmt::format("unsupported .npy version {}", major));
  const size_t len_bytes = major == 1 ? 2 : 4;
  if (size < 8 + len_bytes) fail(where, "the .npy header is truncated");
  const uint64_t hlen = le(data + 8, static_cast<int>(len_bytes));
  const size_t start = 8 + len_bytes;
  if (hlen > size - start) fail(where, "the .npy header is truncated");
  const std::string_view header(reinterpret_cast<const char*>(data + start), hlen);
  FileTensor t;
  bool big_endian = false;
  const std::string descr = header_field(where, header, "descr");
  if (const std::string why = npy_type(t, descr, &big_endian); !why.empty()) fail(where, why);
  if (header_field(where, header, "fortran_order").starts_with("True"))
    fail(where, "Fortran-ordered arrays are not read: save np.ascontiguousarray(x)");
  t.shape = parse_npy_shape(where, header_field(where, header, "shape"));
  const int64_t count = checked_count(t.shape);
  if (count < 0)
    fail(where, fmt::format("the array ({}) has more than {} elements", shape_str(t.shape),
                            kMaxTensorElements));
  const size_t body = start + hlen;
  if (static_cast<uint64_t>(count) * static_cast<uint64_t>(t.item_bytes) != size - body)
    fail(where, fmt::format("the data holds {} bytes, the header promises {} ({} of {} bytes)",
                            size - body, count * t.item_bytes, shape_str(t.shape), t.item_bytes));
  take_elements(t, data + body, count, big_endian);
  return t;
}

// ---- .npz -------------------------------------------------------------------------------

struct ZipEntry {
  std::string name;
  uint16_t method = 0;
  uint64_t compressed = 0, uncompressed = 0, local_offset = 0;
};

// Zip64 extra field (id 1): the sizes and offset whose 32-bit fields are saturated.
void read_zip64_extra(const uint8_t* extra, size_t len, ZipEntry& e, bool need_u, bool need_c,
                      bool need_off) {
  size_t i = 0;
  while (i + 4 <= len) {
    const uint16_t id = static_cast<uint16_t>(le(extra + i, 2));
    const uint16_t n = static_cast<uint16_t>(le(extra + i + 2, 2));
    if (i + 4 + n > len) return;
    if (id == 1) {
      size_t j = i + 4;
      auto take = [&](bool need, uint64_t& v) {
        if (need && j + 8 <= i + 4 + n) {
          v = le(extra + j, 8);
          j += 8;
        }
      };
      take(need_u, e.uncompressed);
      take(need_c, e.compressed);
      take(need_off, e.local_offset);
      return;
    }
    i += 4 + n;
  }
}

std::vector<ZipEntry> zip_directory(const std::string& path, const std::vector<uint8_t>& z) {
  // The end-of-central-directory record: within the last 64 KiB + 22 bytes.
  if (z.size() < 22) fail(path, "not a zip archive (too short for an .npz)");
  size_t eocd = std::string::npos;
  const size_t lowest = z.size() > 65557 ? z.size() - 65557 : 0;
  for (size_t i = z.size() - 22 + 1; i-- > lowest;)
    if (le(z.data() + i, 4) == 0x06054b50) {
      eocd = i;
      break;
    }
  if (eocd == std::string::npos) fail(path, "not a zip archive (no end of central directory)");
  uint64_t entries = le(z.data() + eocd + 10, 2);
  uint64_t dir_offset = le(z.data() + eocd + 16, 4);
  if ((entries == 0xffff || dir_offset == 0xffffffff) && eocd >= 20 &&
      le(z.data() + eocd - 20, 4) == 0x07064b50) {
    const uint64_t rec = le(z.data() + eocd - 20 + 8, 8);
    if (rec + 56 > z.size() || le(z.data() + rec, 4) != 0x06064b50)
      fail(path, "the zip64 end of central directory is damaged");
    entries = le(z.data() + rec + 32, 8);
    dir_offset = le(z.data() + rec + 48, 8);
  }
  std::vector<ZipEntry> out;
  uint64_t at = dir_offset;
  for (uint64_t e = 0; e < entries; ++e) {
    if (at + 46 > z.size() || le(z.data() + at, 4) != 0x02014b50)
      fail(path, "the zip central directory is damaged");
    const uint8_t* h = z.data() + at;
    ZipEntry ze;
    ze.method = static_cast<uint16_t>(le(h + 10, 2));
    ze.compressed = le(h + 20, 4);
    ze.uncompressed = le(h + 24, 4);
    const uint64_t name_len = le(h + 28, 2), extra_len = le(h + 30, 2), comment = le(h + 32, 2);
    ze.local_offset = le(h + 42, 4);
    if (at + 46 + name_len + extra_len + comment > z.size())
      fail(path, "the zip central directory is damaged");
    ze.name.assign(reinterpret_cast<const char*>(h + 46), name_len);
    read_zip64_extra(h + 46 + name_len, extra_len, ze, ze.uncompressed == 0xffffffff,
                     ze.compressed == 0xffffffff, ze.local_offset == 0xffffffff);
    out.push_back(ze);
    at += 46 + name_len + extra_len + comment;
    if (out.size() > 4096) fail(path, "the archive has more than 4096 members");
  }
  return out;
}

std::vector<uint8_t> zip_member(const std::string& where, const std::vector<uint8_t>& z,
                                const ZipEntry& e) {
  if (e.local_offset + 30 > z.size() || le(z.data() + e.local_offset, 4) != 0x04034b50)
    fail(where, "the member's local header is damaged");
  const uint8_t* h = z.data() + e.local_offset;
  const uint64_t start = e.local_offset + 30 + le(h + 26, 2) + le(h + 28, 2);
  if (start > z.size() || e.compressed > z.size() - start) fail(where, "the member is truncated");
  if (e.uncompressed > static_cast<uint64_t>(kMaxTensorElements) * 8 + (1 << 20))
    fail(where, "the member is larger than numguard reads");
  const uint8_t* src = z.data() + start;
  if (e.method == 0) {
    if (e.compressed != e.uncompressed) fail(where, "a stored member's sizes disagree");
    return {src, src + e.compressed};
  }
  if (e.method != 8)
    fail(where,
         fmt::format("zip compression method {} is not read (stored or deflate only)", e.method));
  std::vector<uint8_t> out(static_cast<size_t>(e.uncompressed));
  z_stream s{};
  if (inflateInit2(&s, -MAX_WBITS) != Z_OK) fail(where, "zlib could not start");
  s.next_in = const_cast<Bytef*>(src);
  s.avail_in = static_cast<uInt>(std::min<uint64_t>(e.compressed, UINT32_MAX));
  s.next_out = out.data();
  s.avail_out = static_cast<uInt>(std::min<uint64_t>(out.size(), UINT32_MAX));
  const int rc = inflate(&s, Z_FINISH);
  const uint64_t produced = s.total_out;
  inflateEnd(&s);
  if (rc != Z_STREAM_END || produced != e.uncompressed)
    fail(where, "the deflated member is damaged");
  return out;
}

std::vector<FileTensor> read_npz(const std::string& path, const std::vector<uint8_t>& z) {
  std::vector<FileTensor> out;
  for (const ZipEntry& e : zip_directory(path, z)) {
    if (e.name.ends_with("/")) continue;
    const std::string where = path + " member " + e.name;
    if (!e.name.ends_with(".npy")) fail(where, "an .npz member must be an .npy file");
    const std::vector<uint8_t> member = zip_member(where, z, e);
    FileTensor t = parse_npy(where, member.data(), member.size());
    t.name = e.name.substr(0, e.name.size() - 4);
    out.push_back(std::move(t));
  }
  if (out.empty()) fail(path, "the archive holds no arrays");
  return out;
}

// ---- .safetensors -----------------------------------------------------------------------

std::string safetensors_type(FileTensor& t, const std::string& dtype) {
  struct Known {
    std::string_view name;
    ElementType type;
    int bytes;
    bool is_signed;
  };
  static constexpr Known kKnown[] = {
      {"F64", ElementType::f64, 8, true},       {"F32", ElementType::f32, 4, true},
      {"F16", ElementType::f16, 2, true},       {"BF16", ElementType::bf16, 2, true},
      {"F8_E4M3", ElementType::e4m3, 1, true},  {"F8_E5M2", ElementType::e5m2, 1, true},
      {"F8_E8M0", ElementType::e8m0, 1, false}, {"I64", ElementType::integer, 8, true},
      {"I32", ElementType::integer, 4, true},   {"I16", ElementType::integer, 2, true},
      {"I8", ElementType::integer, 1, true},    {"U64", ElementType::integer, 8, false},
      {"U32", ElementType::integer, 4, false},  {"U16", ElementType::u16, 2, false},
      {"U8", ElementType::integer, 1, false},   {"BOOL", ElementType::boolean, 1, false}};
  for (const Known& k : kKnown)
    if (dtype == k.name) {
      t.type = k.type;
      t.item_bytes = k.bytes;
      t.is_signed = k.is_signed;
      t.dtype = dtype;
      return "";
    }
  return "unsupported safetensors dtype '" + dtype + "'";
}

std::vector<FileTensor> read_safetensors(const std::string& path, const std::vector<uint8_t>& f) {
  if (f.size() < 8) fail(path, "not a safetensors file (shorter than its header length)");
  const uint64_t n = le(f.data(), 8);
  if (n > f.size() - 8) fail(path, "not a safetensors file (the header length exceeds the file)");
  const nlohmann::json header = nlohmann::json::parse(f.begin() + 8, f.begin() + 8 + n, nullptr,
                                                      /*allow_exceptions=*/false);
  if (!header.is_object()) fail(path, "the safetensors header is not a JSON object");
  const uint64_t data_start = 8 + n;
  std::vector<FileTensor> out;
  for (const auto& [key, v] : header.items()) {
    if (key == "__metadata__") continue;
    const std::string where = path + " tensor " + key;
    if (!v.is_object() || !v.contains("dtype") || !v["dtype"].is_string() || !v.contains("shape") ||
        !v["shape"].is_array() || !v.contains("data_offsets") || !v["data_offsets"].is_array() ||
        v["data_offsets"].size() != 2)
      fail(where, "the header entry needs dtype, shape and data_offsets");
    FileTensor t;
    t.name = key;
    if (const std::string why = safetensors_type(t, v["dtype"].get<std::string>()); !why.empty())
      fail(where, why);
    if (v["shape"].size() > kMaxRank) fail(where, "more than 8 dimensions");
    for (const auto& d : v["shape"]) {
      if (!d.is_number_unsigned()) fail(where, "a dimension is not a non-negative integer");
      t.shape.push_back(static_cast<int64_t>(std::min<uint64_t>(d.get<uint64_t>(), 1ull << 40)));
    }
    const int64_t count = checked_count(t.shape);
    if (count < 0) fail(where, fmt::format("more than {} elements", kMaxTensorElements));
    const auto& off = v["data_offsets"];
    if (!off[0].is_number_unsigned() || !off[1].is_number_unsigned())
      fail(where, "data_offsets are not non-negative integers");
    const uint64_t b = off[0].get<uint64_t>(), e = off[1].get<uint64_t>();
    if (b > e || e > f.size() - data_start) fail(where, "data_offsets lie outside the file");
    if (e - b != static_cast<uint64_t>(count) * static_cast<uint64_t>(t.item_bytes))
      fail(where, fmt::format("data_offsets span {} bytes, the shape ({}) needs {}", e - b,
                              shape_str(t.shape), count * t.item_bytes));
    take_elements(t, f.data() + data_start + b, count, false);
    out.push_back(std::move(t));
  }
  if (out.empty()) fail(path, "the file holds no tensors");
  // safetensors headers are JSON objects (unordered): keep a stable order.
  std::sort(out.begin(), out.end(),
            [](const FileTensor& x, const FileTensor& y) { return x.name < y.name; });
  return out;
}

}  // namespace

int64_t FileTensor::count() const {
  return static_cast<int64_t>(bytes.size()) / item_bytes;
}

uint64_t FileTensor::raw(int64_t i) const {
  return le(bytes.data() + i * item_bytes, item_bytes);
}

double FileTensor::value(int64_t i) const {
  const uint64_t r = raw(i);
  switch (type) {
    case ElementType::f64:
      return std::bit_cast<double>(r);
    case ElementType::f32:
      return std::bit_cast<float>(static_cast<uint32_t>(r));
    case ElementType::f16:
      return decode(Format::fp16, r);
    case ElementType::bf16:
      return decode(Format::bf16, r);
    case ElementType::e4m3:
      return decode(Format::e4m3, r);
    case ElementType::e5m2:
      return decode(Format::e5m2, r);
    case ElementType::e8m0:
      return decode(Format::e8m0, r);
    case ElementType::boolean:
      return r != 0;
    case ElementType::u16:
    case ElementType::integer:
      break;
  }
  if (!is_signed) return static_cast<double>(r);
  const int shift = 64 - 8 * item_bytes;
  return static_cast<double>(static_cast<int64_t>(r << shift) >> shift);
}

bool is_tensor_file_name(const std::string& path) {
  const std::string e = lower_extension(path);
  return e == ".npy" || e == ".npz" || e == ".safetensors";
}

std::vector<FileTensor> read_tensor_file(const std::string& path) {
  const std::string ext = lower_extension(path);
  if (!is_tensor_file_name(path))
    fail(path, "not a tensor file numguard reads (.npy, .npz or .safetensors)");
  const std::vector<uint8_t> data = read_all(path);
  if (ext == ".npz") return read_npz(path, data);
  if (ext == ".safetensors") return read_safetensors(path, data);
  std::vector<FileTensor> out;
  out.push_back(parse_npy(path, data.data(), data.size()));
  return out;
}

}  // namespace numguard
