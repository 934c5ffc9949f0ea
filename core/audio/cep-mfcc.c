/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-mfcc.c: Kaldi's fbank and MFCC pipeline, frame by frame.
 *
 * Everything that depends only on the options -- the window, the FFT plan, the sparse mel
 * filterbank and the liftered DCT matrix -- is built once by cep_mfcc_new(); computing a frame
 * then allocates nothing. The signal path up to the log runs in double precision, so the
 * result is what the reference computes in float64 (float32 rounding in the FFT alone moves
 * weak mel bands by up to 1e-2 in the log); outputs are float32. The arithmetic follows
 * torchaudio.compliance.kaldi (the reference, see shared/reference/MFCC.md) step by step,
 * including its conventions: pre-emphasis of the first sample against itself, mel triangles
 * over the FFT bins below Nyquist only, mel banks and DCT matrix built in float32, log floor
 * FLT_EPSILON, and a signal of at least one frame length even when snip_edges is off.
 *
 * It must not know about files, sample formats or resampling: samples arrive in int16 scale
 * at options->sample_rate.
 */
#define G_LOG_DOMAIN "cepstra-mfcc"

#include "cep-mfcc.h"

#include <float.h>
#include <math.h>
#include <string.h>

#include "cep-fft.h"
#include "cep-rng.h"

/* Kaldi's generalised Blackman window coefficient (its --blackman-coeff default). */
#define CEP_MFCC_BLACKMAN_COEFF 0.42
/* Dither noise is counter-based: frame t always gets the same noise, so features stay
 * reproducible even with dither on. */
#define CEP_MFCC_DITHER_SEED 0x6d666363u
#define CEP_MFCC_DITHER_STREAM CEP_RNG_STREAM_DITHER

G_DEFINE_QUARK (cep-mfcc-error-quark, cep_mfcc_error)

typedef struct
{
  guint first_bin;
  guint n_weights;
  gsize offset;      /* into CepMfcc.mel_weights */
} CepMelTriangle;

struct _CepMfcc
{
  CepMfccOptions  options;
  gsize           window_size;
  gsize           window_shift;
  gsize           padded_size;
  double          log_energy_floor;  /* -inf when energy_floor is 0 */
  double         *window;
  CepFft         *fft;
  CepMelTriangle *triangles;
  double         *mel_weights;
  double         *dct;               /* num_ceps x num_mel_bins, lifter folded in */
  /* Per-frame scratch, in double up to the log (see cep-fft.h). */
  double         *frame;
  double         *power;
  double         *log_mel;
};

void
cep_mfcc_options_init (CepMfccOptions *options)
{
  g_return_if_fail (options != NULL);

  *options = (CepMfccOptions) {
    .sample_rate = 16000.0,
    .frame_length_ms = 25.0,
    .frame_shift_ms = 10.0,
    .num_mel_bins = 40,
    .num_ceps = 28,
    .low_freq = 20.0,
    .high_freq = 0.0,
    .preemph_coeff = 0.97,
    .remove_dc_offset = TRUE,
    .window_type = CEP_WINDOW_POVEY,
    .round_to_power_of_two = TRUE,
    .use_energy = FALSE,
    .raw_energy = TRUE,
    .energy_floor = 0.0,
    .cepstral_lifter = 22.0,
    .snip_edges = TRUE,
    .dither = 0.0,
  };
}

/* ---------------------------------------------------------------------------------------- */
/* Option checks                                                                              */

static gboolean
options_fail (GError     **error,
              const char  *format,
              ...) G_GNUC_PRINTF (2, 3);

static gboolean
options_fail (GError     **error,
              const char  *format,
              ...)
{
  va_list args;
  char *message;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, CEP_MFCC_ERROR, CEP_MFCC_ERROR_OPTIONS, "MFCC options: %s", message);
  g_free (message);
  return FALSE;
}

/* Sizes in samples, truncated exactly as the reference does (int (rate * ms * 0.001)). */
static double
samples_for_ms (const CepMfccOptions *options,
                double                ms)
{
  return options->sample_rate * ms * 0.001;
}

static double
resolved_high_freq (const CepMfccOptions *options)
{
  double nyquist = 0.5 * options->sample_rate;

  return options->high_freq <= 0.0 ? nyquist + options->high_freq : options->high_freq;
}

static gboolean
check_framing (const CepMfccOptions  *options,
               GError               **error)
{
  double length, shift;

  if (!(options->sample_rate > 0.0 && options->sample_rate < 1e7))
    return options_fail (error, "sample rate %g Hz is not positive", options->sample_rate);
  length = samples_for_ms (options, options->frame_length_ms);
  shift = samples_for_ms (options, options->frame_shift_ms);
  if (!(length >= 2.0 && length < 1e7))
    return options_fail (error, "frame length %g ms is under 2 samples at %g Hz",
                         options->frame_length_ms, options->sample_rate);
  if (!(shift >= 1.0 && shift < 1e7))
    return options_fail (error, "frame shift %g ms is under 1 sample at %g Hz",
                         options->frame_shift_ms, options->sample_rate);
  if (!options->round_to_power_of_two && ((gsize) length) % 2 != 0)
    return options_fail (error, "frame of %zu samples is odd; the FFT needs an even length "
                         "(set round_to_power_of_two or change the frame length)",
                         (gsize) length);
  return TRUE;
}

static gboolean
check_mel (const CepMfccOptions  *options,
           GError               **error)
{
  double nyquist = 0.5 * options->sample_rate;
  double high = resolved_high_freq (options);

  if (options->num_mel_bins < 4 || options->num_mel_bins > 1024)
    return options_fail (error, "num_mel_bins %u is outside 4..1024", options->num_mel_bins);
  if (options->num_ceps < 1 || options->num_ceps > options->num_mel_bins)
    return options_fail (error, "num_ceps %u must be between 1 and num_mel_bins (%u)",
                         options->num_ceps, options->num_mel_bins);
  if (!(options->low_freq >= 0.0 && options->low_freq < nyquist))
    return options_fail (error, "low_freq %g Hz is outside [0, Nyquist %g Hz)",
                         options->low_freq, nyquist);
  if (!(high > 0.0 && high <= nyquist))
    return options_fail (error, "high_freq %g Hz resolves to %g Hz, outside (0, Nyquist %g Hz]",
                         options->high_freq, high, nyquist);
  if (!(options->low_freq < high))
    return options_fail (error, "high_freq (%g Hz) must be above low_freq (%g Hz)",
                         high, options->low_freq);
  return TRUE;
}

static gboolean
check_signal_options (const CepMfccOptions  *options,
                      GError               **error)
{
  if (!(options->preemph_coeff >= 0.0 && options->preemph_coeff <= 1.0))
    return options_fail (error, "preemph_coeff %g is outside [0, 1]", options->preemph_coeff);
  if ((guint) options->window_type > CEP_WINDOW_BLACKMAN)
    return options_fail (error, "unknown window type %d", (int) options->window_type);
  if (!(options->energy_floor >= 0.0 && isfinite (options->energy_floor)))
    return options_fail (error, "energy_floor %g is negative", options->energy_floor);
  if (!(options->cepstral_lifter >= 0.0 && isfinite (options->cepstral_lifter)))
    return options_fail (error, "cepstral_lifter %g is negative", options->cepstral_lifter);
  if (!(options->dither >= 0.0 && isfinite (options->dither)))
    return options_fail (error, "dither %g is negative", options->dither);
  return TRUE;
}

/* ---------------------------------------------------------------------------------------- */
/* Precomputed tables                                                                         */

static double
window_value (CepWindowType type,
              gsize         i,
              gsize         size)
{
  double a = 2.0 * G_PI / (double) (size - 1);
  double hann = 0.5 - 0.5 * cos (a * i);

  switch (type)
    {
    case CEP_WINDOW_POVEY:
      return pow (hann, 0.85);
    case CEP_WINDOW_HANNING:
      return hann;
    case CEP_WINDOW_HAMMING:
      return 0.54 - 0.46 * cos (a * i);
    case CEP_WINDOW_RECTANGULAR:
      return 1.0;
    case CEP_WINDOW_BLACKMAN:
      return CEP_MFCC_BLACKMAN_COEFF - 0.5 * cos (a * i)
             + (0.5 - CEP_MFCC_BLACKMAN_COEFF) * cos (2.0 * a * i);
    default:
      g_assert_not_reached ();
    }
}

static void
mfcc_build_window (CepMfcc *self)
{
  self->window = g_new (double, self->window_size);
  for (gsize i = 0; i < self->window_size; i++)
    self->window[i] = window_value (self->options.window_type, i, self->window_size);
}

static double
mel_scale (double hz)
{
  return 1127.0 * log (1.0 + hz / 700.0);
}

/* Triangle weight of FFT bin @bin for mel band @band: max (0, min (up slope, down slope)) over
 * the bins below Nyquist. The band edges and bin positions are rounded to float32 at the same
 * steps as in the reference (and in Kaldi, whose mel banks are float), so the weights agree to
 * the last bit or two rather than to float32's rounding of a mel value (~1e-4 mel). */
static double
mel_weight (const CepMfcc *self,
            guint          band,
            gsize          bin)
{
  double low_mel = mel_scale (self->options.low_freq);
  double high_mel = mel_scale (resolved_high_freq (&self->options));
  float low = (float) low_mel;
  float delta = (float) ((high_mel - low_mel) / (self->options.num_mel_bins + 1));
  float left = low + (float) band * delta;
  float center = low + ((float) band + 1.0f) * delta;
  float right = low + ((float) band + 2.0f) * delta;
  float hz = (float) (self->options.sample_rate / self->padded_size) * (float) bin;
  float mel = 1127.0f * logf (1.0f + hz / 700.0f);
  float up = (mel - left) / (center - left);
  float down = (right - mel) / (right - center);

  return MAX (0.0f, MIN (up, down));
}

/* Stores each triangle as its first non-zero bin and its run of weights. */
static void
mfcc_build_mel_banks (CepMfcc *self)
{
  guint n_bands = self->options.num_mel_bins;
  gsize n_bins = self->padded_size / 2;
  GArray *weights = g_array_new (FALSE, FALSE, sizeof (double));

  self->triangles = g_new0 (CepMelTriangle, n_bands);
  for (guint band = 0; band < n_bands; band++)
    {
      CepMelTriangle *triangle = &self->triangles[band];
      gsize first = n_bins, last = 0;

      for (gsize bin = 0; bin < n_bins; bin++)
        if (mel_weight (self, band, bin) > 0.0)
          {
            first = MIN (first, bin);
            last = bin;
          }
      triangle->offset = weights->len;
      if (first > last)
        continue;
      triangle->first_bin = (guint) first;
      triangle->n_weights = (guint) (last - first + 1);
      for (gsize bin = first; bin <= last; bin++)
        {
          double w = mel_weight (self, band, bin);

          g_array_append_val (weights, w);
        }
    }
  self->mel_weights = (double *) (void *) g_array_free (weights, FALSE);
}

/* Lifter 1 + L/2 sin (pi c / L), in float32 like the reference's table. */
static float
lifter_coefficient (double lifter,
                    guint  c)
{
  if (lifter == 0.0)
    return 1.0f;
  return 1.0f + (float) (0.5 * lifter) * sinf ((float) G_PI * (float) c / (float) lifter);
}

/* Orthonormal DCT-II rows (row 0 = sqrt (1 / N)) times the lifter. The cosines are taken of
 * float32 arguments, as the reference builds its DCT matrix (torchaudio.functional.create_dct
 * in float32): with double arguments, coefficient 27 of 40 would differ by up to 5e-6, which
 * the lifter turns into ~5e-4 on the cepstra. */
static void
mfcc_build_dct (CepMfcc *self)
{
  guint n_bands = self->options.num_mel_bins;
  guint n_ceps = self->options.num_ceps;
  float step = (float) (G_PI / n_bands);
  float scale = (float) sqrt (2.0 / n_bands);

  self->dct = g_new (double, (gsize) n_ceps * n_bands);
  for (guint c = 0; c < n_ceps; c++)
    {
      double lifter = lifter_coefficient (self->options.cepstral_lifter, c);

      for (guint b = 0; b < n_bands; b++)
        {
          float basis = c == 0 ? (float) sqrt (1.0 / n_bands)
                               : cosf (step * ((float) b + 0.5f) * (float) c) * scale;

          self->dct[(gsize) c * n_bands + b] = basis * lifter;
        }
    }
}

static gsize
next_power_of_two (gsize n)
{
  gsize p = 1;

  while (p < n)
    p <<= 1;
  return p;
}

CepMfcc *
cep_mfcc_new (const CepMfccOptions  *options,
              GError               **error)
{
  CepMfcc *self;

  g_return_val_if_fail (options != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_framing (options, error) || !check_mel (options, error)
      || !check_signal_options (options, error))
    return NULL;

  self = g_new0 (CepMfcc, 1);
  self->options = *options;
  self->window_size = (gsize) samples_for_ms (options, options->frame_length_ms);
  self->window_shift = (gsize) samples_for_ms (options, options->frame_shift_ms);
  self->padded_size = options->round_to_power_of_two ? next_power_of_two (self->window_size)
                                                     : self->window_size;
  self->log_energy_floor = options->energy_floor > 0.0 ? log (options->energy_floor) : -INFINITY;
  mfcc_build_window (self);
  self->fft = cep_fft_new (self->padded_size);
  mfcc_build_mel_banks (self);
  mfcc_build_dct (self);
  self->frame = g_new0 (double, self->padded_size);
  self->power = g_new (double, self->padded_size / 2 + 1);
  self->log_mel = g_new (double, options->num_mel_bins);
  return self;
}

void
cep_mfcc_free (CepMfcc *self)
{
  if (self == NULL)
    return;
  g_free (self->window);
  cep_fft_free (self->fft);
  g_free (self->triangles);
  g_free (self->mel_weights);
  g_free (self->dct);
  g_free (self->frame);
  g_free (self->power);
  g_free (self->log_mel);
  g_free (self);
}

const CepMfccOptions *
cep_mfcc_get_options (CepMfcc *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return &self->options;
}

gsize
cep_mfcc_get_frame_length (CepMfcc *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->window_size;
}

gsize
cep_mfcc_get_frame_shift (CepMfcc *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->window_shift;
}

guint
cep_mfcc_get_fbank_dim (CepMfcc *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->options.num_mel_bins + (self->options.use_energy ? 1 : 0);
}

gsize
cep_mfcc_get_n_frames (CepMfcc *self,
                       gsize    n_samples)
{
  g_return_val_if_fail (self != NULL, 0);

  if (n_samples < self->window_size)
    return 0;
  if (self->options.snip_edges)
    return 1 + (n_samples - self->window_size) / self->window_shift;
  return (n_samples + self->window_shift / 2) / self->window_shift;
}

gint64
cep_mfcc_get_frame_start (CepMfcc *self,
                          gsize    frame)
{
  gint64 start;

  g_return_val_if_fail (self != NULL, 0);

  start = (gint64) (frame * self->window_shift);
  if (!self->options.snip_edges)
    start += (gint64) (self->window_shift / 2) - (gint64) (self->window_size / 2);
  return start;
}

/* ---------------------------------------------------------------------------------------- */
/* One frame                                                                                  */

/* Kaldi's reflection at the signal ends (only reached with snip_edges off). */
static gsize
reflect_index (gint64 s,
               gsize  n_samples)
{
  gint64 n = (gint64) n_samples;

  while (s < 0 || s >= n)
    s = s < 0 ? -s - 1 : 2 * n - 1 - s;
  return (gsize) s;
}

static void
mfcc_extract_frame (CepMfcc     *self,
                    const float *samples,
                    gsize        n_samples,
                    gsize        frame)
{
  gint64 start = cep_mfcc_get_frame_start (self, frame);

  if (start >= 0 && start + (gint64) self->window_size <= (gint64) n_samples)
    {
      for (gsize i = 0; i < self->window_size; i++)
        self->frame[i] = samples[start + (gint64) i];
      return;
    }
  for (gsize i = 0; i < self->window_size; i++)
    self->frame[i] = samples[reflect_index (start + (gint64) i, n_samples)];
}

/* Gaussian noise (Box-Muller on counter-based uniforms) keyed by the frame index. */
static void
mfcc_dither_frame (CepMfcc *self,
                   gsize    frame)
{
  CepRng rng;

  cep_rng_init (&rng, CEP_MFCC_DITHER_SEED, CEP_MFCC_DITHER_STREAM,
                (guint32) frame, (guint32) ((guint64) frame >> 32));
  for (gsize i = 0; i < self->window_size; i++)
    {
      double u1 = 1.0 - cep_rng_uniform (&rng);
      double u2 = cep_rng_uniform (&rng);
      double gauss = sqrt (-2.0 * log (u1)) * cos (2.0 * G_PI * u2);

      self->frame[i] += self->options.dither * gauss;
    }
}

static void
mfcc_remove_dc (CepMfcc *self)
{
  double sum = 0.0;
  double mean;

  for (gsize i = 0; i < self->window_size; i++)
    sum += self->frame[i];
  mean = sum / self->window_size;
  for (gsize i = 0; i < self->window_size; i++)
    self->frame[i] -= mean;
}

static float
mfcc_log_energy (const CepMfcc *self)
{
  double energy = 0.0;

  for (gsize i = 0; i < self->window_size; i++)
    energy += self->frame[i] * self->frame[i];
  return (float) MAX (log (MAX (energy, FLT_EPSILON)), self->log_energy_floor);
}

/* x[i] -= c x[i - 1], and x[0] -= c x[0] (the reference replicates the first sample). */
static void
mfcc_preemphasize (CepMfcc *self)
{
  double c = self->options.preemph_coeff;

  for (gsize i = self->window_size - 1; i > 0; i--)
    self->frame[i] -= c * self->frame[i - 1];
  self->frame[0] -= c * self->frame[0];
}

static void
mfcc_log_mel (CepMfcc *self)
{
  for (guint band = 0; band < self->options.num_mel_bins; band++)
    {
      const CepMelTriangle *triangle = &self->triangles[band];
      const double *weights = self->mel_weights + triangle->offset;
      const double *power = self->power + triangle->first_bin;
      double energy = 0.0;

      for (guint i = 0; i < triangle->n_weights; i++)
        energy += weights[i] * power[i];
      self->log_mel[band] = log (MAX (energy, FLT_EPSILON));
    }
}

/* Runs the whole pipeline up to the log mel energies of @frame; returns the frame's log
 * energy (meaningful only with use_energy). */
static float
mfcc_process_frame (CepMfcc     *self,
                    const float *samples,
                    gsize        n_samples,
                    gsize        frame)
{
  const CepMfccOptions *options = &self->options;
  float log_energy = 0.0f;

  mfcc_extract_frame (self, samples, n_samples, frame);
  if (options->dither != 0.0)
    mfcc_dither_frame (self, frame);
  if (options->remove_dc_offset)
    mfcc_remove_dc (self);
  if (options->use_energy && options->raw_energy)
    log_energy = mfcc_log_energy (self);
  if (options->preemph_coeff != 0.0)
    mfcc_preemphasize (self);
  for (gsize i = 0; i < self->window_size; i++)
    self->frame[i] *= self->window[i];
  /* frame[window_size..padded_size) stays zero from allocation. */
  if (options->use_energy && !options->raw_energy)
    log_energy = mfcc_log_energy (self);
  cep_fft_power_spectrum (self->fft, self->frame, self->power);
  mfcc_log_mel (self);
  return log_energy;
}

static void
mfcc_cepstrum (const CepMfcc *self,
               float         *out)
{
  guint n_bands = self->options.num_mel_bins;

  for (guint c = 0; c < self->options.num_ceps; c++)
    {
      const double *row = self->dct + (gsize) c * n_bands;
      double sum = 0.0;

      for (guint b = 0; b < n_bands; b++)
        sum += row[b] * self->log_mel[b];
      out[c] = (float) sum;
    }
}

static gboolean
mfcc_check_length (CepMfcc  *self,
                   gsize     n_samples,
                   GError  **error)
{
  if (n_samples >= self->window_size)
    return TRUE;
  g_set_error (error, CEP_MFCC_ERROR, CEP_MFCC_ERROR_TOO_SHORT,
               "%zu samples are fewer than one frame (%zu samples, %g ms at %g Hz)",
               n_samples, self->window_size, self->options.frame_length_ms,
               self->options.sample_rate);
  return FALSE;
}

float *
cep_mfcc_compute (CepMfcc      *self,
                  const float  *samples,
                  gsize         n_samples,
                  gsize        *n_frames,
                  GError      **error)
{
  guint n_ceps;
  gsize frames;
  float *out;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (samples != NULL || n_samples == 0, NULL);

  if (!mfcc_check_length (self, n_samples, error))
    return NULL;
  n_ceps = self->options.num_ceps;
  frames = cep_mfcc_get_n_frames (self, n_samples);
  out = g_new (float, frames * n_ceps);
  for (gsize t = 0; t < frames; t++)
    {
      float log_energy = mfcc_process_frame (self, samples, n_samples, t);

      mfcc_cepstrum (self, out + t * n_ceps);
      if (self->options.use_energy)
        out[t * n_ceps] = log_energy;
    }
  if (n_frames != NULL)
    *n_frames = frames;
  return out;
}

float *
cep_mfcc_compute_fbank (CepMfcc      *self,
                        const float  *samples,
                        gsize         n_samples,
                        gsize        *n_frames,
                        GError      **error)
{
  guint dim, n_bands;
  gsize frames;
  float *out;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (samples != NULL || n_samples == 0, NULL);

  if (!mfcc_check_length (self, n_samples, error))
    return NULL;
  dim = cep_mfcc_get_fbank_dim (self);
  n_bands = self->options.num_mel_bins;
  frames = cep_mfcc_get_n_frames (self, n_samples);
  out = g_new (float, frames * dim);
  for (gsize t = 0; t < frames; t++)
    {
      float log_energy = mfcc_process_frame (self, samples, n_samples, t);
      float *row = out + t * dim;

      if (self->options.use_energy)
        *row++ = log_energy;
      for (guint b = 0; b < n_bands; b++)
        row[b] = (float) self->log_mel[b];
    }
  if (n_frames != NULL)
    *n_frames = frames;
  return out;
}
