/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-cli-progress.c: the terminal progress line.
 */
#define G_LOG_DOMAIN "cepstra-cli"

#include "cep-cli-progress.h"
#include "cep-cli-format.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <unistd.h>

#define REDRAW_INTERVAL_US (G_USEC_PER_SEC / 10)

struct _CepCliProgress
{
  GMutex   lock;
  char    *label;
  char    *unit;
  gint64   started_us;
  gint64   drawn_us;
  gboolean enabled;
  gboolean drawn;
};

CepCliProgress *
cep_cli_progress_new (const char *label,
                      const char *unit)
{
  CepCliProgress *self = g_new0 (CepCliProgress, 1);

  g_mutex_init (&self->lock);
  self->label = g_strdup (label);
  self->unit = g_strdup (unit);
  self->started_us = g_get_monotonic_time ();
  self->enabled = isatty (STDERR_FILENO) && g_getenv ("CEPSTRA_NO_PROGRESS") == NULL;
  return self;
}

static void
format_duration (double seconds,
                 char   buffer[32])
{
  guint total = seconds > 0 ? (guint) (seconds + 0.5) : 0;

  if (total >= 3600)
    g_snprintf (buffer, 32, "%u:%02u:%02u", total / 3600, total / 60 % 60, total % 60);
  else
    g_snprintf (buffer, 32, "%u:%02u", total / 60, total % 60);
}

static void
draw (CepCliProgress *self,
      gsize           done,
      gsize           total,
      gint64          now_us)
{
  double elapsed = (now_us - self->started_us) / (double) G_USEC_PER_SEC;
  double rate = elapsed > 0 ? done / elapsed : 0;
  char eta[32] = "--:--";
  g_autofree char *done_text = cep_cli_format_count (done);
  g_autofree char *total_text = cep_cli_format_count (total);

  if (rate > 0 && total >= done)
    format_duration ((total - done) / rate, eta);
  fputs ("\r\033[K", stderr);
  /* Translators: "train: 1,200/5,000 frames (24%), 310.5 frames/s, ETA 0:12"; the second and
   * fifth %s are the unit (a plural noun), the last the time left. */
  fprintf (stderr, _("%s: %s/%s %s (%.0f%%), %.1f %s/s, ETA %s"),
           self->label, done_text, total_text, self->unit,
           total > 0 ? 100.0 * done / total : 100.0, rate, self->unit, eta);
  fflush (stderr);
  self->drawn = TRUE;
  self->drawn_us = now_us;
}

void
cep_cli_progress_update (CepCliProgress *self,
                         gsize           done,
                         gsize           total)
{
  gint64 now_us;

  if (self == NULL || !self->enabled)
    return;
  now_us = g_get_monotonic_time ();
  g_mutex_lock (&self->lock);
  if (now_us - self->drawn_us >= REDRAW_INTERVAL_US || done == total)
    draw (self, done, total, now_us);
  g_mutex_unlock (&self->lock);
}

void
cep_cli_progress_func (gsize    done,
                       gsize    total,
                       gpointer user_data)
{
  cep_cli_progress_update (user_data, done, total);
}

void
cep_cli_progress_free (CepCliProgress *self)
{
  if (self == NULL)
    return;
  if (self->drawn)
    {
      fprintf (stderr, "\r\033[K");
      fflush (stderr);
    }
  g_mutex_clear (&self->lock);
  g_free (self->label);
  g_free (self->unit);
  g_free (self);
}
