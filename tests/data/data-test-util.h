/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * data-test-util.h: building small HW1P2-style partitions on disk for the core/data tests.
 *
 * Utterance contents are a deterministic function of (seed, frame, coefficient), so a test can
 * recompute the raw values it wrote and compare the loaded store against them.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A fresh temporary folder; remove it with data_test_remove_tree(). */
char   *data_test_make_root       (void);
void    data_test_remove_tree     (const char  *path);

/* Raw feature value of utterance @seed at frame @t, coefficient @d. */
float   data_test_value           (guint        seed,
                                   gsize        t,
                                   guint        d);
/* Label (class id 0..39) of utterance @seed at frame @t: runs of 3 frames. */
guint   data_test_label           (guint        seed,
                                   gsize        t);
/* T x D raw values (g_free). */
float  *data_test_features        (guint        seed,
                                   gsize        n_frames,
                                   guint        dim);

/* Writes ROOT/PARTITION/mfcc/NAME.npy (float32, C order) and, if @labelled,
 * ROOT/PARTITION/transcript/NAME.npy ('<U5' with [SOS]/[EOS]). */
void    data_test_write_utterance (const char  *partition_dir,
                                   const char  *name,
                                   guint        seed,
                                   gsize        n_frames,
                                   guint        dim,
                                   gboolean     labelled);
/* Writes a '<Un' transcript of the given symbols. */
void    data_test_write_symbols   (const char  *path,
                                   const char * const *symbols,
                                   gsize        n);
/* Writes a .npy v1.0 file from a header dictionary and data bytes, as NumPy would lay it
 * out (no validation: for malformed files). */
void    data_test_write_raw_npy   (const char  *path,
                                   const char  *dict,
                                   const void  *data,
                                   gsize        size);
void    data_test_write_file      (const char  *path,
                                   const void  *data,
                                   gsize        size);

G_END_DECLS
