/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * plot-samples.c: renders one figure of every kind from real data, to look at.
 *
 *   plot-samples OUT_DIR [DATASET_ROOT]
 *
 * Loads the dataset (the demo dataset by default), trains a small softmax regression over
 * context windows (K = 4) for a few epochs with plain minibatch SGD, and draws what it saw:
 * training curves, the dev confusion matrix, a dev utterance with its labels, predictions and
 * example masks, and the dependency matrix of the model measured by perturbing input frames.
 * Not a test: the model lives here only to give the renderers honest data.
 */
#include <math.h>
#include <string.h>

#include "cep-dataset.h"
#include "cep-heatmap.h"
#include "cep-line-plot.h"
#include "cep-phoneme-table.h"
#include "cep-plot-file.h"
#include "cep-spectrogram-plot.h"

#define CONTEXT 4
#define EPOCHS 4
#define BATCH 128
#define LEARNING_RATE 0.05
#define DEP_FRAMES 60

typedef struct
{
  guint  n_inputs;
  guint  n_classes;
  float *weights;   /* n_classes x n_inputs */
  float *bias;
} Model;

typedef struct
{
  GArray *step_x;
  GArray *step_loss;
  double  train_loss[EPOCHS], dev_loss[EPOCHS], train_accuracy[EPOCHS], dev_accuracy[EPOCHS];
  double  epoch_end[EPOCHS];
} Curves;

static void
model_logits (const Model *model,
              const float *input,
              float       *logits)
{
  for (guint c = 0; c < model->n_classes; c++)
    {
      const float *w = model->weights + (gsize) c * model->n_inputs;
      float sum = model->bias[c];

      for (guint i = 0; i < model->n_inputs; i++)
        sum += w[i] * input[i];
      logits[c] = sum;
    }
}

/* Softmax in place; returns the cross-entropy of @label. */
static double
softmax_loss (float *logits,
              guint  n,
              guint  label)
{
  float top = logits[0];
  double sum = 0.0;

  for (guint c = 1; c < n; c++)
    top = MAX (top, logits[c]);
  for (guint c = 0; c < n; c++)
    sum += logits[c] = expf (logits[c] - top);
  for (guint c = 0; c < n; c++)
    logits[c] /= sum;
  return -log (MAX (logits[label], 1e-12));
}

static guint
argmax (const float *values,
        guint        n)
{
  guint best = 0;

  for (guint c = 1; c < n; c++)
    if (values[c] > values[best])
      best = c;
  return best;
}

static double
train_batch (Model        *model,
             CepPartition *train,
             const guint  *order,
             guint         n,
             float        *gradient)
{
  const guint8 *labels = cep_partition_get_labels (train);
  g_autofree float *probabilities = g_new (float, model->n_classes);
  gsize size = (gsize) model->n_classes * (model->n_inputs + 1);
  double loss = 0.0;

  memset (gradient, 0, size * sizeof (float));
  for (guint s = 0; s < n; s++)
    {
      const float *input = cep_partition_get_window (train, order[s], CONTEXT);

      model_logits (model, input, probabilities);
      loss += softmax_loss (probabilities, model->n_classes, labels[order[s]]);
      probabilities[labels[order[s]]] -= 1.0f;
      for (guint c = 0; c < model->n_classes; c++)
        {
          float *g = gradient + (gsize) c * (model->n_inputs + 1);

          for (guint i = 0; i < model->n_inputs; i++)
            g[i] += probabilities[c] * input[i];
          g[model->n_inputs] += probabilities[c];
        }
    }
  for (guint c = 0; c < model->n_classes; c++)
    {
      const float *g = gradient + (gsize) c * (model->n_inputs + 1);

      for (guint i = 0; i < model->n_inputs; i++)
        model->weights[(gsize) c * model->n_inputs + i] -= LEARNING_RATE * g[i] / n;
      model->bias[c] -= LEARNING_RATE * g[model->n_inputs] / n;
    }
  return loss / n;
}

/* Loss and accuracy over a partition; fills @confusion (true x predicted) when given. */
static void
evaluate (const Model  *model,
          CepPartition *partition,
          double       *loss,
          double       *accuracy,
          float        *confusion)
{
  const guint8 *labels = cep_partition_get_labels (partition);
  gsize n = cep_partition_get_n_frames (partition), correct = 0;
  g_autofree float *probabilities = g_new (float, model->n_classes);
  double total = 0.0;

  for (gsize f = 0; f < n; f++)
    {
      guint predicted;

      model_logits (model, cep_partition_get_window (partition, f, CONTEXT), probabilities);
      total += softmax_loss (probabilities, model->n_classes, labels[f]);
      predicted = argmax (probabilities, model->n_classes);
      correct += predicted == labels[f];
      if (confusion != NULL)
        confusion[labels[f] * model->n_classes + predicted] += 1.0f;
    }
  *loss = total / n;
  *accuracy = (double) correct / n;
}

static void
shuffle (guint  *order,
         guint   n,
         GRand  *rand)
{
  for (guint i = n - 1; i > 0; i--)
    {
      guint j = g_rand_int_range (rand, 0, i + 1), swap = order[i];

      order[i] = order[j];
      order[j] = swap;
    }
}

static void
train (Model        *model,
       CepPartition *train_set,
       CepPartition *dev_set,
       Curves       *curves)
{
  guint n = cep_partition_get_n_frames (train_set), step = 0;
  g_autofree guint *order = g_new (guint, n);
  g_autofree float *gradient = g_new (float, model->n_classes * (model->n_inputs + 1));
  g_autoptr(GRand) rand = g_rand_new_with_seed (11785);

  for (guint i = 0; i < n; i++)
    order[i] = i;
  for (guint epoch = 0; epoch < EPOCHS; epoch++)
    {
      shuffle (order, n, rand);
      for (guint start = 0; start + BATCH <= n; start += BATCH)
        {
          double x = ++step, loss = train_batch (model, train_set, order + start, BATCH, gradient);

          g_array_append_val (curves->step_x, x);
          g_array_append_val (curves->step_loss, loss);
        }
      curves->epoch_end[epoch] = step;
      evaluate (model, train_set, &curves->train_loss[epoch], &curves->train_accuracy[epoch],
                NULL);
      evaluate (model, dev_set, &curves->dev_loss[epoch], &curves->dev_accuracy[epoch], NULL);
      g_print ("epoch %u: train %.3f / %.1f %%, dev %.3f / %.1f %%\n", epoch + 1,
               curves->train_loss[epoch], 100 * curves->train_accuracy[epoch],
               curves->dev_loss[epoch], 100 * curves->dev_accuracy[epoch]);
    }
}

static void
save (const char      *dir,
      const char      *name,
      int              width,
      int              height,
      CepPlotDrawFunc  draw,
      gpointer         data)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;

  if (!cep_plot_save_png (path, width, height, draw, data, &error))
    g_error ("%s", error->message);
  g_print ("wrote %s\n", path);
}

static void
draw_curves (const char   *dir,
             const Curves *curves)
{
  g_autofree double *smooth = g_new (double, curves->step_loss->len);
  double epochs_x[EPOCHS];
  CepLineSeries series[6];
  CepPlotStyle dark;
  CepLinePlot plot;
  double average = NAN;
  const double *steps = &g_array_index (curves->step_x, double, 0);
  const double *step_loss = &g_array_index (curves->step_loss, double, 0);

  for (guint i = 0; i < curves->step_loss->len; i++)
    {
      double loss = g_array_index (curves->step_loss, double, i);

      average = isnan (average) ? loss : 0.97 * average + 0.03 * loss;
      smooth[i] = average;
    }
  memcpy (epochs_x, curves->epoch_end, sizeof epochs_x);
  series[0] = (CepLineSeries) { .name = "train (per step)", .x = steps, .y = step_loss,
                                .n = curves->step_loss->len, .color = { 0.6, 0.75, 0.95, 1 },
                                .line_width = 1.0 };
  series[1] = (CepLineSeries) { .name = "train", .x = steps, .y = smooth,
                                .n = curves->step_loss->len };
  series[2] = (CepLineSeries) { .name = "dev", .x = epochs_x, .y = curves->dev_loss, .n = EPOCHS,
                                .markers = TRUE };
  series[3] = (CepLineSeries) { .name = "train", .x = epochs_x, .y = curves->train_accuracy,
                                .n = EPOCHS, .panel = 1, .markers = TRUE };
  series[4] = (CepLineSeries) { .name = "dev", .x = epochs_x, .y = curves->dev_accuracy,
                                .n = EPOCHS, .panel = 1, .markers = TRUE };
  cep_line_plot_init_training (&plot, TRUE);
  plot.title = "Softmax regression (K = 4) on the demo dataset";
  plot.x_label = "Step";
  plot.series = series;
  plot.n_series = 5;
  plot.epoch_marks = curves->epoch_end;
  plot.n_epoch_marks = EPOCHS;
  save (dir, "curves.png", 900, 620, cep_line_plot_draw_func, &plot);
  /* The GUI's dark style: same data colours, dark surroundings. */
  cep_plot_style_init_dark (&dark);
  plot.style = &dark;
  series[0].color = (CepRgba) { 0.2, 0.32, 0.5, 1 };
  save (dir, "curves-dark.png", 900, 620, cep_line_plot_draw_func, &plot);
}

static void
draw_confusion (const char      *dir,
                const float     *counts,
                CepPhonemeTable *table)
{
  guint n = cep_phoneme_table_get_n_classes (table);
  g_autofree float *percent = g_new (float, n * n);
  g_autofree const char **names = g_new (const char *, n);
  CepHeatmap heatmap;

  for (guint i = 0; i < n; i++)
    names[i] = cep_phoneme_table_get_name (table, i);
  cep_heatmap_normalize_rows (counts, n, n, percent);
  cep_heatmap_init (&heatmap);
  heatmap.n_rows = heatmap.n_columns = n;
  heatmap.values = percent;
  heatmap.cell_values = counts;
  heatmap.row_labels = heatmap.column_labels = names;
  heatmap.min = 0;
  heatmap.max = 100;
  heatmap.title = "Confusion matrix, dev-clean";
  heatmap.x_label = "Predicted phoneme";
  heatmap.y_label = "True phoneme";
  heatmap.colorbar_label = "Share of the true class (%)";
  save (dir, "confusion.png", 900, 880, cep_heatmap_draw_func, &heatmap);
  save (dir, "confusion-large.png", 1600, 1560, cep_heatmap_draw_func, &heatmap);
}

/* Logits of every output frame of @frames (T x D, zero outside) for the model. */
static void
all_logits (const Model *model,
            const float *frames,
            guint        n_frames,
            guint        dim,
            float       *logits)
{
  g_autofree float *window = g_new (float, (2 * CONTEXT + 1) * dim);

  for (guint t = 0; t < n_frames; t++)
    {
      for (int k = -CONTEXT; k <= CONTEXT; k++)
        {
          int source = (int) t + k;
          float *slot = window + (k + CONTEXT) * dim;

          if (source < 0 || source >= (int) n_frames)
            memset (slot, 0, dim * sizeof (float));
          else
            memcpy (slot, frames + (gsize) source * dim, dim * sizeof (float));
        }
      model_logits (model, window, logits + (gsize) t * model->n_classes);
    }
}

/* SpeechBrain's semantics: output j depends on input i when perturbing frame i changes it. */
static void
dependency_matrix (const Model  *model,
                   CepPartition *partition,
                   gsize         first,
                   guint         dim,
                   float        *sensitivity)
{
  g_autofree float *frames = g_new (float, DEP_FRAMES * dim);
  g_autofree float *base = g_new (float, DEP_FRAMES * model->n_classes);
  g_autofree float *changed = g_new (float, DEP_FRAMES * model->n_classes);

  for (guint t = 0; t < DEP_FRAMES; t++)
    memcpy (frames + t * dim, cep_partition_get_frame (partition, first + t),
            dim * sizeof (float));
  all_logits (model, frames, DEP_FRAMES, dim, base);
  for (guint i = 0; i < DEP_FRAMES; i++)
    {
      for (guint d = 0; d < dim; d++)
        frames[i * dim + d] += 1.0f;
      all_logits (model, frames, DEP_FRAMES, dim, changed);
      for (guint d = 0; d < dim; d++)
        frames[i * dim + d] -= 1.0f;
      for (guint j = 0; j < DEP_FRAMES; j++)
        {
          float largest = 0.0f;

          for (guint c = 0; c < model->n_classes; c++)
            largest = MAX (largest, fabsf (changed[j * model->n_classes + c]
                                           - base[j * model->n_classes + c]));
          sensitivity[j * DEP_FRAMES + i] = largest;
        }
    }
}

static void
draw_dependency (const char   *dir,
                 const Model  *model,
                 CepPartition *partition)
{
  float sensitivity[DEP_FRAMES * DEP_FRAMES], dependent[DEP_FRAMES * DEP_FRAMES];
  guint dim = cep_partition_get_feature_dim (partition);
  CepHeatmap heatmap;

  dependency_matrix (model, partition, cep_partition_get_utterance_start (partition, 0), dim,
                     sensitivity);
  for (guint i = 0; i < G_N_ELEMENTS (dependent); i++)
    dependent[i] = sensitivity[i] > 1e-5f;
  cep_heatmap_init (&heatmap);
  heatmap.n_rows = heatmap.n_columns = DEP_FRAMES;
  heatmap.values = dependent;
  heatmap.mode = CEP_HEATMAP_BOOLEAN;
  heatmap.band_halfwidth = CONTEXT;
  heatmap.title = "Dependency matrix (K = 4), first 60 frames";
  heatmap.x_label = "Input frame";
  heatmap.y_label = "Output frame";
  save (dir, "depmatrix.png", 760, 700, cep_heatmap_draw_func, &heatmap);
  heatmap.values = sensitivity;
  heatmap.mode = CEP_HEATMAP_CONTINUOUS;
  heatmap.colormap = CEP_COLORMAP_MAGMA;
  heatmap.title = "Sensitivity: largest logit change";
  heatmap.colorbar_label = "|Δ logit|";
  save (dir, "depmatrix-sensitivity.png", 760, 700, cep_heatmap_draw_func, &heatmap);
}

static void
draw_utterance (const char   *dir,
                const Model  *model,
                CepPartition *partition,
                guint         utterance)
{
  gsize start = cep_partition_get_utterance_start (partition, utterance);
  guint n = cep_partition_get_utterance_length (partition, utterance);
  guint dim = cep_partition_get_feature_dim (partition);
  CepPhonemeTable *table = cep_partition_get_phoneme_table (partition);
  guint n_names = cep_phoneme_table_get_n_classes (table);
  g_autofree float *values = g_new (float, (gsize) n * dim);
  g_autofree guint8 *predicted = g_new (guint8, n);
  g_autofree float *logits = g_new (float, model->n_classes);
  g_autofree const char **names = g_new (const char *, n_names);
  g_autofree char *title = NULL;
  CepSpectrogramMask masks[3] = {
    { .kind = CEP_SPECTROGRAM_MASK_TIME, .start = n / 3, .width = 6 },
    { .kind = CEP_SPECTROGRAM_MASK_FREQUENCY, .start = 12, .width = 4, .frame_start = n / 2 - 20,
      .n_frames = 2 * CONTEXT + 1 },
    { .kind = CEP_SPECTROGRAM_MASK_FREQUENCY, .start = 3, .width = 3, .frame_start = n / 2 - 20,
      .n_frames = 2 * CONTEXT + 1 },
  };
  CepSpectrogramPlot plot;

  for (guint i = 0; i < n_names; i++)
    names[i] = cep_phoneme_table_get_name (table, i);
  memcpy (values, cep_partition_get_frame (partition, start), (gsize) n * dim * sizeof (float));
  for (guint t = 0; t < n; t++)
    {
      model_logits (model, cep_partition_get_window (partition, start + t, CONTEXT), logits);
      predicted[t] = argmax (logits, model->n_classes);
    }
  title = g_strdup_printf ("dev-clean/%s (normalized MFCC)",
                           cep_partition_get_utterance_name (partition, utterance));
  cep_spectrogram_plot_init (&plot);
  plot.values = values;
  plot.n_frames = n;
  plot.n_coefficients = dim;
  plot.colormap = CEP_COLORMAP_COOLWARM;
  plot.labels = cep_partition_get_labels (partition) + start;
  plot.predicted = predicted;
  plot.label_names = names;
  plot.n_label_names = n_names;
  plot.title = title;
  plot.colorbar_label = "Value";
  plot.masks = masks;
  plot.n_masks = G_N_ELEMENTS (masks);
  save (dir, "spectrogram.png", 1100, 460, cep_spectrogram_plot_draw_func, &plot);
  plot.colormap = CEP_COLORMAP_VIRIDIS;
  plot.first_frame = n / 2 - 40;
  plot.n_visible = 80;
  plot.zero_masked = TRUE;
  save (dir, "spectrogram-zoom.png", 1100, 460, cep_spectrogram_plot_draw_func, &plot);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *root = argc > 2 ? g_strdup (argv[2]) : cep_dataset_find_demo_root ();
  g_autoptr(GError) error = NULL;
  g_autoptr(CepDataset) dataset = NULL;
  CepPartition *train_set, *dev_set;
  g_autofree float *confusion = NULL;
  Curves curves = { g_array_new (FALSE, FALSE, sizeof (double)),
                    g_array_new (FALSE, FALSE, sizeof (double)) };
  Model model;
  double loss, accuracy;

  if (argc < 2)
    g_error ("usage: plot-samples OUT_DIR [DATASET_ROOT]");
  g_mkdir_with_parents (argv[1], 0755);
  dataset = cep_dataset_open (root, NULL, &error);
  if (dataset == NULL
      || (train_set = cep_dataset_load_partition (dataset, cep_dataset_get_train_name (dataset),
                                                  NULL, NULL, NULL, &error)) == NULL
      || (dev_set = cep_dataset_load_partition (dataset, cep_dataset_get_dev_name (dataset),
                                                NULL, NULL, NULL, &error)) == NULL)
    g_error ("%s", error->message);
  model.n_classes = cep_phoneme_table_get_n_classes (cep_partition_get_phoneme_table (train_set));
  model.n_inputs = (2 * CONTEXT + 1) * cep_partition_get_feature_dim (train_set);
  model.weights = g_new0 (float, (gsize) model.n_classes * model.n_inputs);
  model.bias = g_new0 (float, model.n_classes);
  train (&model, train_set, dev_set, &curves);
  draw_curves (argv[1], &curves);
  confusion = g_new0 (float, model.n_classes * model.n_classes);
  evaluate (&model, dev_set, &loss, &accuracy, confusion);
  draw_confusion (argv[1], confusion, cep_partition_get_phoneme_table (dev_set));
  draw_dependency (argv[1], &model, dev_set);
  draw_utterance (argv[1], &model, dev_set, 3);
  g_free (model.weights);
  g_free (model.bias);
  g_array_unref (curves.step_x);
  g_array_unref (curves.step_loss);
  return 0;
}
