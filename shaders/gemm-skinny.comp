// SPDX-License-Identifier: GPL-3.0-or-later
//
// gemm-skinny.comp: C = alpha · A · op(B) + beta · C for products with at most 16 columns
// and A not transposed — the seed notebook's {10000, 784} × {784, 10}, and a classifier
// layer with few classes. Such a product is a read of A and little arithmetic: a tiled
// kernel would stage A through shared memory for a handful of columns. Here LANES adjacent
// invocations share a row of A, each walking k with stride LANES (adjacent addresses, so a
// row is read in whole sectors) and keeping one partial sum per column; the lanes' partials
// are added in shared memory. B is small and stays in the cache.
#version 450
#extension GL_EXT_control_flow_attributes : require

layout (local_size_x = 256) in;
layout (constant_id = 0) const uint LANES = 32;
layout (constant_id = 1) const uint TRANS_B = 0;

const uint ROWS = 256 / LANES;
const uint MAX_COLUMNS = 16;

layout (push_constant) uniform Push
{
  uint off_a;
  uint off_b;
  uint off_c;
  uint m;
  uint n;
  uint k;
  uint lda;
  uint ldb;
  uint ldc;
  float alpha;
  float beta;
} pc;

layout (std430, binding = 0) readonly buffer A { float a[]; };
layout (std430, binding = 1) readonly buffer B { float b[]; };
layout (std430, binding = 2) buffer C { float c[]; };

shared float partials[ROWS * MAX_COLUMNS * LANES];   // [row][column][lane]

float
load_b (uint p, uint j)
{
  return TRANS_B != 0 ? b[pc.off_b + j * pc.ldb + p] : b[pc.off_b + p * pc.ldb + j];
}

void
main ()
{
  uint lane = gl_LocalInvocationIndex % LANES, local_row = gl_LocalInvocationIndex / LANES;

  // Blocks of ROWS rows, grid-stride: the loop's trip count is the same for the whole
  // workgroup, so its barriers are reached by every invocation.
  for (uint block = gl_WorkGroupID.x; block * ROWS < pc.m; block += gl_NumWorkGroups.x)
    {
      uint row = block * ROWS + local_row;
      float acc[MAX_COLUMNS];
      [[unroll]] for (uint j = 0; j < MAX_COLUMNS; j++)
        acc[j] = 0.0;
      if (row < pc.m)
        for (uint p = lane; p < pc.k; p += LANES)
          {
            float value = a[pc.off_a + row * pc.lda + p];
            [[unroll]] for (uint j = 0; j < MAX_COLUMNS; j++)
              if (j < pc.n)
                acc[j] += value * load_b (p, j);
          }
      [[unroll]] for (uint j = 0; j < MAX_COLUMNS; j++)
        partials[(local_row * MAX_COLUMNS + j) * LANES + lane] = acc[j];
      barrier ();
      for (uint stride = LANES / 2; stride > 0; stride /= 2)
        {
          if (lane < stride)
            [[unroll]] for (uint j = 0; j < MAX_COLUMNS; j++)
              partials[(local_row * MAX_COLUMNS + j) * LANES + lane] +=
                partials[(local_row * MAX_COLUMNS + j) * LANES + lane + stride];
          barrier ();
        }
      if (row < pc.m && lane < pc.n)
        {
          uint at = pc.off_c + row * pc.ldc + lane;
          float value = pc.alpha * partials[(local_row * MAX_COLUMNS + lane) * LANES];
          if (pc.beta != 0.0)
            value += pc.beta * c[at];
          c[at] = value;
        }
      barrier ();
    }
}
