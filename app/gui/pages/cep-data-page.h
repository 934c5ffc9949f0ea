/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-data-page.h: the Data page — partitions, their statistics, utterances and spectrograms.
 *
 * Shows the session's dataset: a partition selector with statistics and a class histogram, a
 * searchable utterance list, the selected utterance's spectrogram with its phoneme track (raw
 * or normalized), and the SpecAugment masks of the session's experiment drawn over it exactly
 * as the batch producer applies them. "Import Audio…" adds audio files as an extra partition.
 */
#pragma once

#include <gtk/gtk.h>

#include "cep-session.h"
#include "cep-spectrogram-view.h"

G_BEGIN_DECLS

#define CEP_TYPE_DATA_PAGE (cep_data_page_get_type ())
G_DECLARE_FINAL_TYPE (CepDataPage, cep_data_page, CEP, DATA_PAGE, GtkWidget)

void                cep_data_page_set_session        (CepDataPage  *self,
                                                      CepSession   *session);

/* For tests and other pages. */
CepPartition       *cep_data_page_get_partition      (CepDataPage  *self);
gboolean            cep_data_page_select_partition   (CepDataPage  *self,
                                                      const char   *name);
/* Selects utterance @index of the current partition (in partition order). */
gboolean            cep_data_page_select_utterance   (CepDataPage  *self,
                                                      guint         index);
int                 cep_data_page_get_utterance      (CepDataPage  *self);
void                cep_data_page_set_search         (CepDataPage  *self,
                                                      const char   *text);
/* Utterances the list shows after the search filter. */
guint               cep_data_page_get_n_listed       (CepDataPage  *self);
CepSpectrogramView *cep_data_page_get_spectrogram    (CepDataPage  *self);
GtkWidget          *cep_data_page_get_class_chart    (CepDataPage  *self);
/* The sample whose masks are shown: its centre frame. */
void                cep_data_page_set_sample_frame   (CepDataPage  *self,
                                                      guint         frame);
/* Masks drawn now (0 when augmentation is off or the draw said no). */
guint               cep_data_page_get_n_masks        (CepDataPage  *self);
const char         *cep_data_page_get_readout        (CepDataPage  *self);
/* Imports audio files as the "imported" partition (GTask; a toast reports failures). */
void                cep_data_page_import_audio       (CepDataPage        *self,
                                                      const char * const *paths);

G_END_DECLS
