// SPDX-License-Identifier: GPL-3.0-or-later
//
// peak-fma.comp: the device's fp32 arithmetic peak, for the benchmark that compares the GEMM
// against it. Each invocation runs sixteen independent vec4 multiply-add chains for
// @iterations rounds of four (512 floating-point operations a round) and writes their sum, so
// nothing is optimized away, no memory traffic competes with the arithmetic and the loop's own
// instructions are few beside the multiply-adds.
#version 450
#extension GL_EXT_control_flow_attributes : require

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
  vec4 x[16];
  vec4 m = vec4 (pc.scale), a = vec4 (1e-6);

  [[unroll]] for (uint i = 0; i < 16; i++)
    x[i] = vec4 (seed + float (i), seed - float (i), seed * float (i), seed);
  for (uint r = 0; r < pc.iterations; r++)
    [[unroll]] for (uint u = 0; u < 4; u++)
      [[unroll]] for (uint i = 0; i < 16; i++)
        x[i] = fma (x[i], m, a);
  vec4 sum = vec4 (0.0);
  [[unroll]] for (uint i = 0; i < 16; i++)
    sum += x[i];
  result[pc.off_out + gl_GlobalInvocationID.x] = sum.x + sum.y + sum.z + sum.w;
}
