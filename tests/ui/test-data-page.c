/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * test-data-page.c: the Data page on the demo dataset — statistics, search, spectrograms,
 * normalization, the augmentation form and its masks, the hover read-out, importing audio.
 *
 * The page is driven through its own widgets (template children) and checked against core:
 * what the page shows must be what CepPartition and cep_augment_draw say.
 */
#include <math.h>

#include "cep-augment.h"
#include "cep-bar-chart.h"
#include "cep-data-page.h"
#include "cep-ui-test-util.h"

typedef struct
{
  CepSession  *session;
  CepDataPage *page;
  GtkWindow   *window;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->session = cep_ui_test_load_demo ();
  if (fixture->session == NULL)
    {
      g_test_skip ("no demo dataset (set CEPSTRA_DEMO_DIR)");
      return;
    }
  fixture->page = g_object_new (CEP_TYPE_DATA_PAGE, NULL);
  cep_data_page_set_session (fixture->page, fixture->session);
  fixture->window = cep_ui_test_window_new (GTK_WIDGET (fixture->page), 1024, 650);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  if (fixture->window != NULL)
    gtk_window_destroy (fixture->window);
  g_clear_object (&fixture->session);
}

static gpointer
child (Fixture    *fixture,
       const char *name)
{
  GObject *object = gtk_widget_get_template_child (GTK_WIDGET (fixture->page),
                                                   CEP_TYPE_DATA_PAGE, name);

  g_assert_nonnull (object);
  return object;
}

static void
test_partition_stats (Fixture       *fixture,
                      gconstpointer  data)
{
  CepPartition *partition;
  CepBarChart *chart;
  double total = 0;

  if (fixture->page == NULL)
    return;
  partition = cep_data_page_get_partition (fixture->page);
  g_assert_nonnull (partition);
  g_assert_cmpstr (cep_partition_get_name (partition), ==, "train-clean-100");
  chart = CEP_BAR_CHART (cep_data_page_get_class_chart (fixture->page));
  g_assert_cmpuint (cep_bar_chart_get_n_bars (chart), ==,
                    cep_phoneme_table_get_n_classes (cep_partition_get_phoneme_table (partition)));
  for (guint i = 0; i < cep_bar_chart_get_n_bars (chart); i++)
    total += cep_bar_chart_get_value (chart, i);
  /* Every frame is in exactly one bar. */
  g_assert_cmpfloat (total, ==, (double) cep_partition_get_n_frames (partition));
  g_assert_cmpstr (cep_bar_chart_get_label (chart, 0), ==, "[SIL]");

  /* The dev partition: other statistics, same classes. */
  g_assert_true (cep_data_page_select_partition (fixture->page, "dev-clean"));
  partition = cep_data_page_get_partition (fixture->page);
  g_assert_cmpstr (cep_partition_get_name (partition), ==, "dev-clean");
  g_assert_cmpuint (cep_data_page_get_n_listed (fixture->page), ==,
                    cep_partition_get_n_utterances (partition));
  /* Unlabelled test partition: no histogram. */
  g_assert_true (cep_data_page_select_partition (fixture->page, "test-clean"));
  g_assert_cmpuint (cep_bar_chart_get_n_bars (chart), ==, 0);
}

static void
test_search (Fixture       *fixture,
             gconstpointer  data)
{
  CepPartition *partition;
  guint expected = 0;

  if (fixture->page == NULL)
    return;
  partition = cep_data_page_get_partition (fixture->page);
  for (guint i = 0; i < cep_partition_get_n_utterances (partition); i++)
    expected += strstr (cep_partition_get_utterance_name (partition, i), "-001") != NULL;
  g_assert_cmpuint (expected, >, 0);
  cep_data_page_set_search (fixture->page, "-001");
  g_assert_cmpuint (cep_data_page_get_n_listed (fixture->page), ==, expected);
  cep_data_page_set_search (fixture->page, "no such utterance");
  g_assert_cmpuint (cep_data_page_get_n_listed (fixture->page), ==, 0);
  cep_data_page_set_search (fixture->page, "");
  g_assert_cmpuint (cep_data_page_get_n_listed (fixture->page), ==,
                    cep_partition_get_n_utterances (partition));
}

/* The spectrogram shows the partition's frames, normalized or raw. */
static void
test_utterance_values (Fixture       *fixture,
                       gconstpointer  data)
{
  CepSpectrogramView *view;
  CepPartition *partition;
  GtkSwitch *normalize;
  const float *frame, *mean, *stddev;
  gsize start;
  guint dim;

  if (fixture->page == NULL)
    return;
  view = cep_data_page_get_spectrogram (fixture->page);
  partition = cep_data_page_get_partition (fixture->page);
  normalize = child (fixture, "normalize_switch");
  gtk_switch_set_active (normalize, TRUE);
  g_assert_true (cep_data_page_select_utterance (fixture->page, 3));
  g_assert_cmpint (cep_data_page_get_utterance (fixture->page), ==, 3);
  start = cep_partition_get_utterance_start (partition, 3);
  dim = cep_partition_get_feature_dim (partition);
  g_assert_cmpuint (cep_spectrogram_view_get_n_frames (view), ==,
                    cep_partition_get_utterance_length (partition, 3));
  g_assert_cmpuint (cep_spectrogram_view_get_n_coefficients (view), ==, dim);
  frame = cep_partition_get_frame (partition, start + 5);
  g_assert_cmpfloat (cep_spectrogram_view_get_value (view, 5, 2), ==, frame[2]);
  g_assert_cmpint (cep_spectrogram_view_get_label (view, 5), ==,
                   cep_partition_get_labels (partition)[start + 5]);

  gtk_switch_set_active (normalize, FALSE);
  mean = cep_partition_get_utterance_mean (partition, 3);
  stddev = cep_partition_get_utterance_stddev (partition, 3);
  g_assert_cmpfloat_with_epsilon (cep_spectrogram_view_get_value (view, 5, 2),
                                  frame[2] * stddev[2] + mean[2], 1e-4);
  g_assert_cmpfloat (fabs (cep_spectrogram_view_get_value (view, 5, 0)), >, 2.0);
  gtk_switch_set_active (normalize, TRUE);
}

/* Masks drawn by the page are exactly cep_augment_draw's for the shown sample. */
static void
check_masks_match (Fixture  *fixture,
                   guint64   draw_index)
{
  CepExperiment *experiment = cep_session_get_experiment (fixture->session);
  CepPartition *partition = cep_data_page_get_partition (fixture->page);
  CepMaskSet set;

  cep_augment_draw (&experiment->augment, experiment->seed, 0, draw_index, 0,
                    2 * experiment->model->context + 1, cep_partition_get_feature_dim (partition),
                    &set);
  g_assert_cmpuint (cep_data_page_get_n_masks (fixture->page), ==, set.n_freq + set.n_time);
}

static void
test_masks (Fixture       *fixture,
            gconstpointer  data)
{
  CepExperiment *experiment;
  CepSpectrogramView *view;
  guint64 draws = 0;
  guint sample;

  if (fixture->page == NULL)
    return;
  experiment = cep_session_get_experiment (fixture->session);
  view = cep_data_page_get_spectrogram (fixture->page);
  g_assert_true (cep_data_page_select_utterance (fixture->page, 0));
  g_assert_cmpuint (cep_data_page_get_n_masks (fixture->page), ==, 0);

  /* Switching augmentation on in the form switches it on in the experiment. */
  gtk_switch_set_active (child (fixture, "augment_switch"), TRUE);
  g_assert_true (experiment->augment.enabled);
  gtk_spin_button_set_value (child (fixture, "seed_spin"), 7);
  g_assert_cmpuint (experiment->seed, ==, 7);
  gtk_spin_button_set_value (child (fixture, "freq_min_spin"), 5);
  g_assert_cmpuint (experiment->augment.freq_width_min, ==, 5);
  g_assert_cmpuint (experiment->augment.freq_width_max, >=, 5);
  check_masks_match (fixture, 0);

  /* "Draw again" walks through batches until some mask appears, always matching core. */
  while (cep_data_page_get_n_masks (fixture->page) == 0 && draws < 32)
    {
      gtk_widget_activate_action (GTK_WIDGET (fixture->page), "data.draw-again", NULL);
      check_masks_match (fixture, ++draws);
    }
  g_assert_cmpuint (cep_data_page_get_n_masks (fixture->page), >, 0);

  /* As the model sees it: the masked sample's centre frame reads 0 under a frequency band,
   * or the whole centre frame under a time band covering it. */
  cep_data_page_set_sample_frame (fixture->page, 70);
  sample = 70;
  gtk_toggle_button_set_active (child (fixture, "model_view_toggle"), TRUE);
  {
    CepMaskSet set;
    guint k = experiment->model->context;

    cep_augment_draw (&experiment->augment, experiment->seed, 0, draws, 0, 2 * k + 1,
                      cep_spectrogram_view_get_n_coefficients (view), &set);
    for (guint i = 0; i < set.n_freq; i++)
      g_assert_cmpfloat (cep_spectrogram_view_get_value (view, sample, set.freq[i].start), ==, 0);
    for (guint i = 0; i < set.n_time; i++)
      g_assert_cmpfloat (cep_spectrogram_view_get_value (view, sample - k + set.time[i].start, 3),
                         ==, 0);
  }
  cairo_surface_destroy (cep_ui_test_screenshot (GTK_WIDGET (fixture->window), "data-page-masks",
                                                 child (fixture, "spectrogram"), NULL));
  gtk_toggle_button_set_active (child (fixture, "model_view_toggle"), FALSE);
  gtk_switch_set_active (child (fixture, "augment_switch"), FALSE);
  g_assert_cmpuint (cep_data_page_get_n_masks (fixture->page), ==, 0);
  g_assert_false (gtk_widget_get_sensitive (child (fixture, "model_view_toggle")));

  /* The controls are bound: a change made elsewhere (an opened experiment) shows at once, and a
   * minimum raised above its maximum raises the maximum in the experiment too. */
  experiment->augment.enabled = TRUE;
  experiment->augment.time_masks_max = 4;
  experiment->augment.probability = 0.25;
  cep_session_experiment_changed (fixture->session, CEP_SESSION_CHANGED_AUGMENT);
  g_assert_true (gtk_switch_get_active (child (fixture, "augment_switch")));
  g_assert_true (gtk_widget_get_sensitive (child (fixture, "model_view_toggle")));
  g_assert_cmpfloat (gtk_spin_button_get_value (child (fixture, "time_count_spin")), ==, 4);
  g_assert_cmpfloat (gtk_spin_button_get_value (child (fixture, "probability_spin")), ==, 0.25);
  gtk_spin_button_set_value (child (fixture, "time_min_spin"),
                             experiment->augment.time_width_max + 2);
  g_assert_cmpuint (experiment->augment.time_width_max, ==, experiment->augment.time_width_min);
  g_assert_cmpfloat (gtk_spin_button_get_value (child (fixture, "time_max_spin")), ==,
                     experiment->augment.time_width_min);
}

static void
test_hover_readout (Fixture       *fixture,
                    gconstpointer  data)
{
  CepSpectrogramView *view;
  const char *readout;
  const char *phoneme;

  if (fixture->page == NULL)
    return;
  view = cep_data_page_get_spectrogram (fixture->page);
  g_assert_true (cep_data_page_select_utterance (fixture->page, 1));
  g_signal_emit_by_name (view, "hover", 12u, 3u);
  readout = cep_data_page_get_readout (fixture->page);
  phoneme = cep_spectrogram_view_get_label_name (view, cep_spectrogram_view_get_label (view, 12));
  g_assert_nonnull (strstr (readout, "0.12 s (frame 12)"));
  g_assert_nonnull (strstr (readout, "coefficient 3"));
  g_assert_nonnull (strstr (readout, phoneme));
}

static gboolean
imported (gpointer data)
{
  CepPartition *partition = cep_data_page_get_partition (data);

  return partition != NULL && g_strcmp0 (cep_partition_get_name (partition), "imported") == 0;
}

static void
test_import_audio (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *wav = g_build_filename (CEP_FIXTURES_DIR, "audio", "chirp-16k-mono.wav", NULL);
  const char *paths[] = { wav, NULL };
  CepSpectrogramView *view;

  if (fixture->page == NULL)
    return;
  cep_data_page_import_audio (fixture->page, paths);
  g_assert_true (cep_ui_test_wait_for (imported, fixture->page, 30000));
  view = cep_data_page_get_spectrogram (fixture->page);
  g_assert_cmpuint (cep_spectrogram_view_get_n_coefficients (view), ==, 28);
  g_assert_cmpuint (cep_spectrogram_view_get_n_frames (view), >, 10);
  g_assert_false (cep_partition_is_labelled (cep_data_page_get_partition (fixture->page)));
}

int
main (int   argc,
      char *argv[])
{
  cep_ui_test_init (&argc, &argv);

  g_test_add ("/ui/data/partition-stats", Fixture, NULL, fixture_set_up, test_partition_stats,
              fixture_tear_down);
  g_test_add ("/ui/data/search", Fixture, NULL, fixture_set_up, test_search, fixture_tear_down);
  g_test_add ("/ui/data/utterance-values", Fixture, NULL, fixture_set_up, test_utterance_values,
              fixture_tear_down);
  g_test_add ("/ui/data/masks", Fixture, NULL, fixture_set_up, test_masks, fixture_tear_down);
  g_test_add ("/ui/data/hover-readout", Fixture, NULL, fixture_set_up, test_hover_readout,
              fixture_tear_down);
  g_test_add ("/ui/data/import-audio", Fixture, NULL, fixture_set_up, test_import_audio,
              fixture_tear_down);
  return g_test_run ();
}
