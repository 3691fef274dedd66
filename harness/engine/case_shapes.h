// Shapes a user asks for (`--shape`): instead of the toy shapes the generators draw, every
// generator fills the op's dimensions at the given sizes, so a kernel is checked at the shapes
// it ships (a tiled GEMM's main loop, its M/N tails, its split-K path). A shape lists the op's
// free dimensions in its schema's order, joined by 'x': gemm MxNxK, row ops MxN (rows x row
// length), sum and sumsq MxK (rows x terms), dot K, attention MxNxK (queries x keys x head
// dimension); `numguard ops` prints what each dimension means.
//
// The shapes are a setting of the run (like its seed): set once before cases are drawn. A
// named set (`--shapes llm-7b`, shape_sets.h) gives each op its own list. Case I
// of a run with S shapes and G generators uses generator I % G and shape (I / G) % S, so every
// shape meets every generator and `--case I` with the same --shape flags rebuilds case I.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/engine/op.h"
#include "harness/engine/shape_sets.h"

namespace numguard {

struct ShapeRequest {
  std::optional<int64_t> m, n, k;
};

// The op's dimensions a shape gives, in order (its schema's dims less the fixed ones).
std::vector<Dim> free_dims(const OpInfo& op);
// "MxNxK (m = rows of A and C, n = ..., k = ...)": how a shape for `op` is written.
std::string shape_form(const OpInfo& op);
// Parses `text` as a shape of `op`; "" on success, else why not (one line).
std::string parse_shape(const OpInfo& op, std::string_view text, ShapeRequest* out);

// The run's shapes (empty: the generators draw their own). Set before any case is drawn.
void set_case_shapes(std::vector<std::string> texts);
// `--shapes NAME` (shape_sets.h): each op at the set's shapes for it; nullptr: none.
void set_case_shape_set(const ShapeSet* set);
const ShapeSet* case_shape_set();
// The shapes cases of `op` are drawn at: the shape set's for the op when one is set, else the
// --shape list (empty: the generators' own).
std::vector<std::string> case_shapes(std::string_view op);

// While a case of a requested shape is drawn (make_case): the size of d, where given.
std::optional<int64_t> forced_dim(Dim d);
inline int64_t dim_or(Dim d, int64_t drawn) {
  return forced_dim(d).value_or(drawn);
}

// Forces `r` on this thread for the scope's lifetime.
class ForcedShape {
 public:
  explicit ForcedShape(const ShapeRequest& r);
  ~ForcedShape();
  ForcedShape(const ForcedShape&) = delete;
  ForcedShape& operator=(const ForcedShape&) = delete;

 private:
  const ShapeRequest* previous_;
};

}  // namespace numguard
