// SPDX-License-Identifier: GPL-3.0-or-later
//
// layernorm-backward-params.comp: LayerNorm's parameter gradients, one invocation per column
// summing over the rows in order: dgamma = Σ dy·x̂, dbeta = Σ dy with x̂ = (x − mean)·invstd
// from the forward's saved statistics. Dispatched before layernorm-backward-dx.comp, which
// may overwrite dy.
#version 450
#include "elementwise.glsl"

layout (local_size_x = CEP_LOCAL_SIZE) in;

layout (push_constant) uniform Push
{
  uint off_x;
  uint off_dy;
  uint off_mean;
  uint off_invstd;
  uint off_dgamma;
  uint off_dbeta;
  uint rows;
  uint cols;
  uint has_dgamma;
  uint has_dbeta;
} pc;

layout (std430, binding = 0) readonly buffer X { float x[]; };
layout (std430, binding = 1) readonly buffer Dy { float dy[]; };
layout (std430, binding = 2) readonly buffer Mean { float mean[]; };
layout (std430, binding = 3) readonly buffer Invstd { float invstd[]; };
layout (std430, binding = 4) writeonly buffer Dgamma { float dgamma[]; };
layout (std430, binding = 5) writeonly buffer Dbeta { float dbeta[]; };

void
main ()
{
  CEP_FOR_EACH (j, pc.cols)
    {
      float dot = 0.0, sum = 0.0;
      for (uint row = 0; row < pc.rows; row++)
        {
          uint e = row * pc.cols + j;
          float g = dy[pc.off_dy + e];
          dot += g * (x[pc.off_x + e] - mean[pc.off_mean + row]) * invstd[pc.off_invstd + row];
          sum += g;
        }
      if (pc.has_dgamma != 0)
        dgamma[pc.off_dgamma + j] = dot;
      if (pc.has_dbeta != 0)
        dbeta[pc.off_dbeta + j] = sum;
    }
}
