// SPDX-License-Identifier: GPL-3.0-or-later
//
// batchnorm-apply.comp: y = (x − mean) · invstd · gamma + beta per column. Training passes
// the saved mean and invstd; evaluation passes the running mean and variance (eval = 1) and
// invstd is 1/sqrt(var + eps). y may be x itself.
#version 450
#include "elementwise.glsl"

layout (local_size_x = CEP_LOCAL_SIZE) in;

layout (push_constant) uniform Push
{
  uint off_x;
  uint off_y;
  uint off_mean;
  uint off_scale;
  uint off_gamma;
  uint off_beta;
  uint rows;
  uint cols;
  uint has_gamma;
  uint has_beta;
  uint eval;
  float eps;
} pc;

layout (std430, binding = 0) buffer X { float x[]; };
layout (std430, binding = 1) buffer Y { float y[]; };
layout (std430, binding = 2) readonly buffer Mean { float mean[]; };
layout (std430, binding = 3) readonly buffer Scale { float scale[]; };
layout (std430, binding = 4) readonly buffer Gamma { float gamma[]; };
layout (std430, binding = 5) readonly buffer Beta { float beta[]; };

void
main ()
{
  CEP_FOR_EACH (e, pc.rows * pc.cols)
    {
      uint j = e % pc.cols;
      float s = scale[pc.off_scale + j];
      float invstd = pc.eval != 0 ? 1.0 / sqrt (s + pc.eps) : s;
      float value = (x[pc.off_x + e] - mean[pc.off_mean + j]) * invstd;
      if (pc.has_gamma != 0)
        value *= gamma[pc.off_gamma + j];
      if (pc.has_beta != 0)
        value += beta[pc.off_beta + j];
      y[pc.off_y + e] = value;
    }
}
