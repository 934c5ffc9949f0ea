// SPDX-License-Identifier: GPL-3.0-or-later
//
// layernorm-forward.comp: torch.nn.LayerNorm over each row of [rows × cols], one workgroup
// per row (striding over rows past the dispatch): mean and biased variance by workgroup
// sums, y = (x − mean)·invstd·gamma + beta, and the row's mean and invstd saved when asked.
// y may be x itself: every element is read before the row's last barrier.
#version 450
#include "elementwise.glsl"
#include "reduce.glsl"

layout (local_size_x = CEP_LOCAL_SIZE) in;

layout (push_constant) uniform Push
{
  uint off_x;
  uint off_y;
  uint off_gamma;
  uint off_beta;
  uint off_mean;
  uint off_invstd;
  uint rows;
  uint cols;
  uint has_gamma;
  uint has_beta;
  uint save;
  float eps;
} pc;

layout (std430, binding = 0) buffer X { float x[]; };
layout (std430, binding = 1) buffer Y { float y[]; };
layout (std430, binding = 2) readonly buffer Gamma { float gamma[]; };
layout (std430, binding = 3) readonly buffer Beta { float beta[]; };
layout (std430, binding = 4) writeonly buffer Mean { float mean[]; };
layout (std430, binding = 5) writeonly buffer Invstd { float invstd[]; };

void
main ()
{
  uint lid = gl_LocalInvocationIndex;

  for (uint row = gl_WorkGroupID.x; row < pc.rows; row += gl_NumWorkGroups.x)
    {
      uint base = row * pc.cols;
      float sum = 0.0;
      for (uint j = lid; j < pc.cols; j += CEP_LOCAL_SIZE)
        sum += x[pc.off_x + base + j];
      float m = cep_workgroup_sum (sum) / float (pc.cols);
      float squares = 0.0;
      for (uint j = lid; j < pc.cols; j += CEP_LOCAL_SIZE)
        {
          float c = x[pc.off_x + base + j] - m;
          squares += c * c;
        }
      float is = inversesqrt (cep_workgroup_sum (squares) / float (pc.cols) + pc.eps);
      if (pc.save != 0 && lid == 0)
        {
          mean[pc.off_mean + row] = m;
          invstd[pc.off_invstd + row] = is;
        }
      for (uint j = lid; j < pc.cols; j += CEP_LOCAL_SIZE)
        {
          float value = (x[pc.off_x + base + j] - m) * is;
          if (pc.has_gamma != 0)
            value *= gamma[pc.off_gamma + j];
          if (pc.has_beta != 0)
            value += beta[pc.off_beta + j];
          y[pc.off_y + base + j] = value;
        }
    }
}
