/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-rng.h: counter-based random numbers (Philox4x32-10).
 *
 * Every random decision in Cepstra (shuffles, subsets, SpecAugment masks, later dropout) is a
 * pure function of (seed, stream, counter), so a batch or a mask can be recomputed anywhere, on
 * any thread or backend, without replaying a generator's history.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Well-known streams, so different uses of one seed never share numbers. */
typedef enum
{
  CEP_RNG_STREAM_SHUFFLE = 1,
  CEP_RNG_STREAM_SUBSET  = 2,
  CEP_RNG_STREAM_MASKS   = 3,
  CEP_RNG_STREAM_DROPOUT = 4,
  CEP_RNG_STREAM_INIT    = 5,
  CEP_RNG_STREAM_DEMO    = 6,
  CEP_RNG_STREAM_DITHER  = 7,
  /* The analyses' inputs: perturbation noise of the dependency matrix, benchmark batches. */
  CEP_RNG_STREAM_DEPENDENCY = 16,
  CEP_RNG_STREAM_BENCHMARK  = 17,
} CepRngStream;

/* Philox4x32-10 on a 128-bit counter and a 64-bit key; writes four 32-bit words. */
void     cep_philox4x32   (const guint32 counter[4],
                           const guint32 key[2],
                           guint32       out[4]);

/* A small cursor over one (seed, stream, c0, c1) sequence: words come from consecutive values
 * of the last counter word. Cheap to create on the stack.
 *
 * Layout: key = seed (low word first); counter = { c0, c1, stream | c2 << 8, position }, so a
 * stream is below 256 and the optional third index (cep_rng_init_indexed) below 2^24. */
typedef struct
{
  guint32 key[2];
  guint32 counter[4];
  guint32 buffer[4];
  guint   used;
} CepRng;

void     cep_rng_init     (CepRng  *rng,
                           guint64  seed,
                           guint32  stream,
                           guint32  c0,
                           guint32  c1);
/* The same with a third index word (e.g. the sample within a batch); @c2 <= CEP_RNG_MAX_INDEX.
 * cep_rng_init() is this with @c2 = 0. */
#define CEP_RNG_MAX_INDEX 0xffffffu
void     cep_rng_init_indexed (CepRng  *rng,
                               guint64  seed,
                               guint32  stream,
                               guint32  c0,
                               guint32  c1,
                               guint32  c2);
guint32  cep_rng_next_u32 (CepRng  *rng);
/* Uniform in [0, 1) with 24 random bits. */
float    cep_rng_uniform  (CepRng  *rng);
/* Uniform integer in [lo, hi] (inclusive), unbiased. */
guint32  cep_rng_range    (CepRng  *rng,
                           guint32  lo,
                           guint32  hi);

G_END_DECLS
