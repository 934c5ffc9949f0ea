// SPDX-License-Identifier: GPL-3.0-or-later
//
// bias-act-backward-dbias.comp: dpre = dy ⊙ act'(pre) and dbias = Σ_rows dpre in one pass
// over the columns (columns.glsl layout). dpre may be dy itself.
#version 450
#include "columns.glsl"
#include "reduce.glsl"
#include "activation.glsl"

layout (push_constant) uniform Push
{
  uint off_pre;
  uint off_dy;
  uint off_dpre;
  uint off_dbias;
  uint rows;
  uint cols;
  uint act;
  float slope;
} pc;

layout (std430, binding = 0) readonly buffer Pre { float pre[]; };
layout (std430, binding = 1) buffer Dy { float dy[]; };
layout (std430, binding = 2) buffer Dpre { float dpre[]; };
layout (std430, binding = 3) buffer Dbias { float dbias[]; };

void
main ()
{
  uint j = cep_column ();
  float sum = 0.0;

  if (j < pc.cols)
    CEP_FOR_EACH_ROW (i, pc.rows)
      {
        uint e = i * pc.cols + j;
        float d = dy[pc.off_dy + e] *
                  cep_activation_derivative (pc.act, pc.slope, pre[pc.off_pre + e]);
        dpre[pc.off_dpre + e] = d;
        sum += d;
      }
  sum = cep_column_sum (sum);
  if (j < pc.cols && gl_LocalInvocationID.y == 0)
    dbias[pc.off_dbias + j] = sum;
}
