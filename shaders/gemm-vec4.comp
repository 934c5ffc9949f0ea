// SPDX-License-Identifier: GPL-3.0-or-later
//
// gemm-vec4.comp: C = alpha · op(A) · op(B) + beta · C, as gemm.comp, for products whose
// contiguous dimensions, leading dimensions and offsets are multiples of four floats (the
// host checks; every Linear layer of the presets qualifies). Written for GPUs, measured on
// one (tests/bench/README.md):
//
// - global memory is read and written as vec4, one 16-byte load per invocation and operand
//   for each BK-deep slice of the 128 × 128 tile, so a warp reads whole 32-byte sectors;
// - shared memory is double-buffered: the next slice is loaded into registers while the
//   current one is multiplied and stored into the other buffer afterwards, so one barrier
//   per slice suffices and the loads' latency hides behind the arithmetic;
// - each invocation keeps a TM × TN block of C as vec4 strips and reads its operands from
//   shared memory as vec4 (four times fewer shared loads than scalar reads);
// - a row of each shared slice is padded by one vec4: the transposing stores of a K-major
//   operand then fall into distinct banks.
//
// Out-of-range vec4s load as zero; a vec4 is wholly in or out because the contiguous
// dimension is a multiple of four.
#version 450
#extension GL_EXT_control_flow_attributes : require

layout (local_size_x_id = 0) in;
layout (constant_id = 1) const uint BM = 128;
layout (constant_id = 2) const uint BN = 128;
layout (constant_id = 3) const uint BK = 8;
layout (constant_id = 4) const uint TM = 8;
layout (constant_id = 5) const uint TN = 8;
layout (constant_id = 6) const uint TRANS_A = 0;
layout (constant_id = 7) const uint TRANS_B = 0;

const uint THREADS_M = BM / TM;
const uint THREADS_N = BN / TN;
const uint THREADS = THREADS_M * THREADS_N;
const uint STRIPS_M = TM / 4;            // vec4 strips of rows per invocation
const uint STRIPS_N = TN / 4;
const uint ROW_A = BM / 4 + 1;           // vec4s in one padded shared row
const uint ROW_B = BN / 4 + 1;
const uint LOADS_A = BM * BK / 4 / THREADS;
const uint LOADS_B = BN * BK / 4 / THREADS;

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

layout (std430, binding = 0) readonly buffer A { vec4 a[]; };
layout (std430, binding = 1) readonly buffer B { vec4 b[]; };
layout (std430, binding = 2) buffer C { vec4 c[]; };

shared vec4 tile_a[2 * BK * ROW_A];   // [buffer][kk][row / 4]
shared vec4 tile_b[2 * BK * ROW_B];   // [buffer][kk][col / 4]

vec4 staged_a[LOADS_A];
vec4 staged_b[LOADS_B];

// Element @i of the slice: (outer, k-quad) for a K-major operand, (kk, outer-quad) otherwise.
vec4
fetch (uint k_major, uint outer_size, uint i, uint outer0, uint k0, uint offset, uint ld,
       uint outer_limit, bool is_a)
{
  uint outer, p;
  if (k_major != 0)
    {
      outer = i / (BK / 4);
      p = k0 + (i % (BK / 4)) * 4;
    }
  else
    {
      outer = (i % (outer_size / 4)) * 4;
      p = k0 + i / (outer_size / 4);
    }
  uint o = outer0 + outer;
  if (o >= outer_limit || p >= pc.k)
    return vec4 (0.0);
  uint word = k_major != 0 ? offset + o * ld + p : offset + p * ld + o;
  return is_a ? a[word / 4] : b[word / 4];
}

void
load_slice (uint lid, uint m0, uint n0, uint k0)
{
  // op(A) is K-major in memory when A is not transposed; op(B) when B is.
  [[unroll]] for (uint l = 0; l < LOADS_A; l++)
    staged_a[l] = fetch (TRANS_A == 0 ? 1 : 0, BM, lid + l * THREADS, m0, k0, pc.off_a, pc.lda,
                         pc.m, true);
  [[unroll]] for (uint l = 0; l < LOADS_B; l++)
    staged_b[l] = fetch (TRANS_B != 0 ? 1 : 0, BN, lid + l * THREADS, n0, k0, pc.off_b, pc.ldb,
                         pc.n, false);
}

// A K-major vec4 holds four k of one row: it is scattered over four shared rows.
void
store_k_major_a (uint base, uint i, vec4 v)
{
  uint row = i / (BK / 4), kk = (i % (BK / 4)) * 4;
  [[unroll]] for (uint q = 0; q < 4; q++)
    tile_a[base + (kk + q) * ROW_A + row / 4][row % 4] = v[q];
}

void
store_k_major_b (uint base, uint i, vec4 v)
{
  uint col = i / (BK / 4), kk = (i % (BK / 4)) * 4;
  [[unroll]] for (uint q = 0; q < 4; q++)
    tile_b[base + (kk + q) * ROW_B + col / 4][col % 4] = v[q];
}

void
store_slice (uint lid, uint slot)
{
  [[unroll]] for (uint l = 0; l < LOADS_A; l++)
    {
      uint i = lid + l * THREADS;
      if (TRANS_A == 0)
        store_k_major_a (slot * BK * ROW_A, i, staged_a[l]);
      else
        tile_a[slot * BK * ROW_A + (i / (BM / 4)) * ROW_A + i % (BM / 4)] = staged_a[l];
    }
  [[unroll]] for (uint l = 0; l < LOADS_B; l++)
    {
      uint i = lid + l * THREADS;
      if (TRANS_B != 0)
        store_k_major_b (slot * BK * ROW_B, i, staged_b[l]);
      else
        tile_b[slot * BK * ROW_B + (i / (BN / 4)) * ROW_B + i % (BN / 4)] = staged_b[l];
    }
}

void
main ()
{
  uint lid = gl_LocalInvocationIndex;
  uint tm = lid / THREADS_N, tn = lid % THREADS_N;
  uint m0 = gl_WorkGroupID.y * BM, n0 = gl_WorkGroupID.x * BN;
  uint slices = (pc.k + BK - 1) / BK;
  vec4 acc[TM][STRIPS_N];

  [[unroll]] for (uint i = 0; i < TM; i++)
    [[unroll]] for (uint j = 0; j < STRIPS_N; j++)
      acc[i][j] = vec4 (0.0);
  load_slice (lid, m0, n0, 0);
  store_slice (lid, 0);
  barrier ();
  [[dont_unroll]]
  for (uint s = 0; s < slices; s++)
    {
      uint slot = s & 1;
      bool more = s + 1 < slices;
      if (more)
        load_slice (lid, m0, n0, (s + 1) * BK);
      [[unroll]] for (uint kk = 0; kk < BK; kk++)
        {
          vec4 ra[STRIPS_M], rb[STRIPS_N];
          [[unroll]] for (uint i = 0; i < STRIPS_M; i++)
            ra[i] = tile_a[(slot * BK + kk) * ROW_A + tm + i * THREADS_M];
          [[unroll]] for (uint j = 0; j < STRIPS_N; j++)
            rb[j] = tile_b[(slot * BK + kk) * ROW_B + tn + j * THREADS_N];
          [[unroll]] for (uint i = 0; i < TM; i++)
            [[unroll]] for (uint j = 0; j < STRIPS_N; j++)
              acc[i][j] += ra[i / 4][i % 4] * rb[j];
        }
      if (more)
        store_slice (lid, slot ^ 1);
      barrier ();
    }
  [[unroll]] for (uint i = 0; i < TM; i++)
    {
      uint row = m0 + (tm + (i / 4) * THREADS_M) * 4 + i % 4;
      [[unroll]] for (uint j = 0; j < STRIPS_N; j++)
        {
          uint col = n0 + (tn + j * THREADS_N) * 4;
          if (row >= pc.m || col >= pc.n)
            continue;
          uint at = (pc.off_c + row * pc.ldc + col) / 4;
          vec4 value = pc.alpha * acc[i][j];
          if (pc.beta != 0.0)
            value += pc.beta * c[at];
          c[at] = value;
        }
    }
}
