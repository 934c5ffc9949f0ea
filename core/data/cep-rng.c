/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-rng.c: Philox4x32-10 (Salmon, Moraes, Dror, Shaw: "Parallel random numbers: as easy as
 * 1, 2, 3", SC 2011) and a tiny cursor over it.
 *
 * Owns the only source of randomness in the core. It must not keep global state: every number
 * is a pure function of (seed, stream, counter words), which is what makes batches and masks
 * reproducible on any thread.
 */
#define G_LOG_DOMAIN "cepstra-rng"

#include "cep-rng.h"

/* Round multipliers and Weyl key increments from the paper. */
#define PHILOX_M0 0xD2511F53u
#define PHILOX_M1 0xCD9E8D57u
#define PHILOX_W0 0x9E3779B9u
#define PHILOX_W1 0xBB67AE85u
#define PHILOX_ROUNDS 10

static inline void
philox_round (guint32       x[4],
              const guint32 k[2])
{
  guint64 p0 = (guint64) PHILOX_M0 * x[0];
  guint64 p1 = (guint64) PHILOX_M1 * x[2];
  guint32 y0 = (guint32) (p1 >> 32) ^ x[1] ^ k[0];
  guint32 y1 = (guint32) p1;
  guint32 y2 = (guint32) (p0 >> 32) ^ x[3] ^ k[1];
  guint32 y3 = (guint32) p0;

  x[0] = y0;
  x[1] = y1;
  x[2] = y2;
  x[3] = y3;
}

void
cep_philox4x32 (const guint32 counter[4],
                const guint32 key[2],
                guint32       out[4])
{
  guint32 x[4] = { counter[0], counter[1], counter[2], counter[3] };
  guint32 k[2] = { key[0], key[1] };

  for (guint round = 0; round < PHILOX_ROUNDS; round++)
    {
      if (round > 0)
        {
          k[0] += PHILOX_W0;
          k[1] += PHILOX_W1;
        }
      philox_round (x, k);
    }
  out[0] = x[0];
  out[1] = x[1];
  out[2] = x[2];
  out[3] = x[3];
}

void
cep_rng_init (CepRng  *rng,
              guint64  seed,
              guint32  stream,
              guint32  c0,
              guint32  c1)
{
  cep_rng_init_indexed (rng, seed, stream, c0, c1, 0);
}

void
cep_rng_init_indexed (CepRng  *rng,
                      guint64  seed,
                      guint32  stream,
                      guint32  c0,
                      guint32  c1,
                      guint32  c2)
{
  g_return_if_fail (stream <= 0xff);
  g_return_if_fail (c2 <= CEP_RNG_MAX_INDEX);

  rng->key[0] = (guint32) seed;
  rng->key[1] = (guint32) (seed >> 32);
  rng->counter[0] = c0;
  rng->counter[1] = c1;
  rng->counter[2] = stream | (c2 << 8);
  rng->counter[3] = 0;
  rng->used = 4;
}

guint32
cep_rng_next_u32 (CepRng *rng)
{
  if (rng->used == 4)
    {
      cep_philox4x32 (rng->counter, rng->key, rng->buffer);
      rng->counter[3]++;
      rng->used = 0;
    }
  return rng->buffer[rng->used++];
}

float
cep_rng_uniform (CepRng *rng)
{
  return (float) (cep_rng_next_u32 (rng) >> 8) * (1.0f / 16777216.0f);
}

/* Lemire's multiply-and-reject: unbiased, and almost never draws a second word. */
guint32
cep_rng_range (CepRng  *rng,
               guint32  lo,
               guint32  hi)
{
  g_return_val_if_fail (lo <= hi, lo);

  guint32 span = hi - lo;
  if (span == G_MAXUINT32)
    return cep_rng_next_u32 (rng);

  guint32 n = span + 1;
  guint64 product = (guint64) cep_rng_next_u32 (rng) * n;
  guint32 low = (guint32) product;
  if (low < n)
    {
      guint32 threshold = (guint32) (-n) % n;
      while (low < threshold)
        {
          product = (guint64) cep_rng_next_u32 (rng) * n;
          low = (guint32) product;
        }
    }
  return lo + (guint32) (product >> 32);
}
