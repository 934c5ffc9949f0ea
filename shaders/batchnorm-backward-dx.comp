// SPDX-License-Identifier: GPL-3.0-or-later
//
// batchnorm-backward-dx.comp: torch's training-mode input gradient with xc = x − mean,
// dx = (dy − Σdy/N − xc · Σ(xc·dy) · invstd² / N) · invstd · gamma, from the sums of
// batchnorm-backward-sums.comp. dx may be dy itself.
#version 450
#include "elementwise.glsl"

layout (local_size_x = CEP_LOCAL_SIZE) in;

layout (push_constant) uniform Push
{
  uint off_x;
  uint off_dy;
  uint off_dx;
  uint off_mean;
  uint off_invstd;
  uint off_gamma;
  uint off_sums;
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
layout (std430, binding = 6) readonly buffer Sums { float sums[]; };

void
main ()
{
  float n = float (pc.rows);

  CEP_FOR_EACH (e, pc.rows * pc.cols)
    {
      uint j = e % pc.cols;
      float is = invstd[pc.off_invstd + j];
      float sum_dy = sums[pc.off_sums + j];
      float dot = sums[pc.off_sums + pc.cols + j];
      float projection = (x[pc.off_x + e] - mean[pc.off_mean + j]) * dot * is * is / n;
      float value = (dy[pc.off_dy + e] - sum_dy / n - projection) * is;
      if (pc.has_gamma != 0)
        value *= gamma[pc.off_gamma + j];
      dx[pc.off_dx + e] = value;
    }
}
