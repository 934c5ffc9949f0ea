/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-curve-overlay.c: runs' curves as plot series: smoothed over faint raw ones, or grouped
 * into mean lines over min–max bands.
 */
#define G_LOG_DOMAIN "cepstra-analysis"

#include "cep-curve-overlay.h"
#include "cep-colormap.h"

#include <math.h>
#include <stdlib.h>

/* The raw curve under a smoothed one: there to see the noise, not to be read. */
#define FAINT_ALPHA  0.3
#define FAINT_WIDTH  1.0
#define LINE_WIDTH   1.5
#define MEAN_WIDTH   2.0

typedef struct
{
  guint    panel;
  GArray  *x;
  GArray  *y;
  GArray  *smooth;
  gboolean markers;
} RunCurve;

typedef struct
{
  char   *name;
  char   *group;
  guint   group_index;
  GArray *curves;     /* RunCurve */
} OverlayRun;

typedef struct
{
  char         *value;
  char         *label;
  guint         size;
  CepCurveBand *smooth[CEP_LINE_PLOT_MAX_PANELS];
  CepCurveBand *raw[CEP_LINE_PLOT_MAX_PANELS];   /* with smoothing on only */
  gboolean      markers[CEP_LINE_PLOT_MAX_PANELS];
} Group;

struct _CepCurveOverlay
{
  double     smoothing;
  GPtrArray *runs;      /* OverlayRun */
  GPtrArray *groups;    /* Group, made by get_series */
  GArray    *series;    /* CepLineSeries */
  gboolean   built;
};

static void
run_curve_clear (gpointer data)
{
  RunCurve *curve = data;

  g_array_unref (curve->x);
  g_array_unref (curve->y);
  g_array_unref (curve->smooth);
}

static void
overlay_run_free (gpointer data)
{
  OverlayRun *run = data;

  g_free (run->name);
  g_free (run->group);
  g_array_unref (run->curves);
  g_free (run);
}

static void
group_free (gpointer data)
{
  Group *group = data;

  g_free (group->value);
  g_free (group->label);
  for (guint p = 0; p < CEP_LINE_PLOT_MAX_PANELS; p++)
    {
      cep_curve_band_free (group->smooth[p]);
      cep_curve_band_free (group->raw[p]);
    }
  g_free (group);
}

CepCurveOverlay *
cep_curve_overlay_new (double smoothing)
{
  CepCurveOverlay *self = g_new0 (CepCurveOverlay, 1);

  self->smoothing = isfinite (smoothing) ? CLAMP (smoothing, 0.0, 0.999) : 0.0;
  self->runs = g_ptr_array_new_with_free_func (overlay_run_free);
  self->groups = g_ptr_array_new_with_free_func (group_free);
  self->series = g_array_new (FALSE, TRUE, sizeof (CepLineSeries));
  return self;
}

void
cep_curve_overlay_free (CepCurveOverlay *self)
{
  if (self == NULL)
    return;
  g_ptr_array_unref (self->runs);
  g_ptr_array_unref (self->groups);
  g_array_unref (self->series);
  g_free (self);
}

static gboolean
is_grouped (CepCurveOverlay *self)
{
  return self->runs->len > 0
         && ((OverlayRun *) g_ptr_array_index (self->runs, 0))->group != NULL;
}

guint
cep_curve_overlay_add_run (CepCurveOverlay *self,
                           const char      *name,
                           const char      *group)
{
  OverlayRun *run;

  g_return_val_if_fail (self != NULL && name != NULL, 0);
  g_return_val_if_fail (self->runs->len == 0 || is_grouped (self) == (group != NULL), 0);

  run = g_new0 (OverlayRun, 1);
  run->name = g_strdup (name);
  run->group = g_strdup (group);
  run->curves = g_array_new (FALSE, TRUE, sizeof (RunCurve));
  g_array_set_clear_func (run->curves, run_curve_clear);
  g_ptr_array_add (self->runs, run);
  self->built = FALSE;
  return self->runs->len - 1;
}

static GArray *
copy_doubles (const double *values,
              gsize         n)
{
  GArray *array = g_array_sized_new (FALSE, FALSE, sizeof (double), n);

  if (values != NULL)
    g_array_append_vals (array, values, n);
  else
    for (gsize i = 0; i < n; i++)
      g_array_append_val (array, (double) { i });
  return array;
}

void
cep_curve_overlay_add_curve (CepCurveOverlay *self,
                             guint            run,
                             guint            panel,
                             const double    *x,
                             const double    *y,
                             gsize            n,
                             gboolean         markers)
{
  RunCurve curve = { 0 };

  g_return_if_fail (self != NULL && run < self->runs->len);
  g_return_if_fail (panel < CEP_LINE_PLOT_MAX_PANELS && (n == 0 || y != NULL));

  curve.panel = panel;
  curve.markers = markers;
  curve.x = copy_doubles (x, n);
  curve.y = copy_doubles (y, n);
  curve.smooth = cep_curve_smooth_array (curve.y, self->smoothing);
  g_array_append_val (((OverlayRun *) g_ptr_array_index (self->runs, run))->curves, curve);
  self->built = FALSE;
}

/* ---- groups ---- */

static gboolean
parse_number (const char *text,
              double     *number)
{
  char *end = NULL;

  *number = g_ascii_strtod (text, &end);
  return end != text && *end == '\0';
}

static int
compare_groups (gconstpointer a,
                gconstpointer b,
                gpointer      numeric)
{
  const Group *x = *(Group * const *) a, *y = *(Group * const *) b;
  double u, v;

  if (GPOINTER_TO_INT (numeric) && parse_number (x->value, &u) && parse_number (y->value, &v))
    return u < v ? -1 : u > v ? 1 : 0;
  return g_utf8_collate (x->value, y->value);
}

static Group *
find_group (CepCurveOverlay *self,
            const char      *value,
            guint           *index)
{
  for (guint i = 0; i < self->groups->len; i++)
    if (g_str_equal (((Group *) g_ptr_array_index (self->groups, i))->value, value))
      {
        if (index != NULL)
          *index = i;
        return g_ptr_array_index (self->groups, i);
      }
  return NULL;
}

static void
collect_groups (CepCurveOverlay *self)
{
  gboolean numeric = TRUE;

  for (guint r = 0; r < self->runs->len; r++)
    {
      OverlayRun *run = g_ptr_array_index (self->runs, r);
      Group *group = find_group (self, run->group, NULL);
      double unused;

      if (group == NULL)
        {
          group = g_new0 (Group, 1);
          group->value = g_strdup (run->group);
          g_ptr_array_add (self->groups, group);
          numeric = numeric && parse_number (run->group, &unused);
        }
      group->size++;
    }
  g_ptr_array_sort_with_data (self->groups, compare_groups, GINT_TO_POINTER (numeric));
  for (guint r = 0; r < self->runs->len; r++)
    {
      OverlayRun *run = g_ptr_array_index (self->runs, r);

      find_group (self, run->group, &run->group_index);
    }
}

/* The band over the curves of group @g's runs in @panel, smoothed or raw; NULL without any. */
static CepCurveBand *
group_band (CepCurveOverlay *self,
            guint            g,
            guint            panel,
            gboolean         smoothed,
            gboolean        *markers)
{
  g_autoptr (GArray) refs = g_array_new (FALSE, FALSE, sizeof (CepCurveRef));

  for (guint r = 0; r < self->runs->len; r++)
    {
      OverlayRun *run = g_ptr_array_index (self->runs, r);

      for (guint c = 0; run->group_index == g && c < run->curves->len; c++)
        {
          RunCurve *curve = &g_array_index (run->curves, RunCurve, c);
          CepCurveRef ref = { (const double *) curve->x->data,
                              (const double *) (smoothed ? curve->smooth : curve->y)->data,
                              curve->y->len };

          if (curve->panel != panel)
            continue;
          g_array_append_val (refs, ref);
          *markers = *markers || curve->markers;
        }
    }
  if (refs->len == 0)
    return NULL;
  return cep_curve_band_new ((const CepCurveRef *) refs->data, refs->len,
                             CEP_CURVE_BAND_MAX_POINTS);
}

/* ---- series ---- */

static CepRgba
palette_color (guint  index,
               double alpha)
{
  CepRgba color = cep_palette_get_series_color (index);

  color.alpha = alpha;
  return color;
}

static void
push_series (CepCurveOverlay *self,
             const char      *name,
             guint            panel,
             CepRgba          color,
             const GArray    *x,
             const GArray    *y,
             double           width,
             gboolean         markers)
{
  CepLineSeries series = { 0 };

  series.name = name;
  series.panel = panel;
  series.color = color;
  series.x = (const double *) x->data;
  series.y = (const double *) y->data;
  series.n = y->len;
  series.line_width = width;
  series.markers = markers;
  g_array_append_val (self->series, series);
}

static void
build_runs (CepCurveOverlay *self)
{
  for (guint r = 0; r < self->runs->len; r++)
    {
      OverlayRun *run = g_ptr_array_index (self->runs, r);

      for (guint c = 0; c < run->curves->len; c++)
        {
          RunCurve *curve = &g_array_index (run->curves, RunCurve, c);

          if (self->smoothing > 0)
            push_series (self, NULL, curve->panel, palette_color (r, FAINT_ALPHA), curve->x,
                         curve->y, FAINT_WIDTH, FALSE);
          push_series (self, run->name, curve->panel, palette_color (r, 1.0), curve->x,
                       curve->smooth, LINE_WIDTH, curve->markers);
        }
    }
}

static void
build_group (CepCurveOverlay *self,
             guint            g)
{
  Group *group = g_ptr_array_index (self->groups, g);

  group->label = g_strdup_printf ("%s (n=%u)", group->value, group->size);
  for (guint p = 0; p < CEP_LINE_PLOT_MAX_PANELS; p++)
    {
      CepCurveBand *band = group_band (self, g, p, TRUE, &group->markers[p]);
      gboolean unused = FALSE;

      if (band == NULL)
        continue;
      group->smooth[p] = band;
      if (self->smoothing > 0)
        {
          group->raw[p] = group_band (self, g, p, FALSE, &unused);
          push_series (self, NULL, p, palette_color (g, FAINT_ALPHA), group->raw[p]->x,
                       group->raw[p]->mean, FAINT_WIDTH, FALSE);
        }
      push_series (self, group->label, p, palette_color (g, 1.0), band->x, band->mean,
                   MEAN_WIDTH, group->markers[p]);
      g_array_index (self->series, CepLineSeries, self->series->len - 1).band_low =
        (const double *) band->min->data;
      g_array_index (self->series, CepLineSeries, self->series->len - 1).band_high =
        (const double *) band->max->data;
    }
}

static void
build (CepCurveOverlay *self)
{
  g_array_set_size (self->series, 0);
  g_ptr_array_set_size (self->groups, 0);
  if (is_grouped (self))
    {
      collect_groups (self);
      for (guint g = 0; g < self->groups->len; g++)
        build_group (self, g);
    }
  else
    build_runs (self);
  self->built = TRUE;
}

const CepLineSeries *
cep_curve_overlay_get_series (CepCurveOverlay *self,
                              guint           *n_series)
{
  g_return_val_if_fail (self != NULL && n_series != NULL, NULL);

  if (!self->built)
    build (self);
  *n_series = self->series->len;
  return (const CepLineSeries *) self->series->data;
}

guint
cep_curve_overlay_get_n_groups (CepCurveOverlay *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->built ? self->groups->len : 0;
}

static Group *
get_group (CepCurveOverlay *self,
           guint            index)
{
  g_return_val_if_fail (self != NULL && self->built && index < self->groups->len, NULL);
  return g_ptr_array_index (self->groups, index);
}

const char *
cep_curve_overlay_get_group (CepCurveOverlay *self,
                             guint            index)
{
  Group *group = get_group (self, index);

  return group != NULL ? group->value : NULL;
}

guint
cep_curve_overlay_get_group_size (CepCurveOverlay *self,
                                  guint            index)
{
  Group *group = get_group (self, index);

  return group != NULL ? group->size : 0;
}

const CepCurveBand *
cep_curve_overlay_get_band (CepCurveOverlay *self,
                            guint            index,
                            guint            panel)
{
  Group *group = get_group (self, index);

  g_return_val_if_fail (panel < CEP_LINE_PLOT_MAX_PANELS, NULL);
  return group != NULL ? group->smooth[panel] : NULL;
}

CepRgba
cep_curve_overlay_get_run_color (CepCurveOverlay *self,
                                 guint            run)
{
  OverlayRun *overlay_run;

  g_return_val_if_fail (self != NULL && run < self->runs->len, palette_color (0, 1.0));

  overlay_run = g_ptr_array_index (self->runs, run);
  if (is_grouped (self))
    {
      if (!self->built)
        build (self);
      return palette_color (overlay_run->group_index, 1.0);
    }
  return palette_color (run, 1.0);
}
