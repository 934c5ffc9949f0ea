// SPDX-License-Identifier: GPL-3.0-or-later
//
// gemm.comp: C = alpha · op(A) · op(B) + beta · C, row-major with leading dimensions, as
// cep_backend_gemm (beta = 0 never reads C).
//
// Tiled for GPUs: a workgroup computes a BM × BN tile of C, staging BK-deep slices of op(A)
// and op(B) in shared memory; each invocation keeps a TM × TN block of C in registers (rows
// and columns strided by the thread grid, so shared reads are conflict-free and C's writes
// coalesce). Tile sizes and the transposes are specialization constants: the host picks a
// large, a medium or a skinny shape per call (cep-vulkan-ops-gemm.c). Loads of A and B walk
// the contiguous dimension with adjacent invocations. Out-of-range elements load as zero.
// The k loop and the tile loads stay rolled: unrolled, they tripled lavapipe's compile time
// for no speed; the loops over the register block unroll, or the block would not live in
// registers.
#version 450
#extension GL_EXT_control_flow_attributes : require

layout (local_size_x_id = 0) in;
layout (constant_id = 1) const uint BM = 64;
layout (constant_id = 2) const uint BN = 64;
layout (constant_id = 3) const uint BK = 16;
layout (constant_id = 4) const uint TM = 4;
layout (constant_id = 5) const uint TN = 4;
layout (constant_id = 6) const uint TRANS_A = 0;
layout (constant_id = 7) const uint TRANS_B = 0;

const uint THREADS_N = BN / TN;
const uint THREADS = (BM / TM) * THREADS_N;

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

shared float tile_a[BK * BM];   // [kk][row]
shared float tile_b[BK * BN];   // [kk][col]

// op(A)(row, kk) of the tile starting at (m0, k0), or 0 outside.
float
load_a (uint row, uint kk, uint m0, uint k0)
{
  uint r = m0 + row, p = k0 + kk;
  if (r >= pc.m || p >= pc.k)
    return 0.0;
  return TRANS_A != 0 ? a[pc.off_a + p * pc.lda + r] : a[pc.off_a + r * pc.lda + p];
}

float
load_b (uint kk, uint col, uint k0, uint n0)
{
  uint p = k0 + kk, j = n0 + col;
  if (p >= pc.k || j >= pc.n)
    return 0.0;
  return TRANS_B != 0 ? b[pc.off_b + j * pc.ldb + p] : b[pc.off_b + p * pc.ldb + j];
}

void
load_tiles (uint lid, uint m0, uint n0, uint k0)
{
  [[dont_unroll]]
  for (uint idx = lid; idx < BM * BK; idx += THREADS)
    {
      // Adjacent invocations take adjacent addresses of A.
      uint row = TRANS_A != 0 ? idx % BM : idx / BK;
      uint kk = TRANS_A != 0 ? idx / BM : idx % BK;
      tile_a[kk * BM + row] = load_a (row, kk, m0, k0);
    }
  [[dont_unroll]]
  for (uint idx = lid; idx < BK * BN; idx += THREADS)
    {
      uint col = TRANS_B != 0 ? idx / BK : idx % BN;
      uint kk = TRANS_B != 0 ? idx % BK : idx / BN;
      tile_b[kk * BN + col] = load_b (kk, col, k0, n0);
    }
}

void
main ()
{
  uint lid = gl_LocalInvocationIndex;
  uint tr = lid / THREADS_N, tc = lid % THREADS_N;
  uint m0 = gl_WorkGroupID.y * BM, n0 = gl_WorkGroupID.x * BN;
  float acc[TM][TN];
  float ra[TM], rb[TN];

  for (uint i = 0; i < TM; i++)
    for (uint j = 0; j < TN; j++)
      acc[i][j] = 0.0;
  for (uint k0 = 0; k0 < pc.k; k0 += BK)
    {
      load_tiles (lid, m0, n0, k0);
      barrier ();
      [[dont_unroll]]
      for (uint kk = 0; kk < BK; kk++)
        {
          for (uint i = 0; i < TM; i++)
            ra[i] = tile_a[kk * BM + tr + i * (BM / TM)];
          for (uint j = 0; j < TN; j++)
            rb[j] = tile_b[kk * BN + tc + j * THREADS_N];
          for (uint i = 0; i < TM; i++)
            for (uint j = 0; j < TN; j++)
              acc[i][j] += ra[i] * rb[j];
        }
      barrier ();
    }
  for (uint i = 0; i < TM; i++)
    {
      uint r = m0 + tr + i * (BM / TM);
      for (uint j = 0; j < TN; j++)
        {
          uint col = n0 + tc + j * THREADS_N;
          if (r >= pc.m || col >= pc.n)
            continue;
          uint at = pc.off_c + r * pc.ldc + col;
          float value = pc.alpha * acc[i][j];
          if (pc.beta != 0.0)
            value += pc.beta * c[at];
          c[at] = value;
        }
    }
}
