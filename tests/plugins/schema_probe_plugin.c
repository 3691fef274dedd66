/* A plugin for numguard's generic op-table test (properties/op_coverage_test.cpp): one kernel
 * "probe.<op>" per op named in the environment variable NUMGUARD_SCHEMA_PROBE_OPS
 * (comma-separated; "op/FORMAT" declares the block format an op quantizes into), so the test
 * covers every op of the table without naming any. Each
 * kernel records what numguard handed it through the ABI -- m, n, k, alpha, beta, every
 * operand's element count, the integer and scalar counts, the output count -- and writes
 * zeros; schema_probe_last() returns that record. */
#include <numguard/plugin.h>
#include <stdlib.h>
#include <string.h>

typedef struct schema_probe_record {
  int64_t m, n, k;
  double alpha, beta;
  int64_t counts[4]; /* a, b, c, d */
  int64_t lengths, scalars, out;
  int calls;
} schema_probe_record;

static schema_probe_record last;

const schema_probe_record* schema_probe_last(void) {
  return &last;
}

static int probe(const numguard_problem* p, uint64_t* out, int64_t out_count) {
  last.m = p->m;
  last.n = p->n;
  last.k = p->k;
  last.alpha = p->alpha;
  last.beta = p->beta;
  last.counts[0] = p->a.count;
  last.counts[1] = p->b.count;
  last.counts[2] = p->c.count;
  last.counts[3] = p->d.count;
  last.lengths = p->lengths_count;
  last.scalars = p->scalars_count;
  last.out = out_count;
  ++last.calls;
  for (int64_t i = 0; i < out_count; ++i) out[i] = 0;
  return 0;
}

enum { kMaxOps = 256, kMaxName = 64 };
static numguard_kernel3 kernels[kMaxOps];
static char names[kMaxOps][kMaxName + 8], ops[kMaxOps][kMaxName], formats[kMaxOps][kMaxName];
static numguard_plugin plugin = {NUMGUARD_PLUGIN_ABI_VERSION, 0, NULL, NULL, kernels};

const numguard_plugin* numguard_plugin_entry(void) {
  const char* list = getenv("NUMGUARD_SCHEMA_PROBE_OPS");
  uint32_t count = 0;
  while (list && *list && count < kMaxOps) {
    const char* end = strchr(list, ',');
    const size_t len = end ? (size_t)(end - list) : strlen(list);
    if (len > 0 && len < kMaxName) {
      memcpy(ops[count], list, len);
      ops[count][len] = 0;
      char* slash = strchr(ops[count], '/');
      if (slash) {
        *slash = 0;
        strcpy(formats[count], slash + 1);
        kernels[count].recipe3.block_format = formats[count];
      }
      strcpy(names[count], "probe.");
      strcat(names[count], ops[count]);
      kernels[count].name = names[count];
      kernels[count].op = ops[count];
      kernels[count].recipe.in = "fp32";
      kernels[count].run = probe;
      ++count;
    }
    list = end ? end + 1 : NULL;
  }
  plugin.kernel_count = count;
  return &plugin;
}
