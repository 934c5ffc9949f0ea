/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * bench-load.c: how fast a partition loads, against `cat` and against numpy.
 *
 * Generates (once, with the npy writer) a synthetic partition like HW1P2's dev set: 2000
 * utterances of 300..1500 frames, D = 28 float32 features, '<U5' transcripts with [SOS] and
 * [EOS]. Then, with a warm page cache, times `cat` of all its files to /dev/null, Cepstra's
 * load (CMVN and label mapping on) and bench-load-numpy.py, and measures the peak memory a
 * load adds (VmHWM growth in a fresh child process) against the frame store's size. Loads
 * are timed both repeated in one process and once in a fresh process each (on a VM that hands
 * freed memory back to its host, new memory costs much more than reused memory).
 *
 * A second I/O reference is a plain read loop (open, read into one reused 1 MiB buffer,
 * close), the floor for getting the bytes out of the page cache: `cat` can cost more than
 * that where the kernel makes its per-file buffer mapping expensive.
 *
 *   bench-load [--dir DIR] [--runs N] [--no-numpy] [--threads N]
 *
 * Wall times and CPU times (user + system, all threads) are both reported: on a machine
 * shared with other work, CPU time is the steadier of the two. Timings are printed, never
 * asserted.
 */
#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "cep-npy.h"
#include "cep-partition.h"
#include "cep-rng.h"

#define N_UTTERANCES 2000
#define DIM 28

static const char *const phonemes[] = {
  "[SIL]", "AA", "AE", "AH", "AO", "AW", "AY", "B", "CH", "D",
  "DH", "EH", "ER", "EY", "F", "G", "HH", "IH", "IY", "JH",
  "K", "L", "M", "N", "NG", "OW", "OY", "P", "R", "S",
  "SH", "T", "TH", "UH", "UW", "V", "W", "Y", "Z", "ZH",
};

typedef struct
{
  double wall;
  double cpu;
} Timing;

static void
die_on_error (GError *error)
{
  if (error == NULL)
    return;
  fprintf (stderr, "bench-load: %s\n", error->message);
  exit (1);
}

/* Feature values with per-coefficient offsets and spreads, labels in runs of 2..12 frames. */
static void
write_utterance (const char *partition,
                 guint       index,
                 CepRng     *rng)
{
  gsize n_frames = cep_rng_range (rng, 300, 1500);
  g_autofree float *values = g_new (float, n_frames * DIM);
  g_autofree const char **symbols = g_new (const char *, n_frames + 2);
  g_autofree char *file = g_strdup_printf ("%04u-%06u.npy", index / 100, index);
  g_autofree char *mfcc = g_build_filename (partition, "mfcc", file, NULL);
  g_autofree char *transcript = g_build_filename (partition, "transcript", file, NULL);
  gsize shape[2] = { n_frames, DIM };
  GError *error = NULL;

  for (gsize i = 0; i < n_frames * DIM; i++)
    values[i] = (float) (i % DIM) * 3.0f - 20.0f + 8.0f * cep_rng_uniform (rng);
  symbols[0] = "[SOS]";
  for (gsize t = 0; t < n_frames;)
    {
      const char *symbol = phonemes[cep_rng_range (rng, 0, 39)];
      for (guint run = cep_rng_range (rng, 2, 12); run > 0 && t < n_frames; run--)
        symbols[1 + t++] = symbol;
    }
  symbols[n_frames + 1] = "[EOS]";
  cep_npy_write_float32 (mfcc, values, 2, shape, &error);
  die_on_error (error);
  cep_npy_write_strings (transcript, symbols, n_frames + 2, &error);
  die_on_error (error);
}

static void
generate (const char *partition)
{
  g_autofree char *mfcc = g_build_filename (partition, "mfcc", NULL);
  g_autofree char *transcript = g_build_filename (partition, "transcript", NULL);
  g_autofree char *done = g_build_filename (partition, "complete", NULL);
  CepRng rng;

  if (g_file_test (done, G_FILE_TEST_EXISTS))
    return;
  fprintf (stderr, "generating %d utterances in %s ...\n", N_UTTERANCES, partition);
  g_mkdir_with_parents (mfcc, 0755);
  g_mkdir_with_parents (transcript, 0755);
  cep_rng_init (&rng, 2024, CEP_RNG_STREAM_DEMO, 0, 0);
  for (guint i = 0; i < N_UTTERANCES; i++)
    write_utterance (partition, i, &rng);
  g_file_set_contents (done, "", 0, NULL);
}

static GPtrArray *
list_files (const char *partition)
{
  GPtrArray *argv = g_ptr_array_new_with_free_func (g_free);
  const char *folders[] = { "mfcc", "transcript" };

  g_ptr_array_add (argv, g_strdup ("cat"));
  for (guint f = 0; f < G_N_ELEMENTS (folders); f++)
    {
      g_autofree char *dir_path = g_build_filename (partition, folders[f], NULL);
      g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
      const char *name;
      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        g_ptr_array_add (argv, g_build_filename (dir_path, name, NULL));
    }
  g_ptr_array_add (argv, NULL);
  return argv;
}

static int
compare_doubles (const void *a,
                 const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

static double
median (double *values,
        guint   n)
{
  qsort (values, n, sizeof *values, compare_doubles);
  return n % 2 ? values[n / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2]);
}

/* Medians of wall and CPU time, each taken separately. */
static Timing
median_timing (const Timing *timings,
               guint         n)
{
  g_autofree double *wall = g_new (double, n);
  g_autofree double *cpu = g_new (double, n);

  for (guint i = 0; i < n; i++)
    {
      wall[i] = timings[i].wall;
      cpu[i] = timings[i].cpu;
    }
  return (Timing) { median (wall, n), median (cpu, n) };
}

static double
cpu_seconds (int who)
{
  struct rusage usage;

  getrusage (who, &usage);
  return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec
         + (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

/* Starts a measurement of this process (RUSAGE_SELF) or of waited-for children. */
static Timing
timing_start (int who)
{
  return (Timing) { g_get_monotonic_time () / 1e6, cpu_seconds (who) };
}

static Timing
timing_stop (Timing start,
             int    who)
{
  return (Timing) { g_get_monotonic_time () / 1e6 - start.wall, cpu_seconds (who) - start.cpu };
}

static Timing
time_cat (GPtrArray *argv)
{
  GError *error = NULL;
  Timing start = timing_start (RUSAGE_CHILDREN);
  int status;

  g_spawn_sync (NULL, (char **) argv->pdata, NULL,
                G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, NULL,
                &status, &error);
  die_on_error (error);
  return timing_stop (start, RUSAGE_CHILDREN);
}

/* open/read/close every file through one reused buffer. */
static Timing
time_read_loop (GPtrArray *argv)
{
  g_autofree char *buffer = g_malloc (1 << 20);
  Timing start = timing_start (RUSAGE_SELF);

  for (guint i = 1; i + 1 < argv->len; i++)
    {
      int fd = open (g_ptr_array_index (argv, i), O_RDONLY);
      if (fd < 0)
        die_on_error (g_error_new (G_FILE_ERROR, g_file_error_from_errno (errno), "%s: %s",
                                   (char *) g_ptr_array_index (argv, i), g_strerror (errno)));
      while (read (fd, buffer, 1 << 20) > 0)
        ;
      close (fd);
    }
  return timing_stop (start, RUSAGE_SELF);
}

static CepPartition *
load (const char *partition)
{
  CepLoadOptions options;
  GError *error = NULL;
  CepPartition *result;

  cep_load_options_init (&options);
  result = cep_partition_load (partition, &options, NULL, NULL, NULL, &error);
  die_on_error (error);
  return result;
}

static Timing
time_load (const char *partition)
{
  Timing start = timing_start (RUSAGE_SELF);
  CepPartition *result = load (partition);
  Timing spent = timing_stop (start, RUSAGE_SELF);

  g_object_unref (result);
  return spent;
}

static gsize
read_vm_hwm_kib (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL)
      || (line = strstr (status, "VmHWM:")) == NULL)
    return 0;
  return (gsize) g_ascii_strtoull (line + 6, NULL, 10);
}

/* Child mode: one load in a fresh process; prints the store's size, the peak RSS growth, the
 * frame count and the load's wall and CPU time. */
static int
measure_fresh_load (const char *partition)
{
  gsize before = read_vm_hwm_kib ();
  Timing start = timing_start (RUSAGE_SELF);
  CepPartition *result = load (partition);
  Timing spent = timing_stop (start, RUSAGE_SELF);
  gsize after = read_vm_hwm_kib ();
  gsize store = cep_partition_get_store_size (result);

  printf ("%" G_GSIZE_FORMAT " %" G_GSIZE_FORMAT " %" G_GSIZE_FORMAT " %.6f %.6f\n", store,
          (after - before) * 1024, cep_partition_get_n_frames (result), spent.wall, spent.cpu);
  g_object_unref (result);
  return 0;
}

typedef struct
{
  Timing  timing;
  guint64 store;
  guint64 growth;
  guint64 frames;
} FreshLoad;

static FreshLoad
run_fresh_load (const char *self_path,
                const char *partition)
{
  const char *argv[] = { self_path, "--fresh-child", partition, NULL };
  FreshLoad result = { { -1, -1 }, 0, 0, 0 };
  g_autofree char *output = NULL;
  GError *error = NULL;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &output, NULL, NULL,
                &error);
  die_on_error (error);
  if (sscanf (output, "%" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT " %lf %lf",
              &result.store, &result.growth, &result.frames, &result.timing.wall,
              &result.timing.cpu) != 5)
    result.timing.wall = result.timing.cpu = -1;
  return result;
}

/* numpy in a fresh interpreter, one timed load (imports and start-up not timed). */
static Timing
run_fresh_numpy (const char *partition)
{
  g_autofree char *script = g_build_filename (CEP_BENCH_SOURCE_DIR, "bench-load-numpy.py", NULL);
  const char *argv[] = { "/usr/bin/python3", script, partition, "--runs", "1", NULL };
  Timing result = { -1, -1 };
  g_autofree char *output = NULL;
  const char *line;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &output, NULL,
                     NULL, NULL))
    return result;
  if ((line = strstr (output, "numpy median: ")) != NULL)
    result.wall = g_ascii_strtod (line + 14, NULL);
  if ((line = strstr (output, "numpy median cpu: ")) != NULL)
    result.cpu = g_ascii_strtod (line + 18, NULL);
  return result;
}

/* The numpy baseline as a server process: loaded once untimed, then one timed load per
 * request, so its runs interleave with the others and, like them, run warm. */
static GSubprocess *
numpy_start (const char *partition)
{
  g_autofree char *script = g_build_filename (CEP_BENCH_SOURCE_DIR, "bench-load-numpy.py", NULL);
  GError *error = NULL;
  GSubprocess *process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE
                                           | G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                                           "/usr/bin/python3", script, partition, "--serve",
                                           NULL);
  if (process == NULL)
    {
      fprintf (stderr, "numpy baseline not run: %s\n", error->message);
      g_error_free (error);
    }
  return process;
}

static Timing
numpy_run (GSubprocess *process)
{
  g_autoptr(GDataInputStream) answers = NULL;
  Timing result = { -1, -1 };
  g_autofree char *line = NULL;
  GError *error = NULL;

  if (process == NULL)
    return result;
  answers = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  g_filter_input_stream_set_close_base_stream (G_FILTER_INPUT_STREAM (answers), FALSE);
  g_output_stream_write_all (g_subprocess_get_stdin_pipe (process), "run\n", 4, NULL, NULL,
                             &error);
  die_on_error (error);
  /* The data stream reads ahead no further than the line: one answer per request. */
  g_buffered_input_stream_set_buffer_size (G_BUFFERED_INPUT_STREAM (answers), 64);
  line = g_data_input_stream_read_line (answers, NULL, NULL, &error);
  die_on_error (error);
  if (line != NULL && sscanf (line, "%lf %lf", &result.wall, &result.cpu) != 2)
    result.wall = result.cpu = -1;
  return result;
}

static void
numpy_stop (GSubprocess *process)
{
  if (process == NULL)
    return;
  g_output_stream_close (g_subprocess_get_stdin_pipe (process), NULL, NULL);
  g_subprocess_wait (process, NULL, NULL);
  g_object_unref (process);
}

static void
print_comparison (const char *what,
                  Timing      loading,
                  Timing      cat,
                  Timing      reading,
                  Timing      numpy)
{
  printf ("%s\n", what);
  printf ("  load:  %.4f s / %.4f s   (wall: %.2fx cat, target <= 2x; %.2fx the read loop)\n",
          loading.wall, loading.cpu, loading.wall / cat.wall, loading.wall / reading.wall);
  if (numpy.wall > 0)
    printf ("  numpy: %.4f s / %.4f s   (load is %.2fx faster in wall time, target >= 4x; "
            "%.2fx in cpu)\n", numpy.wall, numpy.cpu, numpy.wall / loading.wall,
            numpy.cpu / loading.cpu);
}

static void
print_memory (const FreshLoad *fresh,
              guint            runs)
{
  g_autofree double *ratios = g_new (double, runs);

  for (guint i = 0; i < runs; i++)
    ratios[i] = (double) fresh[i].growth / (double) MAX (fresh[i].store, 1);
  printf ("frames: %" G_GUINT64_FORMAT ", store (frames x D x 4 + padding): %.1f MB\n",
          fresh[0].frames, fresh[0].store / 1e6);
  printf ("peak RSS growth of one load / store: median %.3f (fresh process, VmHWM)\n",
          median (ratios, runs));
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *dir = NULL;
  gint runs = 7;
  gboolean no_numpy = FALSE;
  g_autofree char *fresh_child = NULL;
  GOptionEntry entries[] = {
    { "dir", 0, 0, G_OPTION_ARG_FILENAME, &dir, "Where to generate (and keep) the data", "DIR" },
    { "runs", 0, 0, G_OPTION_ARG_INT, &runs, "Timed runs of each (default 7)", "N" },
    { "no-numpy", 0, 0, G_OPTION_ARG_NONE, &no_numpy, "Skip the numpy baseline", NULL },
    { "fresh-child", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_FILENAME, &fresh_child, NULL, NULL },
    { NULL },
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- partition loading benchmark");
  GError *error = NULL;

  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_parse (context, &argc, &argv, &error);
  die_on_error (error);
  if (fresh_child != NULL)
    return measure_fresh_load (fresh_child);
  runs = CLAMP (runs, 1, 1000);

  gboolean temporary = dir == NULL;
  if (temporary)
    dir = g_dir_make_tmp ("cep-bench-load-XXXXXX", &error);
  die_on_error (error);
  g_autofree char *partition = g_build_filename (dir, "dev-clean", NULL);
  generate (partition);

  g_autoptr(GPtrArray) cat_argv = list_files (partition);
  g_autofree Timing *cat_times = g_new (Timing, runs);
  g_autofree Timing *read_times = g_new (Timing, runs);
  g_autofree Timing *load_times = g_new (Timing, runs);
  g_autofree Timing *numpy_times = g_new (Timing, runs);
  g_autofree FreshLoad *fresh_loads = g_new (FreshLoad, runs);
  g_autofree Timing *fresh_load_times = g_new (Timing, runs);
  g_autofree Timing *fresh_numpy_times = g_new (Timing, runs);

  /* Warm the page cache (and the allocator) before timing anything. Runs of all kinds are
   * interleaved so a change in the machine's load hits them alike. "Warm process": repeated
   * loads in one process (numpy through a --serve process); "fresh process": one load per
   * new process, what a command-line run does, where all memory is new. */
  GSubprocess *numpy_process = no_numpy ? NULL : numpy_start (partition);
  time_cat (cat_argv);
  time_load (partition);
  for (gint i = 0; i < runs; i++)
    {
      cat_times[i] = time_cat (cat_argv);
      read_times[i] = time_read_loop (cat_argv);
      load_times[i] = time_load (partition);
      numpy_times[i] = numpy_run (numpy_process);
      fresh_loads[i] = run_fresh_load (argv[0], partition);
      fresh_load_times[i] = fresh_loads[i].timing;
      fresh_numpy_times[i] = no_numpy ? (Timing) { -1, -1 } : run_fresh_numpy (partition);
    }
  numpy_stop (numpy_process);

  Timing cat = median_timing (cat_times, runs), reading = median_timing (read_times, runs);
  printf ("files: %u, threads available: %u, medians of %d runs (wall / cpu)\n",
          cat_argv->len - 2, g_get_num_processors (), runs);
  printf ("  cat:       %.4f s / %.4f s\n", cat.wall, cat.cpu);
  printf ("  read loop: %.4f s / %.4f s   (open, read into one reused buffer, close)\n",
          reading.wall, reading.cpu);
  print_comparison ("warm process:", median_timing (load_times, runs), cat, reading,
                    median_timing (numpy_times, runs));
  print_comparison ("fresh process:", median_timing (fresh_load_times, runs), cat, reading,
                    median_timing (fresh_numpy_times, runs));
  print_memory (fresh_loads, runs);
  if (temporary)
    {
      g_autofree char *command = g_strdup_printf ("rm -rf '%s'", dir);
      if (system (command) != 0)
        fprintf (stderr, "could not remove %s\n", dir);
    }
  return 0;
}
