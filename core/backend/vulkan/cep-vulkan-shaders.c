/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-vulkan-shaders.c: the pipeline table — every compute shader of shaders/, embedded as
 * the SPIR-V glslc produced at build time, with its binding count, push-constant size and
 * workgroup size.
 *
 * One row per shader: adding an operation means adding its .comp to shaders/meson.build, a
 * CepVulkanShaderId, and a row here. Push sizes count the 4-byte words of the shader's push
 * block (binding offsets first); the workgroup size is 0 where specialization constant 0
 * sets it (GEMM). It must hold data only.
 */
#include "cep-vulkan-private.h"

static const guint32 spirv_scale[] =
#include "scale.spv.h"
;

static const guint32 spirv_axpy[] =
#include "axpy.spv.h"
;

static const guint32 spirv_matrix_scale[] =
#include "matrix-scale.spv.h"
;

static const guint32 spirv_gemm[] =
#include "gemm.spv.h"
;

static const guint32 spirv_gemm_vec4[] =
#include "gemm-vec4.spv.h"
;

static const guint32 spirv_gemm_reduce[] =
#include "gemm-reduce.spv.h"
;

static const guint32 spirv_gemm_skinny[] =
#include "gemm-skinny.spv.h"
;

static const guint32 spirv_bias_act_forward[] =
#include "bias-act-forward.spv.h"
;

static const guint32 spirv_bias_act_backward[] =
#include "bias-act-backward.spv.h"
;

static const guint32 spirv_bias_act_backward_dbias[] =
#include "bias-act-backward-dbias.spv.h"
;

static const guint32 spirv_column_sums[] =
#include "column-sums.spv.h"
;

static const guint32 spirv_batchnorm_stats[] =
#include "batchnorm-stats.spv.h"
;

static const guint32 spirv_batchnorm_apply[] =
#include "batchnorm-apply.spv.h"
;

static const guint32 spirv_batchnorm_backward_sums[] =
#include "batchnorm-backward-sums.spv.h"
;

static const guint32 spirv_batchnorm_backward_dx[] =
#include "batchnorm-backward-dx.spv.h"
;

static const guint32 spirv_layernorm_forward[] =
#include "layernorm-forward.spv.h"
;

static const guint32 spirv_layernorm_backward_params[] =
#include "layernorm-backward-params.spv.h"
;

static const guint32 spirv_layernorm_backward_dx[] =
#include "layernorm-backward-dx.spv.h"
;

static const guint32 spirv_dropout_forward[] =
#include "dropout-forward.spv.h"
;

static const guint32 spirv_dropout_backward[] =
#include "dropout-backward.spv.h"
;

static const guint32 spirv_softmax_ce_forward[] =
#include "softmax-ce-forward.spv.h"
;

static const guint32 spirv_softmax_ce_backward[] =
#include "softmax-ce-backward.spv.h"
;

static const guint32 spirv_argmax[] =
#include "argmax.spv.h"
;

static const guint32 spirv_adam[] =
#include "adam.spv.h"
;

static const guint32 spirv_sgd[] =
#include "sgd.spv.h"
;

static const guint32 spirv_sum_squares[] =
#include "sum-squares.spv.h"
;

static const guint32 spirv_reduce_add[] =
#include "reduce-add.spv.h"
;

static const guint32 spirv_clip_scale[] =
#include "clip-scale.spv.h"
;

static const guint32 spirv_peak_fma[] =
#include "peak-fma.spv.h"
;

static const guint32 spirv_gather_windows[] =
#include "gather-windows.spv.h"
;

static const guint32 spirv_conv1d_unfold[] =
#include "conv1d-unfold.spv.h"
;

static const guint32 spirv_conv1d_fold[] =
#include "conv1d-fold.spv.h"
;

static const guint32 spirv_max_pool1d_forward[] =
#include "max-pool1d-forward.spv.h"
;

static const guint32 spirv_max_pool1d_backward[] =
#include "max-pool1d-backward.spv.h"
;

static const guint32 spirv_avg_pool1d_forward[] =
#include "avg-pool1d-forward.spv.h"
;

static const guint32 spirv_avg_pool1d_backward[] =
#include "avg-pool1d-backward.spv.h"
;

#define SHADER(id, spirv_name, bindings, push_words, local_size) \
  [CEP_SHADER_##id] = { #spirv_name, spirv_##spirv_name, sizeof spirv_##spirv_name, bindings, \
                        (push_words) * 4, local_size }

const CepVulkanShader cep_vulkan_shaders[CEP_N_SHADERS] = {
  SHADER (SCALE, scale, 1, 3, 256),
  SHADER (AXPY, axpy, 2, 4, 256),
  SHADER (MATRIX_SCALE, matrix_scale, 1, 5, 256),
  SHADER (GEMM, gemm, 3, 11, 0),
  SHADER (GEMM_VEC4, gemm_vec4, 3, 11, 0),
  SHADER (GEMM_REDUCE, gemm_reduce, 2, 8, 256),
  SHADER (GEMM_SKINNY, gemm_skinny, 3, 11, 256),
  SHADER (BIAS_ACT_FORWARD, bias_act_forward, 3, 8, 256),
  SHADER (BIAS_ACT_BACKWARD, bias_act_backward, 3, 6, 256),
  SHADER (BIAS_ACT_BACKWARD_DBIAS, bias_act_backward_dbias, 4, 8, 256),
  SHADER (COLUMN_SUMS, column_sums, 2, 5, 256),
  SHADER (BATCHNORM_STATS, batchnorm_stats, 5, 9, 256),
  SHADER (BATCHNORM_APPLY, batchnorm_apply, 6, 12, 256),
  SHADER (BATCHNORM_BACKWARD_SUMS, batchnorm_backward_sums, 7, 11, 256),
  SHADER (BATCHNORM_BACKWARD_DX, batchnorm_backward_dx, 7, 10, 256),
  SHADER (LAYERNORM_FORWARD, layernorm_forward, 6, 12, 256),
  SHADER (LAYERNORM_BACKWARD_PARAMS, layernorm_backward_params, 6, 10, 256),
  SHADER (LAYERNORM_BACKWARD_DX, layernorm_backward_dx, 6, 9, 256),
  SHADER (DROPOUT_FORWARD, dropout_forward, 3, 12, 256),
  SHADER (DROPOUT_BACKWARD, dropout_backward, 3, 5, 256),
  SHADER (SOFTMAX_CE_FORWARD, softmax_ce_forward, 3, 6, 256),
  SHADER (SOFTMAX_CE_BACKWARD, softmax_ce_backward, 3, 7, 256),
  SHADER (ARGMAX, argmax, 4, 8, 256),
  SHADER (ADAM, adam, 4, 14, 256),
  SHADER (SGD, sgd, 3, 11, 256),
  SHADER (SUM_SQUARES, sum_squares, 2, 3, 256),
  SHADER (REDUCE_ADD, reduce_add, 2, 3, 256),
  SHADER (CLIP_SCALE, clip_scale, 2, 4, 256),
  SHADER (PEAK_FMA, peak_fma, 1, 3, 256),
  SHADER (GATHER_WINDOWS, gather_windows, 3, 10, 256),
  SHADER (CONV1D_UNFOLD, conv1d_unfold, 2, 10, 256),
  SHADER (CONV1D_FOLD, conv1d_fold, 2, 10, 256),
  SHADER (MAX_POOL1D_FORWARD, max_pool1d_forward, 3, 9, 256),
  SHADER (MAX_POOL1D_BACKWARD, max_pool1d_backward, 3, 9, 256),
  SHADER (AVG_POOL1D_FORWARD, avg_pool1d_forward, 2, 8, 256),
  SHADER (AVG_POOL1D_BACKWARD, avg_pool1d_backward, 2, 8, 256),
};
