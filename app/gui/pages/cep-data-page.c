/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-data-page.c: the Data page.
 *
 * Owns the partition and utterance selection, the spectrogram's input, the augmentation form
 * and the imported-audio partition. Statistics, features, labels and masks all come from
 * core (CepPartition, cep_augment_draw, the audio importer); this file arranges them.
 */
#define G_LOG_DOMAIN "cepstra-data-page"

#include "cep-data-page.h"

#include <glib/gi18n.h>

#include <math.h>

#include "cep-application.h"
#include "cep-audio-importer.h"
#include "cep-augment.h"
#include "cep-bar-chart.h"
#include "cep-colormap.h"
#include "cep-file-chooser.h"
#include "cep-format.h"
#include "cep-gui-util.h"
#include "cep-spectrogram-figure.h"
#include "cep-train-settings.h"

#define FRAME_SHIFT 0.01   /* seconds per frame: HW1P2's 10 ms hop */

struct _CepDataPage
{
  GtkWidget           parent_instance;

  CepSession         *session;
  GSettings          *settings;
  GPtrArray          *partitions;        /* CepPartition*, in dropdown order */
  CepPartition       *imported;
  GtkStringList      *partition_names;
  GtkStringList      *utterance_names;
  GtkStringFilter    *filter;
  GtkFilterListModel *filtered;
  GtkSingleSelection *selection;
  GCancellable       *import_cancellable;

  int                 utterance;         /* index in the current partition, or -1 */
  guint               sample_frame;
  guint64             draw_index;        /* batch index whose masks are shown */
  CepSpectrogramMask  masks[CEP_SPECTROGRAM_FIGURE_MAX_MASKS];
  guint               n_masks;
  CepTrainSettings   *train_settings;    /* the mask controls are bound to it */
  GPtrArray          *bindings;
  char               *readout;

  /* template */
  GtkDropDown        *partition_dropdown;
  GtkGrid            *stats_grid;
  CepBarChart        *class_chart;
  GtkSearchEntry     *search_entry;
  GtkListView        *utterance_list;
  GtkLabel           *count_label;
  GtkLabel           *utterance_label;
  GtkSwitch          *normalize_switch;
  CepSpectrogramView *spectrogram;
  GtkScrollbar       *time_scrollbar;
  GtkLabel           *readout_label;
  GtkSwitch          *augment_switch;
  GtkWidget          *masks_expander;
  GtkWidget          *mask_groups;
  GtkSpinButton      *freq_count_spin;
  GtkSpinButton      *freq_min_spin;
  GtkSpinButton      *freq_max_spin;
  GtkSpinButton      *time_count_spin;
  GtkSpinButton      *time_min_spin;
  GtkSpinButton      *time_max_spin;
  GtkSpinButton      *probability_spin;
  GtkSwitch          *per_batch_switch;
  GtkSpinButton      *seed_spin;
  GtkToggleButton    *model_view_toggle;
  GtkLabel           *mask_info_label;
};

G_DEFINE_FINAL_TYPE (CepDataPage, cep_data_page, GTK_TYPE_WIDGET)

static void show_utterance (CepDataPage *self);
static void update_masks   (CepDataPage *self);

CepPartition *
cep_data_page_get_partition (CepDataPage *self)
{
  guint index;

  g_return_val_if_fail (CEP_IS_DATA_PAGE (self), NULL);

  index = gtk_drop_down_get_selected (self->partition_dropdown);
  if (index == GTK_INVALID_LIST_POSITION || index >= self->partitions->len)
    return NULL;
  return g_ptr_array_index (self->partitions, index);
}

CepSpectrogramView *
cep_data_page_get_spectrogram (CepDataPage *self)
{
  g_return_val_if_fail (CEP_IS_DATA_PAGE (self), NULL);
  return self->spectrogram;
}

GtkWidget *
cep_data_page_get_class_chart (CepDataPage *self)
{
  g_return_val_if_fail (CEP_IS_DATA_PAGE (self), NULL);
  return GTK_WIDGET (self->class_chart);
}

guint
cep_data_page_get_n_masks (CepDataPage *self)
{
  g_return_val_if_fail (CEP_IS_DATA_PAGE (self), 0);
  return self->n_masks;
}

const char *
cep_data_page_get_readout (CepDataPage *self)
{
  g_return_val_if_fail (CEP_IS_DATA_PAGE (self), NULL);
  return self->readout;
}

static void
report (CepDataPage *self,
        const char  *message)
{
  cep_widget_report (GTK_WIDGET (self), message);
}

/* ---- statistics ---- */

static void
add_stat (CepDataPage *self,
          int          row,
          const char  *key,
          const char  *value)
{
  GtkWidget *key_label = gtk_label_new (key);
  GtkWidget *value_label = gtk_label_new (value);

  gtk_label_set_xalign (GTK_LABEL (key_label), 0);
  gtk_label_set_xalign (GTK_LABEL (value_label), 0);
  gtk_label_set_selectable (GTK_LABEL (value_label), TRUE);
  gtk_widget_add_css_class (key_label, "dim-label");
  gtk_widget_add_css_class (value_label, "numeric");
  gtk_grid_attach (self->stats_grid, key_label, 0, row, 1, 1);
  gtk_grid_attach (self->stats_grid, value_label, 1, row, 1, 1);
}

static void
clear_stats (CepDataPage *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->stats_grid))) != NULL)
    gtk_grid_remove (self->stats_grid, child);
}

static guint
count_present_classes (const guint64 *counts,
                       guint          n)
{
  guint present = 0;

  for (guint i = 0; i < n; i++)
    present += counts[i] > 0;
  return present;
}

static void
update_histogram (CepDataPage  *self,
                  CepPartition *partition)
{
  CepPhonemeTable *table = cep_partition_get_phoneme_table (partition);
  guint n = cep_phoneme_table_get_n_classes (table);
  g_autofree guint64 *counts = g_new0 (guint64, CEP_PHONEME_TABLE_MAX_CLASSES);
  g_autofree double *values = g_new0 (double, n);
  g_autofree CepRgba *colors = g_new0 (CepRgba, n);
  g_autofree const char **names = g_new0 (const char *, n + 1);

  if (!cep_partition_is_labelled (partition))
    {
      cep_bar_chart_set_data (self->class_chart, NULL, NULL, NULL, 0);
      return;
    }
  cep_partition_get_class_counts (partition, counts);
  for (guint i = 0; i < n; i++)
    {
      values[i] = counts[i];
      colors[i] = cep_palette_get_color (i);
      names[i] = cep_phoneme_table_get_name (table, i);
    }
  cep_bar_chart_set_data (self->class_chart, values, names, colors, n);
}

static void
update_stats (CepDataPage  *self,
              CepPartition *partition)
{
  CepPhonemeTable *table = cep_partition_get_phoneme_table (partition);
  guint n_classes = cep_phoneme_table_get_n_classes (table);
  g_autofree guint64 *counts = g_new0 (guint64, CEP_PHONEME_TABLE_MAX_CLASSES);
  g_autofree char *utterances = cep_format_count (cep_partition_get_n_utterances (partition));
  g_autofree char *frames = cep_format_count (cep_partition_get_n_frames (partition));
  g_autofree char *duration = cep_format_duration (cep_partition_get_n_frames (partition)
                                                   * FRAME_SHIFT);
  g_autofree char *dim = g_strdup_printf ("%u coefficients",
                                          cep_partition_get_feature_dim (partition));
  g_autofree char *size = g_format_size (cep_partition_get_store_size (partition));
  g_autofree char *labels = NULL;

  cep_partition_get_class_counts (partition, counts);
  labels = cep_partition_is_labelled (partition)
           ? g_strdup_printf ("%u of %u classes occur", count_present_classes (counts, n_classes),
                              n_classes)
           : g_strdup ("none (unlabelled)");
  clear_stats (self);
  add_stat (self, 0, _("Utterances"), utterances);
  add_stat (self, 1, _("Frames"), frames);
  add_stat (self, 2, _("Duration"), duration);
  add_stat (self, 3, _("Features"), dim);
  add_stat (self, 4, _("Labels"), labels);
  add_stat (self, 5, _("In memory"), size);
  update_histogram (self, partition);
}

/* ---- the utterance list ---- */

static void
update_count_label (CepDataPage *self)
{
  CepPartition *partition = cep_data_page_get_partition (self);
  guint total = partition != NULL ? cep_partition_get_n_utterances (partition) : 0;
  guint listed = cep_data_page_get_n_listed (self);
  g_autofree char *text = NULL;

  if (listed == total)
    text = g_strdup_printf ("%u utterances", total);
  else
    text = g_strdup_printf ("%u of %u utterances match", listed, total);
  gtk_label_set_label (self->count_label, text);
}

guint
cep_data_page_get_n_listed (CepDataPage *self)
{
  g_return_val_if_fail (CEP_IS_DATA_PAGE (self), 0);
  return g_list_model_get_n_items (G_LIST_MODEL (self->filtered));
}

void
cep_data_page_set_search (CepDataPage *self,
                          const char  *text)
{
  g_return_if_fail (CEP_IS_DATA_PAGE (self));
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), text != NULL ? text : "");
  gtk_string_filter_set_search (self->filter, text);
}

static void
on_search_changed (GtkSearchEntry *entry,
                   CepDataPage    *self)
{
  gtk_string_filter_set_search (self->filter, gtk_editable_get_text (GTK_EDITABLE (entry)));
}

static void
on_items_changed (GListModel  *model,
                  guint        position,
                  guint        removed,
                  guint        added,
                  CepDataPage *self)
{
  update_count_label (self);
}

static void
fill_utterances (CepDataPage  *self,
                 CepPartition *partition)
{
  guint n = partition != NULL ? cep_partition_get_n_utterances (partition) : 0;
  g_autofree const char **names = g_new0 (const char *, n + 1);
  guint old = g_list_model_get_n_items (G_LIST_MODEL (self->utterance_names));

  for (guint i = 0; i < n; i++)
    names[i] = cep_partition_get_utterance_name (partition, i);
  gtk_string_list_splice (self->utterance_names, 0, old, names);
  update_count_label (self);
}

static void
setup_row (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           CepDataPage              *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *name = gtk_label_new (NULL);
  GtkWidget *length = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_label_set_ellipsize (GTK_LABEL (name), PANGO_ELLIPSIZE_MIDDLE);
  gtk_widget_set_hexpand (name, TRUE);
  gtk_widget_add_css_class (length, "dim-label");
  gtk_widget_add_css_class (length, "numeric");
  gtk_box_append (GTK_BOX (box), name);
  gtk_box_append (GTK_BOX (box), length);
  gtk_list_item_set_child (item, box);
}

static void
bind_row (GtkSignalListItemFactory *factory,
          GtkListItem              *item,
          CepDataPage              *self)
{
  GtkWidget *box = gtk_list_item_get_child (item);
  GtkWidget *name = gtk_widget_get_first_child (box);
  GtkWidget *length = gtk_widget_get_next_sibling (name);
  const char *utterance = gtk_string_object_get_string (gtk_list_item_get_item (item));
  CepPartition *partition = cep_data_page_get_partition (self);
  int index = partition != NULL ? cep_partition_lookup_utterance (partition, utterance) : -1;
  g_autofree char *seconds = NULL;

  if (index >= 0)
    seconds = g_strdup_printf ("%.2f s",
                               cep_partition_get_utterance_length (partition, index) * FRAME_SHIFT);
  gtk_label_set_label (GTK_LABEL (name), utterance);
  gtk_label_set_label (GTK_LABEL (length), seconds != NULL ? seconds : "");
}

static void
on_selection_changed (GtkSingleSelection *selection,
                      GParamSpec         *pspec,
                      CepDataPage        *self)
{
  GtkStringObject *item = gtk_single_selection_get_selected_item (selection);
  CepPartition *partition = cep_data_page_get_partition (self);
  const char *name = item != NULL ? gtk_string_object_get_string (item) : NULL;

  self->utterance = name != NULL && partition != NULL
                    ? cep_partition_lookup_utterance (partition, name) : -1;
  show_utterance (self);
}

gboolean
cep_data_page_select_utterance (CepDataPage *self,
                                guint        index)
{
  CepPartition *partition;
  const char *name;
  guint n;

  g_return_val_if_fail (CEP_IS_DATA_PAGE (self), FALSE);

  partition = cep_data_page_get_partition (self);
  if (partition == NULL || index >= cep_partition_get_n_utterances (partition))
    return FALSE;
  name = cep_partition_get_utterance_name (partition, index);
  n = g_list_model_get_n_items (G_LIST_MODEL (self->filtered));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (GtkStringObject) item = g_list_model_get_item (G_LIST_MODEL (self->filtered), i);

      if (g_strcmp0 (gtk_string_object_get_string (item), name) == 0)
        {
          gtk_single_selection_set_selected (self->selection, i);
          return TRUE;
        }
    }
  return FALSE;
}

int
cep_data_page_get_utterance (CepDataPage *self)
{
  g_return_val_if_fail (CEP_IS_DATA_PAGE (self), -1);
  return self->utterance;
}

/* ---- the spectrogram ---- */

static void
set_spectrogram_labels (CepDataPage  *self,
                        CepPartition *partition,
                        gsize         start)
{
  CepPhonemeTable *table = cep_partition_get_phoneme_table (partition);
  guint n = cep_phoneme_table_get_n_symbols (table);
  g_autofree const char **names = g_new0 (const char *, n + 1);
  const guint8 *labels = cep_partition_get_labels (partition);

  for (guint i = 0; i < n; i++)
    names[i] = cep_phoneme_table_get_name (table, i);
  cep_spectrogram_view_set_labels (self->spectrogram, labels != NULL ? labels + start : NULL,
                                   names, n);
}

static void
show_utterance (CepDataPage *self)
{
  CepPartition *partition = cep_data_page_get_partition (self);
  g_autofree float *frames = NULL;
  gsize start, length;
  const char *name;

  if (partition == NULL || self->utterance < 0)
    {
      cep_spectrogram_view_set_matrix (self->spectrogram, NULL, 0, 0);
      gtk_label_set_label (self->utterance_label, "");
      update_masks (self);
      return;
    }
  start = cep_partition_get_utterance_start (partition, self->utterance);
  length = cep_partition_get_utterance_length (partition, self->utterance);
  name = cep_partition_get_utterance_name (partition, self->utterance);
  frames = cep_partition_copy_utterance (partition, self->utterance,
                                         !gtk_switch_get_active (self->normalize_switch));
  cep_spectrogram_view_set_matrix (self->spectrogram, frames, length,
                                   cep_partition_get_feature_dim (partition));
  set_spectrogram_labels (self, partition, start);
  cep_spectrogram_view_set_title (self->spectrogram, name);
  gtk_label_set_label (self->utterance_label, name);
  self->sample_frame = length / 2;
  update_masks (self);
}

static void
on_normalize_changed (GtkSwitch   *widget,
                      GParamSpec  *pspec,
                      CepDataPage *self)
{
  CepSpectrogramView *view = self->spectrogram;
  guint first = cep_spectrogram_view_get_first_frame (view);
  guint visible = cep_spectrogram_view_get_n_visible (view);
  guint n = cep_spectrogram_view_get_n_frames (view);
  guint sample = self->sample_frame;

  show_utterance (self);
  /* Same utterance, other values: keep the zoom and the sample. */
  if (visible > 0 && visible < n)
    {
      cep_spectrogram_view_zoom (view, (double) n / visible, 0);
      cep_spectrogram_view_scroll_to (view, first);
    }
  cep_data_page_set_sample_frame (self, sample);
}

static void
apply_colormap (CepDataPage *self)
{
  int colormap = g_settings_get_enum (self->settings, "colormap");

  cep_spectrogram_view_set_colormap (self->spectrogram,
                                     (CepColormap) CLAMP (colormap, 0, CEP_N_COLORMAPS - 1));
}

static void
on_colormap_changed (GSettings   *settings,
                     const char  *key,
                     CepDataPage *self)
{
  apply_colormap (self);
}

static void
on_hover (CepSpectrogramView *view,
          guint               frame,
          guint               coefficient,
          CepDataPage        *self)
{
  GString *text = g_string_new (NULL);
  guint8 label;
  const char *name;

  if (frame == G_MAXUINT)
    g_string_assign (text, " ");
  else
    {
      g_string_append_printf (text, "%.2f s (frame %u)", frame * FRAME_SHIFT, frame);
      if (coefficient != G_MAXUINT)
        g_string_append_printf (text, " · coefficient %u · value %.3f", coefficient,
                                cep_spectrogram_view_get_value (view, frame, coefficient));
      label = cep_spectrogram_view_get_label (view, frame);
      name = cep_spectrogram_view_get_label_name (view, label);
      if (name != NULL)
        g_string_append_printf (text, " · phoneme %s", name);
    }
  g_free (self->readout);
  self->readout = g_string_free (text, FALSE);
  gtk_label_set_label (self->readout_label, self->readout);
}

/* ---- masks ---- */

static void
set_mask_info (CepDataPage *self,
               const char  *text)
{
  gtk_label_set_label (self->mask_info_label, text);
}

static void
describe_masks (CepDataPage         *self,
                const CepExperiment *experiment,
                guint                window_frames)
{
  g_autofree char *text = NULL;

  if (self->n_masks == 0)
    text = g_strdup_printf ("Sample at %.2f s: this draw leaves it unmasked (probability %.2f). "
                            "Its window of 2K+1 = %u frames is outlined.",
                            self->sample_frame * FRAME_SHIFT, experiment->augment.probability,
                            window_frames);
  else
    text = g_strdup_printf ("Sample at %.2f s, window of 2K+1 = %u frames (outlined), masks of "
                            "batch %" G_GUINT64_FORMAT " in epoch 1, seed %" G_GUINT64_FORMAT
                            ". Click the spectrogram to move the sample.",
                            self->sample_frame * FRAME_SHIFT, window_frames, self->draw_index,
                            experiment->seed);
  set_mask_info (self, text);
}

static void
update_masks (CepDataPage *self)
{
  CepPartition *partition = cep_data_page_get_partition (self);
  CepExperiment *experiment = self->session != NULL ? cep_session_get_experiment (self->session)
                                                    : NULL;
  guint n_frames = cep_spectrogram_view_get_n_frames (self->spectrogram);
  g_autoptr (GError) error = NULL;
  CepMaskSet set;
  guint window_frames;
  gint64 window_first;

  self->n_masks = 0;
  if (experiment == NULL || partition == NULL || n_frames == 0)
    {
      cep_spectrogram_view_set_masks (self->spectrogram, NULL, 0, FALSE);
      cep_spectrogram_view_set_highlight (self->spectrogram, 0, 0);
      set_mask_info (self, "");
      return;
    }
  window_frames = cep_model_spec_get_window_frames (experiment->model);
  window_first = (gint64) self->sample_frame
                 - cep_model_spec_get_context_past (experiment->model);
  cep_spectrogram_view_set_highlight (self->spectrogram, MAX (window_first, 0),
                                      MIN (window_first + window_frames, n_frames)
                                      - MAX (window_first, 0));
  if (!experiment->augment.enabled)
    set_mask_info (self, _("Augmentation is off: training sees every window unmasked."));
  else if (!cep_augment_spec_validate (&experiment->augment, &error))
    set_mask_info (self, error->message);
  else
    {
      cep_augment_draw (&experiment->augment, experiment->seed, 0, self->draw_index, 0,
                        window_frames, cep_partition_get_feature_dim (partition), &set);
      self->n_masks = cep_mask_set_place (&set, window_first, window_frames, n_frames,
                                          self->masks);
      describe_masks (self, experiment, window_frames);
    }
  cep_spectrogram_view_set_masks (self->spectrogram, self->masks, self->n_masks,
                                  gtk_toggle_button_get_active (self->model_view_toggle));
}

void
cep_data_page_set_sample_frame (CepDataPage *self,
                                guint        frame)
{
  guint n_frames;

  g_return_if_fail (CEP_IS_DATA_PAGE (self));

  n_frames = cep_spectrogram_view_get_n_frames (self->spectrogram);
  self->sample_frame = MIN (frame, MAX (n_frames, 1) - 1);
  update_masks (self);
}

static void
on_frame_activated (CepSpectrogramView *view,
                    guint               frame,
                    CepDataPage        *self)
{
  cep_data_page_set_sample_frame (self, frame);
}

static void
on_model_view_toggled (GtkToggleButton *button,
                       CepDataPage     *self)
{
  update_masks (self);
}

/* ---- the augmentation form, bound to the session's experiment ---- */

/* A maximum below its minimum cannot be entered: the minimum bounds the maximum's range. */
static void
link_min_max (GtkSpinButton *min,
              GtkSpinButton *max)
{
  GtkAdjustment *adjustment = gtk_spin_button_get_adjustment (max);

  gtk_adjustment_set_lower (adjustment, gtk_spin_button_get_value (min));
  if (gtk_spin_button_get_value (max) < gtk_spin_button_get_value (min))
    gtk_spin_button_set_value (max, gtk_spin_button_get_value (min));
}

static void
on_min_width_changed (CepDataPage *self)
{
  link_min_max (self->freq_min_spin, self->freq_max_spin);
  link_min_max (self->time_min_spin, self->time_max_spin);
}

static void
on_augment_notify (CepDataPage *self)
{
  gboolean enabled = FALSE;

  if (self->train_settings != NULL)
    g_object_get (self->train_settings, "augment", &enabled, NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "data.draw-again", enabled);
}

static void
unbind_mask_controls (CepDataPage *self)
{
  for (guint i = 0; i < self->bindings->len; i++)
    g_binding_unbind (g_ptr_array_index (self->bindings, i));
  g_ptr_array_set_size (self->bindings, 0);
  if (self->train_settings != NULL)
    g_signal_handlers_disconnect_by_data (self->train_settings, self);
  g_clear_object (&self->train_settings);
}

static void
bind_mask_controls (CepDataPage *self)
{
  struct { const char *property; gpointer widget; const char *widget_property; } rows[] = {
    { "augment", self->augment_switch, "active" },
    { "freq-masks-max", self->freq_count_spin, "value" },
    { "freq-width-min", self->freq_min_spin, "value" },
    { "freq-width-max", self->freq_max_spin, "value" },
    { "time-masks-max", self->time_count_spin, "value" },
    { "time-width-min", self->time_min_spin, "value" },
    { "time-width-max", self->time_max_spin, "value" },
    { "mask-probability", self->probability_spin, "value" },
    { "per-batch", self->per_batch_switch, "active" },
    { "seed", self->seed_spin, "value" },
  };

  self->train_settings = cep_train_settings_new (self->session);
  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    g_ptr_array_add (self->bindings,
                     g_object_bind_property (self->train_settings, rows[i].property,
                                             rows[i].widget, rows[i].widget_property,
                                             G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE));
  g_ptr_array_add (self->bindings,
                   g_object_bind_property (self->train_settings, "augment",
                                           self->model_view_toggle, "sensitive",
                                           G_BINDING_SYNC_CREATE));
  g_signal_connect_swapped (self->train_settings, "notify::augment",
                            G_CALLBACK (on_augment_notify), self);
  /* After the bindings, so the experiment already holds the minimum the max is raised to. */
  g_signal_connect_swapped (self->train_settings, "notify::freq-width-min",
                            G_CALLBACK (on_min_width_changed), self);
  g_signal_connect_swapped (self->train_settings, "notify::time-width-min",
                            G_CALLBACK (on_min_width_changed), self);
  on_augment_notify (self);
  on_min_width_changed (self);
}

static void
on_experiment_changed (CepSession  *session,
                       guint        what,
                       CepDataPage *self)
{
  update_masks (self);
}

/* ---- partitions ---- */

static void
on_partition_selected (GtkDropDown *dropdown,
                       GParamSpec  *pspec,
                       CepDataPage *self)
{
  CepPartition *partition = cep_data_page_get_partition (self);

  self->utterance = -1;
  if (partition == NULL)
    {
      clear_stats (self);
      cep_bar_chart_set_data (self->class_chart, NULL, NULL, NULL, 0);
      fill_utterances (self, NULL);
      show_utterance (self);
      return;
    }
  update_stats (self, partition);
  gtk_adjustment_set_upper (gtk_spin_button_get_adjustment (self->freq_min_spin),
                            cep_partition_get_feature_dim (partition));
  gtk_adjustment_set_upper (gtk_spin_button_get_adjustment (self->freq_max_spin),
                            cep_partition_get_feature_dim (partition));
  fill_utterances (self, partition);
  gtk_single_selection_set_selected (self->selection, 0);
  on_selection_changed (self->selection, NULL, self);
}

static void
add_partition (CepDataPage  *self,
               CepPartition *partition,
               const char   *label)
{
  g_ptr_array_add (self->partitions, g_object_ref (partition));
  gtk_string_list_append (self->partition_names, label);
}

static void
rebuild_partitions (CepDataPage *self)
{
  CepDataset *dataset = self->session != NULL ? cep_session_get_dataset (self->session) : NULL;
  const char * const *names = dataset != NULL ? cep_dataset_get_partition_names (dataset) : NULL;
  guint old = g_list_model_get_n_items (G_LIST_MODEL (self->partition_names));

  g_signal_handlers_block_by_func (self->partition_dropdown, on_partition_selected, self);
  gtk_string_list_splice (self->partition_names, 0, old, NULL);
  g_ptr_array_set_size (self->partitions, 0);
  for (guint i = 0; names != NULL && names[i] != NULL; i++)
    {
      CepPartition *partition = cep_session_get_partition (self->session, names[i]);

      if (partition != NULL)
        add_partition (self, partition, names[i]);
    }
  if (self->imported != NULL)
    add_partition (self, self->imported, _("Imported audio"));
  g_signal_handlers_unblock_by_func (self->partition_dropdown, on_partition_selected, self);
  gtk_drop_down_set_selected (self->partition_dropdown, 0);
  on_partition_selected (self->partition_dropdown, NULL, self);
}

gboolean
cep_data_page_select_partition (CepDataPage *self,
                                const char  *name)
{
  g_return_val_if_fail (CEP_IS_DATA_PAGE (self), FALSE);

  for (guint i = 0; i < self->partitions->len; i++)
    if (g_strcmp0 (cep_partition_get_name (g_ptr_array_index (self->partitions, i)), name) == 0)
      {
        gtk_drop_down_set_selected (self->partition_dropdown, i);
        return TRUE;
      }
  return FALSE;
}

static void
on_dataset_changed (CepSession  *session,
                    GParamSpec  *pspec,
                    CepDataPage *self)
{
  rebuild_partitions (self);
}

/* The mask controls are one group for an assignment: hidden with "augment" (what the model
 * sees is the teacher's), locked with it; the bounds of each are enforced at Start. */
static void
follow_augment_rule (CepDataPage *self)
{
  CepAssignmentFieldRule rule;

  cep_session_get_field_rule (self->session, "augment.enabled", &rule);
  gtk_widget_set_visible (self->masks_expander, !rule.hidden);
  gtk_widget_set_sensitive (self->mask_groups, !rule.locked);
  gtk_widget_set_tooltip_text (self->mask_groups,
                               rule.locked ? _("Your teacher fixed this setting for the "
                                               "assignment") : NULL);
}

void
cep_data_page_set_session (CepDataPage *self,
                           CepSession  *session)
{
  g_return_if_fail (CEP_IS_DATA_PAGE (self));

  unbind_mask_controls (self);
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_set_object (&self->session, session);
  if (session == NULL)
    return;
  g_signal_connect (session, "notify::dataset", G_CALLBACK (on_dataset_changed), self);
  g_signal_connect (session, "experiment-changed", G_CALLBACK (on_experiment_changed), self);
  g_signal_connect_swapped (session, "notify::assignment", G_CALLBACK (follow_augment_rule),
                            self);
  bind_mask_controls (self);
  follow_augment_rule (self);
  rebuild_partitions (self);
}

/* ---- imported audio ---- */

static void
on_import_done (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr (CepDataPage) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (CepPartition) partition = cep_audio_importer_import_finish (result, &error);

  if (partition == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        report (self, error->message);
      return;
    }
  g_set_object (&self->imported, partition);
  rebuild_partitions (self);
  gtk_drop_down_set_selected (self->partition_dropdown, self->partitions->len - 1);
}

void
cep_data_page_import_audio (CepDataPage        *self,
                            const char * const *paths)
{
  g_return_if_fail (CEP_IS_DATA_PAGE (self));
  g_return_if_fail (paths != NULL);

  if (paths[0] == NULL)
    return;
  g_cancellable_cancel (self->import_cancellable);
  g_clear_object (&self->import_cancellable);
  self->import_cancellable = g_cancellable_new ();
  cep_audio_importer_import_async (paths, self->import_cancellable, on_import_done,
                                   g_object_ref (self));
}

static void
on_audio_chosen (GPtrArray *files,
                 gpointer   user_data)
{
  g_autoptr (CepDataPage) self = user_data;
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_auto (GStrv) paths = NULL;

  for (guint i = 0; i < files->len; i++)
    {
      g_autofree char *path = g_file_get_path (g_ptr_array_index (files, i));

      if (path != NULL)
        g_strv_builder_add (builder, path);
    }
  paths = g_strv_builder_end (builder);
  cep_data_page_import_audio (self, (const char * const *) paths);
}

/* ---- actions ---- */

static void
import_audio_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  GtkRoot *root = gtk_widget_get_root (widget);

  cep_choose_audio (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, _("Import Audio"),
                    on_audio_chosen, g_object_ref (widget));
}

static void
zoom_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  CepDataPage *self = CEP_DATA_PAGE (widget);
  CepSpectrogramView *view = self->spectrogram;
  double centre = cep_spectrogram_view_get_first_frame (view)
                  + cep_spectrogram_view_get_n_visible (view) / 2.0;

  if (g_str_equal (action_name, "data.zoom-in"))
    cep_spectrogram_view_zoom (view, 2.0, centre);
  else if (g_str_equal (action_name, "data.zoom-out"))
    cep_spectrogram_view_zoom (view, 0.5, centre);
  else
    cep_spectrogram_view_zoom_fit (view);
}

static void
draw_again_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  CepDataPage *self = CEP_DATA_PAGE (widget);

  self->draw_index++;
  update_masks (self);
}

static gboolean
focus_search (GtkWidget *widget,
              GVariant  *args,
              gpointer   user_data)
{
  return gtk_widget_grab_focus (GTK_WIDGET (CEP_DATA_PAGE (widget)->search_entry));
}

/* ---- GObject ---- */

static void
cep_data_page_dispose (GObject *object)
{
  CepDataPage *self = CEP_DATA_PAGE (object);

  g_cancellable_cancel (self->import_cancellable);
  g_clear_object (&self->import_cancellable);
  unbind_mask_controls (self);
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_clear_object (&self->session);
  gtk_widget_dispose_template (GTK_WIDGET (self), CEP_TYPE_DATA_PAGE);
  cep_widget_unparent_children (GTK_WIDGET (self));
  g_clear_object (&self->selection);
  g_clear_object (&self->partition_names);
  g_clear_object (&self->imported);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->partitions, g_ptr_array_unref);
  G_OBJECT_CLASS (cep_data_page_parent_class)->dispose (object);
}

static void
cep_data_page_finalize (GObject *object)
{
  g_ptr_array_unref (CEP_DATA_PAGE (object)->bindings);
  g_free (CEP_DATA_PAGE (object)->readout);
  G_OBJECT_CLASS (cep_data_page_parent_class)->finalize (object);
}

static void
bind_template (GtkWidgetClass *widget_class)
{
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/cepstra/Cepstra/cep-data-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CepDataPage, partition_dropdown);
  gtk_widget_class_bind_template_child (widget_class, CepDataPage, masks_expander);
  gtk_widget_class_bind_template_child (widget_class, CepDataPage, mask_groups);
  gtk_widget_class_bind_template_child (widget_class, CepDataPage, stats_grid);
  gtk_widget_class_bind_template_child (widget_class, CepDataPage, class_chart);
  gtk_widget_class_bind_template_child (widget_class, CepDataPage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, CepDataPage, utterance_list);
  gtk_widget_class_bind_template_child (widget_class, CepDataPage, count_label);
  gtk_widget_class_bind_template_child (widget_class, CepDataPage, utterance_label);
  gtk_widget_class_bind_template_child (widget_class, CepDataPage, normalize_switch);
  gtk_widget_class_bind_template_child (widget_class, CepDataPage, spectrogram);
  gtk_widget_class_bind_template_child (widget_class, CepDataPage, time_scrollbar);
  gtk_widget_class_bind_template_child (widget_class, CepDataPage, readout_label);
  gtk_widget_class_bind_template_child (widget_class, CepDataPage, augment_switch);
  gtk_widget_class_bind_template_child (widget_class, CepDataPage, freq_count_spin);
  gtk_widget_class_bind_template_child (widget_class, CepDataPage, freq_min_spin);
  gtk_widget_class_bind_template_child (widget_class, CepDataPage, freq_max_spin);
  gtk_widget_class_bind_template_child (widget_class, CepDataPage, time_count_spin);
  gtk_widget_class_bind_template_child (widget_class, CepDataPage, time_min_spin);
  gtk_widget_class_bind_template_child (widget_class, CepDataPage, time_max_spin);
  gtk_widget_class_bind_template_child (widget_class, CepDataPage, probability_spin);
  gtk_widget_class_bind_template_child (widget_class, CepDataPage, per_batch_switch);
  gtk_widget_class_bind_template_child (widget_class, CepDataPage, seed_spin);
  gtk_widget_class_bind_template_child (widget_class, CepDataPage, model_view_toggle);
  gtk_widget_class_bind_template_child (widget_class, CepDataPage, mask_info_label);
}

static void
cep_data_page_class_init (CepDataPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cep_data_page_dispose;
  object_class->finalize = cep_data_page_finalize;
  g_type_ensure (CEP_TYPE_SPECTROGRAM_VIEW);
  g_type_ensure (CEP_TYPE_BAR_CHART);
  bind_template (widget_class);

  gtk_widget_class_install_action (widget_class, "data.import-audio", NULL, import_audio_action);
  gtk_widget_class_install_action (widget_class, "data.zoom-in", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "data.zoom-out", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "data.zoom-fit", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "data.draw-again", NULL, draw_again_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_plus, GDK_CONTROL_MASK,
                                       "data.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_equal, GDK_CONTROL_MASK,
                                       "data.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_minus, GDK_CONTROL_MASK,
                                       "data.zoom-out", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_0, GDK_CONTROL_MASK,
                                       "data.zoom-fit", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_i, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "data.import-audio", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK,
                                       "data.draw-again", NULL);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, focus_search, NULL);
}

static void
setup_list (CepDataPage *self)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkExpression *expression = gtk_property_expression_new (GTK_TYPE_STRING_OBJECT, NULL,
                                                           "string");

  self->utterance_names = gtk_string_list_new (NULL);
  self->filter = gtk_string_filter_new (expression);
  gtk_string_filter_set_match_mode (self->filter, GTK_STRING_FILTER_MATCH_MODE_SUBSTRING);
  gtk_string_filter_set_ignore_case (self->filter, TRUE);
  self->filtered = gtk_filter_list_model_new (G_LIST_MODEL (self->utterance_names),
                                              GTK_FILTER (self->filter));
  self->selection = gtk_single_selection_new (G_LIST_MODEL (self->filtered));
  g_signal_connect (factory, "setup", G_CALLBACK (setup_row), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row), self);
  gtk_list_view_set_factory (self->utterance_list, factory);
  gtk_list_view_set_model (self->utterance_list, GTK_SELECTION_MODEL (self->selection));
  g_object_unref (factory);
  g_signal_connect (self->selection, "notify::selected-item",
                    G_CALLBACK (on_selection_changed), self);
  g_signal_connect (self->filtered, "items-changed", G_CALLBACK (on_items_changed), self);
  g_signal_connect (self->search_entry, "search-changed", G_CALLBACK (on_search_changed), self);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->utterance_list),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Utterances"), -1);
}

static void
connect_mask_controls (CepDataPage *self)
{
  GtkSpinButton *spins[] = {
    self->freq_count_spin, self->freq_min_spin, self->freq_max_spin, self->time_count_spin,
    self->time_min_spin, self->time_max_spin, self->probability_spin, self->seed_spin,
  };

  for (guint i = 0; i < G_N_ELEMENTS (spins); i++)
    gtk_editable_set_width_chars (GTK_EDITABLE (spins[i]), spins[i] == self->seed_spin ? 6 : 3);
  g_signal_connect (self->model_view_toggle, "toggled", G_CALLBACK (on_model_view_toggled), self);
}

static void
cep_data_page_init (CepDataPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->partitions = g_ptr_array_new_with_free_func (g_object_unref);
  self->bindings = g_ptr_array_new ();
  self->partition_names = gtk_string_list_new (NULL);
  self->utterance = -1;
  self->settings = g_settings_new (CEP_APPLICATION_ID);
  gtk_drop_down_set_model (self->partition_dropdown, G_LIST_MODEL (self->partition_names));
  g_signal_connect (self->partition_dropdown, "notify::selected",
                    G_CALLBACK (on_partition_selected), self);
  setup_list (self);
  gtk_scrollbar_set_adjustment (self->time_scrollbar,
                                cep_spectrogram_view_get_adjustment (self->spectrogram));
  g_signal_connect (self->spectrogram, "hover", G_CALLBACK (on_hover), self);
  g_signal_connect (self->spectrogram, "frame-activated", G_CALLBACK (on_frame_activated), self);
  g_settings_bind (self->settings, "show-normalized", self->normalize_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_signal_connect (self->normalize_switch, "notify::active", G_CALLBACK (on_normalize_changed),
                    self);
  g_signal_connect_object (self->settings, "changed::colormap", G_CALLBACK (on_colormap_changed),
                           self, 0);
  apply_colormap (self);
  cep_bar_chart_set_title (self->class_chart, _("Frames per class"));
  cep_bar_chart_set_value_format (self->class_chart, "%.0f frames");
  connect_mask_controls (self);
  on_augment_notify (self);
}
