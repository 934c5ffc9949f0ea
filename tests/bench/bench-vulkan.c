/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * bench-vulkan.c: timings of the vulkan backend, next to blas on the same machine. Prints
 * medians; never fails on them.
 *
 * 1. The seed notebook's product {10000, 784} × {784, 10}: one GEMM and its wait, on the
 *    device's resident buffers (the upload is not timed).
 * 2. GEMM GFLOP/s on the training shapes of the tiny and full models: forward Y = X·Wᵀ,
 *    backward dX = dY·W and dW = dYᵀ·X, each layer at the batch size.
 * 3. Training throughput (samples/s) of tiny and full: whole steps (upload, forward,
 *    backward, AdamW, the scalars' download) through the network runtime.
 *
 * 4. With --profile, where a training step's time goes: device time per shader and transfer
 *    (timestamp queries), the host's waits, and what is left for the host's own work.
 * 5. The device's fp32 peak (shaders/peak-fma.comp), so the GEMM figures read as a fraction.
 *
 * Every figure is the median of --runs timed repetitions after one warm-up. --quick lowers
 * the full model's batch and the repetitions for slow devices (lavapipe). --tiles measures
 * every GEMM tile shape (CEPSTRA_VULKAN_GEMM_TILE) next to the automatic choice; --json
 * writes every figure as one JSON record per measurement.
 *
 * Usage: bench-vulkan [--runs N] [--batch B] [--batches B1,B2] [--quick] [--tiles]
 *                     [--profile] [--json FILE] [--device NAME|INDEX] [--no-blas]
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cep-backend-vulkan.h"
#include "cep-model-presets.h"
#include "cep-network.h"

static gint runs = 5;
static gint batch = 1024;
static char *batches = NULL;
static gboolean quick = FALSE;
static gboolean no_blas = FALSE;
static gboolean sweep_tiles = FALSE;
static gboolean profile = FALSE;
static char *json_path = NULL;
static char *device = NULL;

/* Every figure as a JSON object, written to --json at the end. */
static GPtrArray *records;

static void G_GNUC_PRINTF (1, 2)
record (const char *format,
        ...)
{
  va_list args;

  va_start (args, format);
  g_ptr_array_add (records, g_strdup_vprintf (format, args));
  va_end (args);
}

static void
write_records (void)
{
  g_autoptr (GString) text = g_string_new ("[\n");
  g_autoptr (GError) error = NULL;

  for (guint i = 0; i < records->len; i++)
    g_string_append_printf (text, " %s%s\n", (const char *) g_ptr_array_index (records, i),
                            i + 1 < records->len ? "," : "");
  g_string_append (text, "]\n");
  if (!g_file_set_contents (json_path, text->str, -1, &error))
    fprintf (stderr, "%s\n", error->message);
}

/* A vulkan backend whose GEMMs use @tile (NULL: chosen per product). */
static CepBackend *
vulkan_backend_new (const char *tile,
                    GError    **error)
{
  CepVulkanOptions options = { device, CEP_VULKAN_VALIDATION_NONE };
  CepBackend *backend;

  if (tile != NULL)
    g_setenv ("CEPSTRA_VULKAN_GEMM_TILE", tile, TRUE);
  backend = cep_backend_vulkan_new (&options, error);
  g_unsetenv ("CEPSTRA_VULKAN_GEMM_TILE");
  return backend;
}

static double
now_seconds (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int
compare_doubles (const void *a,
                 const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

typedef void (*BenchFunc) (gpointer data);

/* Median seconds of @n_runs calls after one warm-up call. */
static double
median_seconds (BenchFunc func,
                gpointer  data,
                guint     n_runs)
{
  g_autofree double *times = g_new (double, n_runs);

  func (data);
  for (guint i = 0; i < n_runs; i++)
    {
      double start = now_seconds ();
      func (data);
      times[i] = now_seconds () - start;
    }
  qsort (times, n_runs, sizeof (double), compare_doubles);
  return times[n_runs / 2];
}

/* Seeded values in [-1, 1), made once and grown as needed: every buffer of the benchmark is
 * filled from them, so the many products of --tiles do not each draw millions of numbers. */
static const float *
random_values (gsize n)
{
  static float *values;
  static gsize n_values;

  if (n > n_values)
    {
      g_autoptr (GRand) rand = g_rand_new_with_seed (1);
      values = g_renew (float, values, n);
      for (gsize i = 0; i < n; i++)
        values[i] = (float) g_rand_double_range (rand, -1.0, 1.0);
      n_values = n;
    }
  return values;
}

static CepBuffer *
random_buffer (CepBackend *backend,
               gsize       n,
               guint       seed)
{
  CepBuffer *buffer = cep_buffer_new (backend, n, NULL);

  /* Different operands start at different places of the values. */
  cep_buffer_upload (buffer, 0, random_values (n + seed) + seed, n);
  return buffer;
}

/* GEMM */

typedef struct
{
  CepBackend  *backend;
  CepTranspose ta, tb;
  guint        m, n, k;
  CepBuffer   *a, *b, *c;
} GemmBench;

static void
gemm_once (gpointer data)
{
  GemmBench *g = data;
  guint lda = g->ta == CEP_TRANS ? g->m : g->k, ldb = g->tb == CEP_TRANS ? g->k : g->n;

  cep_backend_gemm (g->backend, g->ta, g->tb, g->m, g->n, g->k, 1.0f, cep_view (g->a, 0), lda,
                    cep_view (g->b, 0), ldb, 0.0f, cep_view (g->c, 0), g->n);
  cep_backend_synchronize (g->backend);
}

/* Median seconds of one GEMM of that shape on @backend. */
static double
time_gemm (CepBackend  *backend,
           CepTranspose ta,
           CepTranspose tb,
           guint        m,
           guint        n,
           guint        k,
           guint        n_runs)
{
  GemmBench g = { backend, ta, tb, m, n, k };
  double seconds;

  g.a = random_buffer (backend, (gsize) m * k, 1);
  g.b = random_buffer (backend, (gsize) k * n, 2);
  g.c = cep_buffer_new (backend, (gsize) m * n, NULL);
  seconds = median_seconds (gemm_once, &g, n_runs);
  cep_buffer_free (g.a);
  cep_buffer_free (g.b);
  cep_buffer_free (g.c);
  return seconds;
}

static void
bench_seed (CepBackend *vulkan,
            CepBackend *blas)
{
  const guint m = 10000, k = 784, n = 10;
  double flops = 2.0 * m * k * n;

  printf ("\n1. Seed product {%u, %u} x {%u, %u}, median of %d\n", m, k, k, n, runs);
  for (guint i = 0; i < 2; i++)
    {
      CepBackend *backend = i == 0 ? vulkan : blas;
      if (backend == NULL)
        continue;
      double s = time_gemm (backend, CEP_NO_TRANS, CEP_NO_TRANS, m, n, k, runs);
      printf ("  %-7s %9.1f us  %7.2f GFLOP/s\n", cep_backend_get_name (backend), s * 1e6,
              flops / s * 1e-9);
      record ("{\"section\": \"seed\", \"backend\": \"%s\", \"microseconds\": %.2f}",
              cep_backend_get_name (backend), s * 1e6);
    }
}

/* The GEMM tile shapes --tiles compares (cep-vulkan-ops-gemm.c's names); NULL: automatic. */
static const char *const tile_names[] = {
  NULL, "gpu:medium", "vec4-128x128", "vec4-128x128-k16", "vec4-128x64", "vec4-64x128",
  "vec4-64x64", "vec4-128x256", "vec4-256x128",
};

/* The vulkan backends to measure GEMMs on: the automatic one, and with --tiles one per shape. */
typedef struct
{
  CepBackend *backends[G_N_ELEMENTS (tile_names)];
  guint       n;
} TileBackends;

static void
bench_gemm_layer (TileBackends *vulkan,
                  CepBackend   *blas,
                  const char   *preset,
                  guint         in,
                  guint         out,
                  guint         rows,
                  guint         n_runs)
{
  static const char *const names[] = { "Y = X.W^T", "dX = dY.W", "dW = dY^T.X" };
  double flops = 2.0 * rows * in * out;

  for (guint p = 0; p < 3; p++)
    {
      CepTranspose ta = p == 2 ? CEP_TRANS : CEP_NO_TRANS;
      CepTranspose tb = p == 0 ? CEP_TRANS : CEP_NO_TRANS;
      guint m = p == 2 ? out : rows, n = p == 1 ? in : (p == 0 ? out : in);
      guint k = p == 0 ? in : (p == 1 ? out : rows);
      double sb = blas != NULL ? time_gemm (blas, ta, tb, m, n, k, n_runs) : NAN;

      printf ("  %4u x %4u  %-12s blas %8.2f GFLOP/s  vulkan", in, out, names[p],
              flops / sb * 1e-9);
      for (guint t = 0; t < vulkan->n; t++)
        {
          if (vulkan->backends[t] == NULL)
            continue;
          double sv = time_gemm (vulkan->backends[t], ta, tb, m, n, k, n_runs);
          const char *tile = tile_names[t] != NULL ? tile_names[t] : "auto";
          printf (" %s %.1f", tile, flops / sv * 1e-9);
          record ("{\"section\": \"gemm\", \"preset\": \"%s\", \"batch\": %u, "
                  "\"shape\": \"%ux%u\", \"product\": \"%s\", \"tile\": \"%s\", "
                  "\"gflops\": %.2f}", preset, rows, in, out, names[p], tile,
                  flops / sv * 1e-9);
        }
      printf (" GFLOP/s\n");
    }
}

static void
bench_gemm_shapes (TileBackends *vulkan,
                   CepBackend   *blas,
                   const char   *preset,
                   guint         rows)
{
  g_autoptr (CepModelSpec) spec = cep_model_preset_new (preset, CEP_MODEL_DEFAULT_FEATURE_DIM,
                                                          CEP_MODEL_DEFAULT_CLASSES, NULL);
  guint in = cep_model_spec_get_input_dim (spec);
  guint n_runs = quick ? 3 : (guint) runs;

  printf ("\n2. GEMM on %s's Linear shapes, batch %u, median of %u\n", preset, rows, n_runs);
  for (guint b = 0; b <= cep_model_spec_get_n_blocks (spec); b++)
    {
      const CepBlock *block = cep_model_spec_get_block (spec, b);
      if (block->kind != CEP_BLOCK_LINEAR)
        continue;
      bench_gemm_layer (vulkan, blas, preset, in, block->width, rows, n_runs);
      in = block->width;
    }
}

/* Training throughput */

typedef struct
{
  CepNetwork   *network;
  const float  *inputs;
  const gint32 *labels;
  guint         rows;
  guint64       step;
} StepBench;

static void
train_once (gpointer data)
{
  StepBench *s = data;
  g_autoptr (GError) error = NULL;

  cep_network_train_step (s->network, s->inputs, s->labels, s->rows, ++s->step, 1e-4, NULL,
                          &error);
  if (error != NULL)
    g_error ("%s", error->message);
}

/* A network of @spec on @backend with random inputs and labels for @rows samples. */
static StepBench *
step_bench_new (CepBackend   *backend,
                CepModelSpec *spec,
                guint         rows)
{
  g_autoptr (GError) error = NULL;
  StepBench *s = g_new0 (StepBench, 1);
  guint dim = cep_model_spec_get_input_dim (spec);
  g_autoptr (GRand) rand = g_rand_new_with_seed (9);
  float *inputs = g_new (float, (gsize) rows * dim);
  gint32 *labels = g_new (gint32, rows);

  s->network = cep_network_new (spec, backend, rows, &error);
  if (s->network == NULL)
    g_error ("%s", error->message);
  cep_network_init_parameters (s->network, 1);
  for (gsize i = 0; i < (gsize) rows * dim; i++)
    inputs[i] = (float) g_rand_double_range (rand, -1.0, 1.0);
  for (guint i = 0; i < rows; i++)
    labels[i] = (gint32) g_rand_int_range (rand, 0, cep_model_spec_get_n_classes (spec));
  s->inputs = inputs;
  s->labels = labels;
  s->rows = rows;
  return s;
}

static void
step_bench_free (StepBench *s)
{
  cep_network_free (s->network);
  g_free ((float *) s->inputs);
  g_free ((gint32 *) s->labels);
  g_free (s);
}

static double
samples_per_second (CepBackend   *backend,
                    CepModelSpec *spec,
                    guint         rows,
                    guint         n_runs)
{
  StepBench *s = step_bench_new (backend, spec, rows);
  double seconds = median_seconds (train_once, s, n_runs);

  step_bench_free (s);
  return rows / seconds;
}

static void
bench_training (CepBackend *vulkan,
                CepBackend *blas,
                const char *preset,
                guint       rows,
                guint       n_runs)
{
  g_autoptr (CepModelSpec) spec = cep_model_preset_new (preset, CEP_MODEL_DEFAULT_FEATURE_DIM,
                                                          CEP_MODEL_DEFAULT_CLASSES, NULL);
  double flops = (double) cep_model_spec_count_train_gemm_flops (spec);

  printf ("\n3. Training %s (%.2f M parameters), batch %u, median of %u steps\n", preset,
          cep_model_spec_count_params (spec) / 1e6, rows, n_runs);
  for (guint i = 0; i < 2; i++)
    {
      CepBackend *backend = i == 0 ? vulkan : blas;
      if (backend == NULL)
        continue;
      double sps = samples_per_second (backend, spec, rows, n_runs);
      printf ("  %-7s %10.0f samples/s  (%.2f GFLOP/s in its GEMMs)\n",
              cep_backend_get_name (backend), sps, sps * flops * 1e-9);
      record ("{\"section\": \"train\", \"backend\": \"%s\", \"preset\": \"%s\", "
              "\"batch\": %u, \"samples_per_second\": %.1f, \"gflops\": %.2f}",
              cep_backend_get_name (backend), preset, rows, sps, sps * flops * 1e-9);
    }
}

/* Where a step goes */

static void
bench_profile (CepBackend *vulkan,
               const char *preset,
               guint       rows,
               guint       n_steps)
{
  g_autoptr (CepModelSpec) spec = cep_model_preset_new (preset, CEP_MODEL_DEFAULT_FEATURE_DIM,
                                                          CEP_MODEL_DEFAULT_CLASSES, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (GArray) items = NULL;
  StepBench *s = step_bench_new (vulkan, spec, rows);
  double device_seconds = 0, waits = 0, wall;

  /* Warm-up steps (pipelines, first-touch of memory) are not profiled. */
  train_once (s);
  train_once (s);
  cep_backend_synchronize (vulkan);
  if (!cep_backend_vulkan_set_profiling (vulkan, TRUE, &error))
    {
      printf ("\n4. No profile: %s\n", error->message);
      step_bench_free (s);
      return;
    }
  wall = now_seconds ();
  for (guint i = 0; i < n_steps; i++)
    train_once (s);
  cep_backend_synchronize (vulkan);
  wall = now_seconds () - wall;
  items = cep_backend_vulkan_get_profile (vulkan, &waits);
  cep_backend_vulkan_set_profiling (vulkan, FALSE, NULL);
  step_bench_free (s);
  n_steps--;   /* the per-step divisions below use n_steps + 1 */
  printf ("\n4. Where a %s step goes (batch %u, %u steps, per step)\n", preset, rows,
          n_steps + 1);
  for (guint i = 0; i < items->len; i++)
    {
      const CepVulkanProfileItem *item = &g_array_index (items, CepVulkanProfileItem, i);
      device_seconds += item->seconds;
      printf ("  %-26s %9.1f us  %6.1f per step\n", item->name,
              item->seconds / (n_steps + 1) * 1e6, (double) item->count / (n_steps + 1));
      record ("{\"section\": \"profile\", \"preset\": \"%s\", \"batch\": %u, "
              "\"name\": \"%s\", \"microseconds_per_step\": %.2f, "
              "\"commands_per_step\": %.1f}", preset, rows, item->name,
              item->seconds / (n_steps + 1) * 1e6, (double) item->count / (n_steps + 1));
    }
  printf ("  wall %.1f us, device %.1f us, host waiting %.1f us, host working %.1f us\n",
          wall / (n_steps + 1) * 1e6, device_seconds / (n_steps + 1) * 1e6,
          waits / (n_steps + 1) * 1e6, (wall - waits) / (n_steps + 1) * 1e6);
  record ("{\"section\": \"profile-total\", \"preset\": \"%s\", \"batch\": %u, "
          "\"wall_us\": %.2f, \"device_us\": %.2f, \"host_wait_us\": %.2f}", preset, rows,
          wall / (n_steps + 1) * 1e6, device_seconds / (n_steps + 1) * 1e6,
          waits / (n_steps + 1) * 1e6);
}

static void
bench_peak (CepBackend *vulkan)
{
  g_autoptr (GError) error = NULL;
  double peak = cep_backend_vulkan_measure_peak (vulkan, &error);

  if (error != NULL)
    {
      printf ("\n5. No peak: %s\n", error->message);
      return;
    }
  printf ("\n5. fp32 peak (independent multiply-adds): %.0f GFLOP/s\n", peak);
  record ("{\"section\": \"peak\", \"gflops\": %.1f}", peak);
}

static const GOptionEntry entries[] = {
  { "runs", 'r', 0, G_OPTION_ARG_INT, &runs, "Timed repetitions (median)", "N" },
  { "batch", 'b', 0, G_OPTION_ARG_INT, &batch, "Batch size of the training shapes", "B" },
  { "batches", 0, 0, G_OPTION_ARG_STRING, &batches, "Several batch sizes (comma-separated)",
    "B1,B2" },
  { "quick", 'q', 0, G_OPTION_ARG_NONE, &quick, "Smaller full-model runs (lavapipe)", NULL },
  { "tiles", 't', 0, G_OPTION_ARG_NONE, &sweep_tiles, "Measure every GEMM tile shape", NULL },
  { "profile", 'p', 0, G_OPTION_ARG_NONE, &profile, "Where a training step's time goes", NULL },
  { "json", 'j', 0, G_OPTION_ARG_FILENAME, &json_path, "Write every figure as JSON", "FILE" },
  { "device", 'd', 0, G_OPTION_ARG_STRING, &device, "Vulkan device (index or name)", "D" },
  { "no-blas", 0, 0, G_OPTION_ARG_NONE, &no_blas, "Skip the blas comparison", NULL },
  { NULL },
};

static void
bench_batch (TileBackends *tiles,
             CepBackend   *blas,
             guint         rows)
{
  CepBackend *vulkan = tiles->backends[0];
  guint full_rows = quick ? MIN (rows, 256) : rows;

  bench_gemm_shapes (tiles, blas, "tiny", rows);
  bench_gemm_shapes (tiles, blas, "full", full_rows);
  bench_training (vulkan, blas, "tiny", rows, (guint) runs);
  bench_training (vulkan, blas, "full", full_rows, quick ? 3 : (guint) runs);
  if (profile)
    {
      bench_profile (vulkan, "tiny", rows, (guint) runs);
      bench_profile (vulkan, "full", full_rows, quick ? 3 : (guint) runs);
    }
}

int
main (int    argc,
      char **argv)
{
  g_autoptr (GOptionContext) context = g_option_context_new ("- Vulkan backend timings");
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) batch_list = NULL;
  TileBackends tiles = { 0 };

  setvbuf (stdout, NULL, _IOLBF, 0);
  records = g_ptr_array_new_with_free_func (g_free);
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || runs < 1 || batch < 2)
    {
      fprintf (stderr, "%s\n", error != NULL ? error->message : "bad --runs or --batch");
      return 2;
    }
  tiles.backends[0] = vulkan_backend_new (NULL, &error);
  if (tiles.backends[0] == NULL)
    {
      printf ("no vulkan backend: %s\n", error->message);
      return 0;
    }
  for (tiles.n = 1; sweep_tiles && tiles.n < G_N_ELEMENTS (tile_names); tiles.n++)
    tiles.backends[tiles.n] = vulkan_backend_new (tile_names[tiles.n], NULL);
  g_autoptr (CepBackend) blas = no_blas ? NULL : cep_backend_new ("blas", NULL, NULL);
  CepBackend *vulkan = tiles.backends[0];
  printf ("%s\n%s\n", cep_backend_get_description (vulkan),
          blas != NULL ? cep_backend_get_description (blas) : "");
  record ("{\"section\": \"device\", \"name\": \"%s\", \"description\": \"%s\"}",
          cep_backend_get_device_name (vulkan), cep_backend_get_description (vulkan));
  bench_peak (vulkan);
  bench_seed (vulkan, blas);
  batch_list = g_strsplit (batches != NULL ? batches : "", ",", -1);
  if (batches == NULL)
    bench_batch (&tiles, blas, (guint) batch);
  for (guint i = 0; batch_list[i] != NULL; i++)
    bench_batch (&tiles, blas, (guint) MAX (g_ascii_strtoull (batch_list[i], NULL, 10), 2));
  if (json_path != NULL)
    write_records ();
  for (guint t = 0; t < tiles.n; t++)
    g_clear_pointer (&tiles.backends[t], cep_backend_free);
  g_ptr_array_unref (records);
  g_free (device);
  g_free (batches);
  g_free (json_path);
  return 0;
}
