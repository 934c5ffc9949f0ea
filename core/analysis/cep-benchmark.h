/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-benchmark.h: the measurements behind `cepstra-cli bench`: the seed notebook's matrix
 * product, and training and inference throughput of a model on a backend, next to what
 * OpenBLAS's own sgemm does on the same shapes.
 *
 * Every measurement runs warm-up repetitions first, then @runs timed ones, and reports the
 * median (and the fastest) wall time; inputs are seeded random numbers, never timed. It must
 * not print anything or decide what is fast enough: that is for people.
 */
#pragma once

#include "cep-backend.h"
#include "cep-model-spec.h"

G_BEGIN_DECLS

/* The seed notebook's product: {10000, 784} × {784, 10}. */
#define CEP_BENCHMARK_SEED_M 10000
#define CEP_BENCHMARK_SEED_K 784
#define CEP_BENCHMARK_SEED_N 10

typedef struct
{
  double median;     /* seconds */
  double fastest;
  guint  runs;
} CepTiming;

/* 2·m·k·n of the seed product. */
double   cep_benchmark_seed_flops          (void);
/* The seed product on @backend (cep_backend_gemm), or with @backend NULL through
 * cblas_sgemm on @threads OpenBLAS threads (0 = one per core). */
gboolean cep_benchmark_seed_product        (CepBackend          *backend,
                                            guint                threads,
                                            guint                runs,
                                            CepTiming           *timing,
                                            GError             **error);
/* One training step (forward, backward, AdamW) of @spec on @batch rows. */
gboolean cep_benchmark_train_step          (const CepModelSpec  *spec,
                                            CepBackend          *backend,
                                            guint                batch,
                                            guint                runs,
                                            CepTiming           *timing,
                                            GError             **error);
/* One evaluation-mode forward pass of @batch rows. */
gboolean cep_benchmark_inference           (const CepModelSpec  *spec,
                                            CepBackend          *backend,
                                            guint                batch,
                                            guint                runs,
                                            CepTiming           *timing,
                                            GError             **error);
/* Only the GEMMs of one training step of @spec on @batch rows (each Linear's forward, weight
 * gradient and, except the first, input gradient), each one cblas_sgemm call on @threads
 * OpenBLAS threads: the GEMM-bound floor of a step. cep_model_spec_count_train_gemm_flops()
 * × @batch / the time is OpenBLAS's GFLOP/s on those shapes. */
gboolean cep_benchmark_sgemm_step          (const CepModelSpec  *spec,
                                            guint                batch,
                                            guint                threads,
                                            guint                runs,
                                            CepTiming           *timing,
                                            GError             **error);
/* 2·Σ in·out per sample: the GEMM FLOPs of one evaluation-mode forward pass. */
guint64  cep_benchmark_forward_gemm_flops  (const CepModelSpec  *spec);

G_END_DECLS
