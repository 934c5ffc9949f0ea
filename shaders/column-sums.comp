// SPDX-License-Identifier: GPL-3.0-or-later
//
// column-sums.comp: out[j] = Σ_i x[i, j] + beta · out[j] (out not read when beta = 0).
#version 450
#include "columns.glsl"
#include "reduce.glsl"

layout (push_constant) uniform Push
{
  uint off_x;
  uint off_out;
  uint rows;
  uint cols;
  float beta;
} pc;

layout (std430, binding = 0) readonly buffer X { float x[]; };
layout (std430, binding = 1) buffer Out { float outs[]; };

void
main ()
{
  uint j = cep_column ();
  float sum = 0.0;

  if (j < pc.cols)
    CEP_FOR_EACH_ROW (i, pc.rows)
      sum += x[pc.off_x + i * pc.cols + j];
  sum = cep_column_sum (sum);
  if (j < pc.cols && gl_LocalInvocationID.y == 0)
    outs[pc.off_out + j] = pc.beta != 0.0 ? sum + pc.beta * outs[pc.off_out + j] : sum;
}
