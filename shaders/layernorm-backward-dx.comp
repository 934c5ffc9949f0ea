// SPDX-License-Identifier: GPL-3.0-or-later
//
// layernorm-backward-dx.comp: torch's LayerNorm input gradient, one workgroup per row: with
// g = dy·gamma and x̂ = (x − mean)·invstd, dx = invstd·(g − mean(g) − x̂·mean(g·x̂)), the
// two means by workgroup sums. dx may be dy itself (each element is read before it is
// written, by the invocation that writes it).
#version 450
#include "elementwise.glsl"
#include "reduce.glsl"

layout (local_size_x = CEP_LOCAL_SIZE) in;

layout (push_constant) uniform Push
{
  uint off_x;
  uint off_dy;
  uint off_dx;
  uint off_mean;
  uint off_invstd;
  uint off_gamma;
  uint rows;
  uint cols;
  uint has_gamma;
} pc;

layout (std430, binding = 0) readonly buffer X { float x[]; };
layout (std430, binding = 1) buffer Dy { float dy[]; };
layout (std430, binding = 2) buffer Dx { float dx[]; };
layout (std430, binding = 3) readonly buffer Mean { float mean[]; };
layout (std430, binding = 4) readonly buffer Invstd { float invstd[]; };
layout (std430, binding = 5) readonly buffer Gamma { float gamma[]; };

float
scaled_dy (uint e, uint j)
{
  float g = dy[pc.off_dy + e];
  return pc.has_gamma != 0 ? g * gamma[pc.off_gamma + j] : g;
}

void
main ()
{
  uint lid = gl_LocalInvocationIndex;

  for (uint row = gl_WorkGroupID.x; row < pc.rows; row += gl_NumWorkGroups.x)
    {
      uint base = row * pc.cols;
      float m = mean[pc.off_mean + row], is = invstd[pc.off_invstd + row];
      float sum_g = 0.0, sum_g_xhat = 0.0;
      for (uint j = lid; j < pc.cols; j += CEP_LOCAL_SIZE)
        {
          float g = scaled_dy (base + j, j);
          sum_g += g;
          sum_g_xhat += g * (x[pc.off_x + base + j] - m) * is;
        }
      float mean_g = cep_workgroup_sum (sum_g) / float (pc.cols);
      float mean_g_xhat = cep_workgroup_sum (sum_g_xhat) / float (pc.cols);
      for (uint j = lid; j < pc.cols; j += CEP_LOCAL_SIZE)
        {
          float xhat = (x[pc.off_x + base + j] - m) * is;
          dx[pc.off_dx + base + j] = is * (scaled_dy (base + j, j) - mean_g - xhat * mean_g_xhat);
        }
    }
}
