// SPDX-License-Identifier: GPL-3.0-or-later
//
// batchnorm-backward-sums.comp: per column Σ dy and Σ (x − mean)·dy with the saved mean;
// writes dbeta = Σ dy and dgamma = Σ (x − mean)·dy · invstd when wanted, and both sums to
// the scratch vector [2 × cols] for batchnorm-backward-dx.comp.
#version 450
#include "columns.glsl"
#include "reduce.glsl"

layout (push_constant) uniform Push
{
  uint off_x;
  uint off_dy;
  uint off_mean;
  uint off_invstd;
  uint off_dgamma;
  uint off_dbeta;
  uint off_sums;
  uint rows;
  uint cols;
  uint has_dgamma;
  uint has_dbeta;
} pc;

layout (std430, binding = 0) readonly buffer X { float x[]; };
layout (std430, binding = 1) readonly buffer Dy { float dy[]; };
layout (std430, binding = 2) readonly buffer Mean { float mean[]; };
layout (std430, binding = 3) readonly buffer Invstd { float invstd[]; };
layout (std430, binding = 4) buffer Dgamma { float dgamma[]; };
layout (std430, binding = 5) buffer Dbeta { float dbeta[]; };
layout (std430, binding = 6) buffer Sums { float sums[]; };

void
main ()
{
  uint j = cep_column ();
  float sum_dy = 0.0, dot = 0.0;

  if (j < pc.cols)
    {
      float mu = mean[pc.off_mean + j];
      CEP_FOR_EACH_ROW (i, pc.rows)
        {
          uint e = i * pc.cols + j;
          float g = dy[pc.off_dy + e];
          sum_dy += g;
          dot += (x[pc.off_x + e] - mu) * g;
        }
    }
  sum_dy = cep_column_sum (sum_dy);
  dot = cep_column_sum (dot);
  if (j >= pc.cols || gl_LocalInvocationID.y != 0)
    return;
  sums[pc.off_sums + j] = sum_dy;
  sums[pc.off_sums + pc.cols + j] = dot;
  if (pc.has_dgamma != 0)
    dgamma[pc.off_dgamma + j] = dot * invstd[pc.off_invstd + j];
  if (pc.has_dbeta != 0)
    dbeta[pc.off_dbeta + j] = sum_dy;
}
