/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-blas-dropout.c: dropout masks from Philox4x32-10, many blocks at a time.
 *
 * The mask of element e is defined in cep-backend.h (16-bit half e % 2 of word (e / 2) % 4 of
 * Philox block e / 8 of the key's counter); cep-rng.c computes one block at a time, which makes
 * mask generation cost more than the layer it belongs to. Here 16 (AVX-512) or 8 (AVX2)
 * blocks run side by side, one block per vector lane, then a 4×4 transpose puts the words
 * back in element order, and one unsigned 16-bit comparison per vector yields 32 mask bits.
 * The portable path calls cep_philox4x32(). All paths give identical bits; the tests check it.
 * Applying a mask (forward and backward) is plain C that gcc vectorizes.
 */
#define G_LOG_DOMAIN "cepstra-backend"

#include <string.h>

#include "cep-blas-kernels.h"
#include "cep-rng.h"

#if defined(__x86_64__)
#include <immintrin.h>
#define CEP_DROPOUT_X86 1
#endif

#define PHILOX_M0 0xD2511F53u
#define PHILOX_M1 0xCD9E8D57u
#define PHILOX_W0 0x9E3779B9u
#define PHILOX_W1 0xBB67AE85u

/* Elements per mask chunk generated before it is applied (stays in L1). */
#define CHUNK_ELEMENTS 4096

typedef struct
{
  guint32 key[2];
  guint32 c0;
  guint32 c1;
  guint32 c2;
} PhiloxKey;

static PhiloxKey
philox_key (CepDropoutKey key)
{
  PhiloxKey k = {
    .key = { (guint32) key.seed, (guint32) (key.seed >> 32) },
    .c0 = (guint32) key.step,
    .c1 = key.layer,
    .c2 = CEP_RNG_STREAM_DROPOUT | (((guint32) (key.step >> 32) & CEP_RNG_MAX_INDEX) << 8),
  };
  return k;
}

/* Mask bits of the 8 elements of one block's four words. */
static inline guint32
block_bits (const guint32 words[4],
            guint32       threshold)
{
  guint32 bits = 0;
  for (guint e = 0; e < 8; e++)
    {
      guint32 half = e % 2 == 0 ? words[e / 2] & 0xffff : words[e / 2] >> 16;
      bits |= (guint32) (half >= threshold) << e;
    }
  return bits;
}

/* Mask words for blocks [b0, b0 + 4·n_words), one block at a time. */
static void
mask_words_portable (const PhiloxKey *k,
                     guint32          threshold,
                     guint32          b0,
                     guint32         *out,
                     gsize            n_words)
{
  for (gsize w = 0; w < n_words; w++)
    {
      guint32 word = 0;
      for (guint32 j = 0; j < 4; j++)
        {
          guint32 counter[4] = { k->c0, k->c1, k->c2, b0 + (guint32) (4 * w) + j };
          guint32 words[4];
          cep_philox4x32 (counter, k->key, words);
          word |= block_bits (words, threshold) << (8 * j);
        }
      out[w] = word;
    }
}

#ifdef CEP_DROPOUT_X86

#define TARGET_AVX512 __attribute__ ((target ("avx512f,avx512bw,avx2")))
#define TARGET_AVX2   __attribute__ ((target ("avx2")))

TARGET_AVX512 static inline void
mulhilo_512 (__m512i  a,
             __m512i  m,
             __m512i *hi,
             __m512i *lo)
{
  __m512i even = _mm512_mul_epu32 (a, m);
  __m512i odd = _mm512_mul_epu32 (_mm512_srli_epi64 (a, 32), m);
  *lo = _mm512_mask_blend_epi32 (0xAAAA, even, _mm512_slli_epi64 (odd, 32));
  *hi = _mm512_mask_blend_epi32 (0xAAAA, _mm512_srli_epi64 (even, 32), odd);
}

/* 16 blocks [b, b + 16) → 4 mask words (128 elements). */
TARGET_AVX512 static inline void
mask_128_avx512 (const PhiloxKey *k,
                 __m512i          threshold,
                 guint32          b,
                 guint32         *out)
{
  const __m512i m0 = _mm512_set1_epi32 ((int) PHILOX_M0);
  const __m512i m1 = _mm512_set1_epi32 ((int) PHILOX_M1);
  __m512i x0 = _mm512_set1_epi32 ((int) k->c0);
  __m512i x1 = _mm512_set1_epi32 ((int) k->c1);
  __m512i x2 = _mm512_set1_epi32 ((int) k->c2);
  __m512i x3 = _mm512_add_epi32 (_mm512_set1_epi32 ((int) b),
                                 _mm512_setr_epi32 (0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11,
                                                    12, 13, 14, 15));
  guint32 k0 = k->key[0], k1 = k->key[1];

  for (guint round = 0; round < 10; round++)
    {
      __m512i hi0, lo0, hi1, lo1;
      mulhilo_512 (x0, m0, &hi0, &lo0);
      mulhilo_512 (x2, m1, &hi1, &lo1);
      x0 = _mm512_xor_si512 (_mm512_xor_si512 (hi1, x1), _mm512_set1_epi32 ((int) k0));
      x2 = _mm512_xor_si512 (_mm512_xor_si512 (hi0, x3), _mm512_set1_epi32 ((int) k1));
      x1 = lo1;
      x3 = lo0;
      k0 += PHILOX_W0;
      k1 += PHILOX_W1;
    }

  /* Lane l of x_j is word j of block b + l; transpose to four vectors of four blocks each. */
  __m512i a = _mm512_unpacklo_epi32 (x0, x1);
  __m512i c = _mm512_unpackhi_epi32 (x0, x1);
  __m512i d = _mm512_unpacklo_epi32 (x2, x3);
  __m512i e = _mm512_unpackhi_epi32 (x2, x3);
  __m512i blk0 = _mm512_unpacklo_epi64 (a, d);   /* 128-bit lane q: block 4q */
  __m512i blk1 = _mm512_unpackhi_epi64 (a, d);   /* block 4q + 1 */
  __m512i blk2 = _mm512_unpacklo_epi64 (c, e);
  __m512i blk3 = _mm512_unpackhi_epi64 (c, e);
  __m512i f0 = _mm512_shuffle_i32x4 (blk0, blk1, _MM_SHUFFLE (1, 0, 1, 0));
  __m512i f1 = _mm512_shuffle_i32x4 (blk0, blk1, _MM_SHUFFLE (3, 2, 3, 2));
  __m512i f2 = _mm512_shuffle_i32x4 (blk2, blk3, _MM_SHUFFLE (1, 0, 1, 0));
  __m512i f3 = _mm512_shuffle_i32x4 (blk2, blk3, _MM_SHUFFLE (3, 2, 3, 2));
  __m512i r0 = _mm512_shuffle_i32x4 (f0, f2, _MM_SHUFFLE (2, 0, 2, 0));
  __m512i r1 = _mm512_shuffle_i32x4 (f0, f2, _MM_SHUFFLE (3, 1, 3, 1));
  __m512i r2 = _mm512_shuffle_i32x4 (f1, f3, _MM_SHUFFLE (2, 0, 2, 0));
  __m512i r3 = _mm512_shuffle_i32x4 (f1, f3, _MM_SHUFFLE (3, 1, 3, 1));

  out[0] = _mm512_cmpge_epu16_mask (r0, threshold);
  out[1] = _mm512_cmpge_epu16_mask (r1, threshold);
  out[2] = _mm512_cmpge_epu16_mask (r2, threshold);
  out[3] = _mm512_cmpge_epu16_mask (r3, threshold);
}

TARGET_AVX512 static void
mask_words_avx512 (const PhiloxKey *k,
                   guint32          threshold,
                   guint32          b0,
                   guint32         *out,
                   gsize            n_words)
{
  __m512i thr = _mm512_set1_epi16 ((short) threshold);
  gsize w = 0;

  for (; w + 4 <= n_words; w += 4)
    mask_128_avx512 (k, thr, b0 + (guint32) (4 * w), out + w);
  if (w < n_words)
    mask_words_portable (k, threshold, b0 + (guint32) (4 * w), out + w, n_words - w);
}

TARGET_AVX2 static inline void
mulhilo_256 (__m256i  a,
             __m256i  m,
             __m256i *hi,
             __m256i *lo)
{
  __m256i even = _mm256_mul_epu32 (a, m);
  __m256i odd = _mm256_mul_epu32 (_mm256_srli_epi64 (a, 32), m);
  *lo = _mm256_blend_epi32 (even, _mm256_slli_epi64 (odd, 32), 0xAA);
  *hi = _mm256_blend_epi32 (_mm256_srli_epi64 (even, 32), odd, 0xAA);
}

/* 32 mask bits from two vectors of 16 halves each (elements in order). */
TARGET_AVX2 static inline guint32
keep_bits_avx2 (__m256i lo,
                __m256i hi,
                __m256i threshold)
{
  __m256i keep_lo = _mm256_cmpeq_epi16 (_mm256_max_epu16 (lo, threshold), lo);
  __m256i keep_hi = _mm256_cmpeq_epi16 (_mm256_max_epu16 (hi, threshold), hi);
  __m256i packed = _mm256_permute4x64_epi64 (_mm256_packs_epi16 (keep_lo, keep_hi), 0xD8);
  return (guint32) _mm256_movemask_epi8 (packed);
}

/* 8 blocks [b, b + 8) → 2 mask words (64 elements). */
TARGET_AVX2 static inline void
mask_64_avx2 (const PhiloxKey *k,
              __m256i          threshold,
              guint32          b,
              guint32         *out)
{
  const __m256i m0 = _mm256_set1_epi32 ((int) PHILOX_M0);
  const __m256i m1 = _mm256_set1_epi32 ((int) PHILOX_M1);
  __m256i x0 = _mm256_set1_epi32 ((int) k->c0);
  __m256i x1 = _mm256_set1_epi32 ((int) k->c1);
  __m256i x2 = _mm256_set1_epi32 ((int) k->c2);
  __m256i x3 = _mm256_add_epi32 (_mm256_set1_epi32 ((int) b),
                                 _mm256_setr_epi32 (0, 1, 2, 3, 4, 5, 6, 7));
  guint32 k0 = k->key[0], k1 = k->key[1];

  for (guint round = 0; round < 10; round++)
    {
      __m256i hi0, lo0, hi1, lo1;
      mulhilo_256 (x0, m0, &hi0, &lo0);
      mulhilo_256 (x2, m1, &hi1, &lo1);
      x0 = _mm256_xor_si256 (_mm256_xor_si256 (hi1, x1), _mm256_set1_epi32 ((int) k0));
      x2 = _mm256_xor_si256 (_mm256_xor_si256 (hi0, x3), _mm256_set1_epi32 ((int) k1));
      x1 = lo1;
      x3 = lo0;
      k0 += PHILOX_W0;
      k1 += PHILOX_W1;
    }

  __m256i a = _mm256_unpacklo_epi32 (x0, x1);
  __m256i c = _mm256_unpackhi_epi32 (x0, x1);
  __m256i d = _mm256_unpacklo_epi32 (x2, x3);
  __m256i e = _mm256_unpackhi_epi32 (x2, x3);
  __m256i blk0 = _mm256_unpacklo_epi64 (a, d);   /* 128-bit lane q: block 4q */
  __m256i blk1 = _mm256_unpackhi_epi64 (a, d);
  __m256i blk2 = _mm256_unpacklo_epi64 (c, e);
  __m256i blk3 = _mm256_unpackhi_epi64 (c, e);
  __m256i r0 = _mm256_permute2x128_si256 (blk0, blk1, 0x20);   /* blocks 0, 1 */
  __m256i r1 = _mm256_permute2x128_si256 (blk2, blk3, 0x20);   /* blocks 2, 3 */
  __m256i r2 = _mm256_permute2x128_si256 (blk0, blk1, 0x31);   /* blocks 4, 5 */
  __m256i r3 = _mm256_permute2x128_si256 (blk2, blk3, 0x31);   /* blocks 6, 7 */

  out[0] = keep_bits_avx2 (r0, r1, threshold);
  out[1] = keep_bits_avx2 (r2, r3, threshold);
}

TARGET_AVX2 static void
mask_words_avx2 (const PhiloxKey *k,
                 guint32          threshold,
                 guint32          b0,
                 guint32         *out,
                 gsize            n_words)
{
  __m256i thr = _mm256_set1_epi16 ((short) threshold);
  gsize w = 0;

  for (; w + 2 <= n_words; w += 2)
    mask_64_avx2 (k, thr, b0 + (guint32) (4 * w), out + w);
  if (w < n_words)
    mask_words_portable (k, threshold, b0 + (guint32) (4 * w), out + w, n_words - w);
}

#endif /* CEP_DROPOUT_X86 */

typedef void (*MaskWordsFunc) (const PhiloxKey *k, guint32 threshold, guint32 b0,
                               guint32 *out, gsize n_words);

typedef struct
{
  MaskWordsFunc func;
  const char   *name;
} MaskGenerator;

static MaskGenerator
pick_generator (void)
{
#ifdef CEP_DROPOUT_X86
  __builtin_cpu_init ();
  if (__builtin_cpu_supports ("avx512f") && __builtin_cpu_supports ("avx512bw"))
    return (MaskGenerator) { mask_words_avx512, "AVX-512" };
  if (__builtin_cpu_supports ("avx2"))
    return (MaskGenerator) { mask_words_avx2, "AVX2" };
#endif
  return (MaskGenerator) { mask_words_portable, "portable" };
}

static const MaskGenerator *
generator (void)
{
  static MaskGenerator chosen;
  static gsize once = 0;

  if (g_once_init_enter (&once))
    {
      chosen = pick_generator ();
      g_once_init_leave (&once, 1);
    }
  return &chosen;
}

const char *
cep_kernel_dropout_isa (void)
{
  return generator ()->name;
}

/* Mask words for elements [e0, e1), e0 a multiple of 32; bits at or beyond @n_valid are 0. */
static void
generate_mask (const PhiloxKey *k,
               guint32          threshold,
               guint32         *mask,
               gsize            e0,
               gsize            e1)
{
  gsize w0 = e0 / 32;
  gsize n_words = CEP_DROPOUT_MASK_WORDS (e1) - w0;

  if (threshold > 0xffff)
    memset (mask + w0, 0, n_words * sizeof (guint32));
  else
    generator ()->func (k, threshold, (guint32) (e0 / 8), mask + w0, n_words);
  if (e1 % 32 != 0)
    mask[e1 / 32] &= (1u << (e1 % 32)) - 1;
}

CEP_KERNEL_CLONES void
cep_kernel_dropout_apply (const guint32 *mask,
                          float          scale,
                          const float   *x,
                          float         *y,
                          gsize          e0,
                          gsize          e1)
{
  gsize e = e0;

  for (; e + 32 <= e1; e += 32)
    {
      guint32 bits = mask[e / 32];
      const float *in = x + e;
      float *out = y + e;
      /* @y may be @x. */
#pragma GCC ivdep
      for (guint b = 0; b < 32; b++)
        out[b] = (bits >> b) & 1 ? in[b] * scale : 0.0f;
    }
  for (; e < e1; e++)
    y[e] = (mask[e / 32] >> (e % 32)) & 1 ? x[e] * scale : 0.0f;
}

void
cep_kernel_dropout_forward (CepDropoutKey key,
                            guint32       threshold,
                            float         scale,
                            const float  *x,
                            float        *y,
                            guint32      *mask,
                            gsize         e0,
                            gsize         e1)
{
  PhiloxKey k = philox_key (key);

  g_assert (e0 % 32 == 0);
  for (gsize start = e0; start < e1; start += CHUNK_ELEMENTS)
    {
      gsize end = MIN (start + CHUNK_ELEMENTS, e1);
      generate_mask (&k, threshold, mask, start, end);
      cep_kernel_dropout_apply (mask, scale, x, y, start, end);
    }
}
