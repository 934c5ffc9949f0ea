// SPDX-License-Identifier: GPL-3.0-or-later
//
// peak-fma.comp: the device's fp32 arithmetic peak, for the benchmark that compares the GEMM
// against it. Each invocation runs eight independent vec4 multiply-add chains for @iterations
// rounds (64 floating-point operations a round) and writes their sum, so nothing is optimized
// away and no memory traffic competes with the arithmetic.
#version 450

layout (local_size_x = 256) in;

layout (push_constant) uniform Push
{
  uint off_out;
  uint iterations;
  float scale;
} pc;

layout (std430, binding = 0) writeonly buffer Out { float result[]; };

void
main ()
{
  float seed = float (gl_GlobalInvocationID.x) * 1e-7;
  vec4 x[8];
  vec4 m = vec4 (pc.scale), a = vec4 (1e-6);

  for (uint i = 0; i < 8; i++)
    x[i] = vec4 (seed + float (i), seed - float (i), seed * float (i), seed);
  for (uint r = 0; r < pc.iterations; r++)
    for (uint i = 0; i < 8; i++)
      x[i] = fma (x[i], m, a);
  vec4 sum = x[0] + x[1] + x[2] + x[3] + x[4] + x[5] + x[6] + x[7];
  result[pc.off_out + gl_GlobalInvocationID.x] = sum.x + sum.y + sum.z + sum.w;
}
