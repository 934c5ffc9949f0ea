// SPDX-License-Identifier: GPL-3.0-or-later
//
// batchnorm-stats.comp: the training forward's statistics per column — mean, biased
// variance (two passes: the mean first, then squared deviations), saved mean and invstd =
// 1/sqrt(var + eps), and the running statistics updated with the unbiased variance.
#version 450
#include "columns.glsl"
#include "reduce.glsl"

layout (push_constant) uniform Push
{
  uint off_x;
  uint off_running_mean;
  uint off_running_var;
  uint off_saved_mean;
  uint off_saved_invstd;
  uint rows;
  uint cols;
  float momentum;
  float eps;
} pc;

layout (std430, binding = 0) readonly buffer X { float x[]; };
layout (std430, binding = 1) buffer RunningMean { float running_mean[]; };
layout (std430, binding = 2) buffer RunningVar { float running_var[]; };
layout (std430, binding = 3) buffer SavedMean { float saved_mean[]; };
layout (std430, binding = 4) buffer SavedInvstd { float saved_invstd[]; };

void
main ()
{
  uint j = cep_column ();
  float sum = 0.0, squares = 0.0;

  if (j < pc.cols)
    CEP_FOR_EACH_ROW (i, pc.rows)
      sum += x[pc.off_x + i * pc.cols + j];
  float mean = cep_column_sum (sum) / float (pc.rows);
  if (j < pc.cols)
    CEP_FOR_EACH_ROW (i, pc.rows)
      {
        float d = x[pc.off_x + i * pc.cols + j] - mean;
        squares += d * d;
      }
  float var = cep_column_sum (squares) / float (pc.rows);
  if (j >= pc.cols || gl_LocalInvocationID.y != 0)
    return;
  float unbiased = var * (float (pc.rows) / float (pc.rows - 1));
  float m = pc.momentum;
  uint rm = pc.off_running_mean + j, rv = pc.off_running_var + j;
  saved_mean[pc.off_saved_mean + j] = mean;
  saved_invstd[pc.off_saved_invstd + j] = 1.0 / sqrt (var + pc.eps);
  running_mean[rm] = m * mean + (1.0 - m) * running_mean[rm];
  running_var[rv] = m * unbiased + (1.0 - m) * running_var[rv];
}
