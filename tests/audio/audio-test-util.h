/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * audio-test-util.h: helpers shared by the audio tests: golden .npy files from
 * tests/fixtures/audio/ and small WAV files written into a temporary folder.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Path of a committed fixture (g_free). */
char   *audio_test_fixture_path    (const char   *name);

/* Loads tests/fixtures/audio/@name as a float32 matrix (1-D arrays as n x 1). */
float  *audio_test_load_golden     (const char   *name,
                                    gsize        *n_rows,
                                    gsize        *n_cols);

/* Reads a committed 16-bit WAV written by Python's wave module (44-byte header) without
 * libsndfile, as the channel mean in int16 scale, so feature tests do not depend on
 * cep_audio_load. */
float  *audio_test_load_fixture_wav (const char  *name,
                                     gsize       *n_samples);

/* Largest |a[i] - b[i]|. */
double  audio_test_max_abs_error   (const float  *a,
                                    const float  *b,
                                    gsize         n);

/* Writes @n_frames interleaved int16 frames as a 16-bit PCM WAV (libsndfile). */
void    audio_test_write_wav       (const char   *path,
                                    const gint16 *frames,
                                    gsize         n_frames,
                                    int           channels,
                                    int           rate);

/* A deterministic test tone with a noise floor, in int16 range. */
gint16 *audio_test_make_tone       (gsize         n_samples,
                                    int           rate,
                                    guint32       seed);

/* Removes a temporary folder tree made by a test. */
void    audio_test_remove_tree     (const char   *path);

G_END_DECLS
