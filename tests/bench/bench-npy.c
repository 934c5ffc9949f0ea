/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * bench-npy.c: how fast the .npy reader loads a dataset's worth of small files.
 *
 * Generates N_FILES (default 2000) feature files like an HW1P2 partition (float32, T uniform
 * in 300..1500 frames, D = 28) and as many '<U5' transcripts, then times, warm cache, median of
 * REPEATS runs: read() of every file into a buffer (the floor), cep_npy_open +
 * cep_npy_read_float32 into one preallocated store (what the dataset loader does),
 * cep_npy_read_info alone (the loader's sizing pass), open + read_strings of the transcripts,
 * and `cat` of the feature files to /dev/null (the yardstick).
 *
 * Usage: bench-npy [N_FILES [REPEATS]]. Not a test: it never fails on timing.
 */
#include "cep-npy.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FEATURE_DIM 28

typedef struct
{
  GPtrArray *features;      /* paths */
  GPtrArray *transcripts;   /* paths */
  gsize     *offsets;       /* float offset of each feature file in the store */
  gsize      n_floats;
  gsize      feature_bytes;
  gsize      largest_file;
  float     *store;
  guint8    *buffer;
} Bench;

static void
write_files (Bench      *bench,
             const char *dir,
             guint       n_files)
{
  GRand *rand = g_rand_new_with_seed (11785);
  const char *phones[] = { "AA", "SH", "IY", "[SIL]", "NG" };

  bench->offsets = g_new (gsize, n_files + 1);
  bench->offsets[0] = 0;
  for (guint i = 0; i < n_files; i++)
    {
      gsize shape[2] = { (gsize) g_rand_int_range (rand, 300, 1501), FEATURE_DIM };
      g_autofree float *frames = g_new (float, shape[0] * FEATURE_DIM);
      g_autofree const char **labels = g_new (const char *, shape[0]);
      char *path = g_strdup_printf ("%s/mfcc-%04u.npy", dir, i);
      char *transcript_path = g_strdup_printf ("%s/transcript-%04u.npy", dir, i);

      for (gsize k = 0; k < shape[0] * FEATURE_DIM; k++)
        frames[k] = (float) g_rand_double_range (rand, -20, 20);
      for (gsize k = 0; k < shape[0]; k++)
        labels[k] = phones[k % G_N_ELEMENTS (phones)];
      if (!cep_npy_write_float32 (path, frames, 2, shape, NULL)
          || !cep_npy_write_strings (transcript_path, labels, shape[0], NULL))
        g_error ("could not write %s", path);
      g_ptr_array_add (bench->features, path);
      g_ptr_array_add (bench->transcripts, transcript_path);
      bench->offsets[i + 1] = bench->offsets[i] + shape[0] * FEATURE_DIM;
      bench->feature_bytes += 128 + shape[0] * FEATURE_DIM * sizeof (float);
      bench->largest_file = MAX (bench->largest_file, 128 + shape[0] * FEATURE_DIM * 4);
    }
  bench->n_floats = bench->offsets[n_files];
  g_rand_free (rand);
}

/* The floor: open, read() until EOF, close. */
static void
run_read (Bench *bench)
{
  for (guint i = 0; i < bench->features->len; i++)
    {
      int fd = open (g_ptr_array_index (bench->features, i), O_RDONLY | O_CLOEXEC);
      guint8 *dest = (guint8 *) (bench->store + bench->offsets[i]);
      gssize n;

      g_assert (fd >= 0);
      /* Into the store, like the loader. The 128 header bytes spill into the next slot (the
       * store has room after the last one), which does not matter for timing. */
      while ((n = read (fd, dest, bench->largest_file)) > 0)
        dest += n;
      close (fd);
    }
}

static void
run_npy (Bench *bench)
{
  for (guint i = 0; i < bench->features->len; i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (CepNpy) npy = cep_npy_open (g_ptr_array_index (bench->features, i), &error);

      if (npy == NULL || !cep_npy_read_float32 (npy, bench->store + bench->offsets[i], &error))
        g_error ("%s", error->message);
    }
}

static void
run_info (Bench *bench)
{
  for (guint i = 0; i < bench->features->len; i++)
    {
      g_autoptr (GError) error = NULL;
      CepNpyInfo info;

      if (!cep_npy_read_info (g_ptr_array_index (bench->features, i), &info, &error))
        g_error ("%s", error->message);
    }
}

static void
run_read_transcripts (Bench *bench)
{
  for (guint i = 0; i < bench->transcripts->len; i++)
    {
      int fd = open (g_ptr_array_index (bench->transcripts, i), O_RDONLY | O_CLOEXEC);

      g_assert (fd >= 0);
      while (read (fd, bench->buffer, bench->largest_file) > 0)
        ;
      close (fd);
    }
}

static void
run_strings (Bench *bench)
{
  for (guint i = 0; i < bench->transcripts->len; i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (CepNpy) npy = cep_npy_open (g_ptr_array_index (bench->transcripts, i), &error);
      g_auto (GStrv) strings = npy != NULL ? cep_npy_read_strings (npy, &error) : NULL;

      if (strings == NULL)
        g_error ("%s", error->message);
    }
}

static char *cat_command;

static void
run_cat (Bench *bench)
{
  int status;

  if (!g_spawn_command_line_sync (cat_command, NULL, NULL, &status, NULL)
      || !g_spawn_check_wait_status (status, NULL))
    g_error ("%s failed", cat_command);
}

static int
compare_doubles (const void *a,
                 const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

/* Median wall time of @repeats runs, after one warm-up run. */
static double
time_median (Bench  *bench,
             void  (*run) (Bench *),
             guint   repeats)
{
  g_autofree double *times = g_new (double, repeats);
  double median;

  run (bench);
  for (guint r = 0; r < repeats; r++)
    {
      gint64 start = g_get_monotonic_time ();
      run (bench);
      times[r] = (double) (g_get_monotonic_time () - start) / G_USEC_PER_SEC;
    }
  qsort (times, repeats, sizeof (double), compare_doubles);
  median = times[repeats / 2];
  return median;
}

static void
remove_files (GPtrArray *paths)
{
  for (guint i = 0; i < paths->len; i++)
    g_unlink (g_ptr_array_index (paths, i));
}

int
main (int   argc,
      char *argv[])
{
  guint n_files = argc > 1 ? (guint) g_ascii_strtoull (argv[1], NULL, 10) : 2000;
  guint repeats = argc > 2 ? (guint) g_ascii_strtoull (argv[2], NULL, 10) : 9;
  g_autofree char *dir = g_dir_make_tmp ("cep-bench-npy-XXXXXX", NULL);
  Bench bench = { g_ptr_array_new_with_free_func (g_free),
                  g_ptr_array_new_with_free_func (g_free) };
  double t_read, t_npy, t_info, t_read_u, t_strings, t_cat;

  if (n_files == 0 || repeats == 0)
    g_error ("usage: bench-npy [N_FILES [REPEATS]]");
  write_files (&bench, dir, n_files);
  /* Touched once, so page faults of a fresh allocation count in neither timing. */
  bench.store = g_new0 (float, bench.n_floats + 1024);
  bench.buffer = g_malloc0 (bench.largest_file);
  cat_command = g_strdup_printf ("sh -c 'cat %s/mfcc-*.npy > /dev/null'", dir);

  t_read = time_median (&bench, run_read, repeats);
  t_npy = time_median (&bench, run_npy, repeats);
  t_info = time_median (&bench, run_info, repeats);
  t_read_u = time_median (&bench, run_read_transcripts, repeats);
  t_strings = time_median (&bench, run_strings, repeats);
  t_cat = time_median (&bench, run_cat, repeats);

  g_print ("%u feature files (float32, T in 300..1500, D = %d), %.1f MB; median of %u runs\n",
           n_files, FEATURE_DIM, bench.feature_bytes / 1e6, repeats);
  g_print ("  read() into the store             %8.4f s  %6.2f GB/s\n",
           t_read, bench.feature_bytes / t_read / 1e9);
  g_print ("  cep_npy_open + read_float32       %8.4f s  %6.2f x read()\n",
           t_npy, t_npy / t_read);
  g_print ("  cep_npy_read_info (header only)   %8.4f s  %6.2f us/file\n",
           t_info, t_info / n_files * 1e6);
  g_print ("  cat > /dev/null (whole process)   %8.4f s  open+read_float32 = %.2f x cat\n",
           t_cat, t_npy / t_cat);
  g_print ("%u '<U5' transcripts\n", n_files);
  g_print ("  read() into a buffer              %8.4f s\n", t_read_u);
  g_print ("  cep_npy_open + read_strings       %8.4f s  %6.2f us/file\n",
           t_strings, t_strings / n_files * 1e6);

  remove_files (bench.features);
  remove_files (bench.transcripts);
  g_rmdir (dir);
  g_ptr_array_unref (bench.features);
  g_ptr_array_unref (bench.transcripts);
  g_free (bench.offsets);
  g_free (bench.store);
  g_free (bench.buffer);
  g_free (cat_command);
  return 0;
}
