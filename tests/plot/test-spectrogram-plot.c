/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * test-spectrogram-plot.c: matrix orientation and colours, the visible window, masks (tint
 * and zeroing, exactly on their frames and coefficients), label tracks and hover lookup.
 */
#include <math.h>

#include "cep-label-track.h"
#include "cep-plot-test-util.h"
#include "cep-spectrogram-plot.h"

#define N_FRAMES 120
#define N_COEFFICIENTS 13
#define WIDTH 900
#define HEIGHT 420

static const char * const names[] = { "[SIL]", "AA", "B", "CH" };

typedef struct
{
  float              values[N_FRAMES * N_COEFFICIENTS];
  guint8             labels[N_FRAMES];
  guint8             predicted[N_FRAMES];
  CepSpectrogramPlot plot;
} Fixture;

static void
draw_plot (cairo_t *cr,
           double   width,
           double   height,
           gpointer plot)
{
  cep_spectrogram_plot_draw (plot, cr, width, height);
}

/* Values that identify their cell: frame f, coefficient c -> a distinct level. */
static float
cell_level (guint frame,
            guint coefficient)
{
  return (float) ((frame * 7 + coefficient * 13) % 61) - 30.0f;
}

static void
fixture_init (Fixture *fixture)
{
  for (guint f = 0; f < N_FRAMES; f++)
    {
      for (guint c = 0; c < N_COEFFICIENTS; c++)
        fixture->values[f * N_COEFFICIENTS + c] = cell_level (f, c);
      /* Silence, then AA, B, CH segments of 20 frames, silence again. */
      fixture->labels[f] = f < 20 || f >= 80 ? 0 : 1 + (f - 20) / 20;
      fixture->predicted[f] = fixture->labels[f];
    }
  for (guint f = 50; f < 55; f++)
    fixture->predicted[f] = 3;
  cep_spectrogram_plot_init (&fixture->plot);
  fixture->plot.values = fixture->values;
  fixture->plot.n_frames = N_FRAMES;
  fixture->plot.n_coefficients = N_COEFFICIENTS;
  fixture->plot.title = "Test utterance";
  fixture->plot.colorbar_label = "value";
}

static void
compute_layout (const CepSpectrogramPlot *plot,
                CepSpectrogramLayout     *layout)
{
  cairo_t *cr = cep_test_scratch_context ();

  cep_spectrogram_plot_compute_layout (plot, cr, WIDTH, HEIGHT, layout);
  cairo_destroy (cr);
}

/* Centre of cell (frame, coefficient) in figure coordinates. */
static void
cell_center (const CepSpectrogramLayout *layout,
             guint                       frame,
             guint                       coefficient,
             double                     *x,
             double                     *y)
{
  double frame_width = layout->matrix.width / layout->n_visible;
  double row_height = layout->matrix.height / N_COEFFICIENTS;

  *x = layout->matrix.x + (frame - layout->first_frame + 0.5) * frame_width;
  *y = layout->matrix.y + layout->matrix.height - (coefficient + 0.5) * row_height;
}

static guint32
cell_pixel (cairo_surface_t            *image,
            const CepSpectrogramLayout *layout,
            guint                       frame,
            guint                       coefficient)
{
  double x, y;

  cell_center (layout, frame, coefficient, &x, &y);
  return cep_test_pixel_at (image, x, y);
}

static guint32
expected_color (const CepSpectrogramLayout *layout,
                double                      value)
{
  return cep_colormap_get_argb (layout->scale.colormap,
                                cep_color_scale_position (&layout->scale, value));
}

/* Frames run left to right, coefficient 0 at the bottom, colours from the symmetric scale. */
static void
test_orientation_and_colors (void)
{
  Fixture fixture;
  CepSpectrogramLayout layout;
  cairo_surface_t *image;

  fixture_init (&fixture);
  compute_layout (&fixture.plot, &layout);
  g_assert_cmpfloat (layout.scale.min, ==, -30.0);
  g_assert_cmpfloat (layout.scale.max, ==, 30.0);
  g_assert_cmpuint (layout.n_visible, ==, N_FRAMES);
  image = cep_test_render (WIDTH, HEIGHT, draw_plot, &fixture.plot);
  cep_test_keep_image (image, "spectrogram-plain.png");
  for (guint f = 0; f < N_FRAMES; f++)
    for (guint c = 0; c < N_COEFFICIENTS; c++)
      cep_test_assert_rgb (cell_pixel (image, &layout, f, c),
                           expected_color (&layout, cell_level (f, c)), 0);
  cairo_surface_destroy (image);

  fixture.plot.scaling = CEP_SPECTROGRAM_SCALE_MIN_MAX;
  fixture.values[0] = 40.0f;
  compute_layout (&fixture.plot, &layout);
  g_assert_cmpfloat (layout.scale.min, ==, -30.0);
  g_assert_cmpfloat (layout.scale.max, ==, 40.0);
}

/* A window shows frames [first, first + n) across the full width, same colours as before. */
static void
test_window (void)
{
  Fixture fixture;
  CepSpectrogramLayout full, zoomed;
  cairo_surface_t *image;
  guint frame, coefficient;
  double x, y;

  fixture_init (&fixture);
  compute_layout (&fixture.plot, &full);
  fixture.plot.first_frame = 30;
  fixture.plot.n_visible = 25;
  compute_layout (&fixture.plot, &zoomed);
  g_assert_cmpuint (zoomed.first_frame, ==, 30);
  g_assert_cmpuint (zoomed.n_visible, ==, 25);
  g_assert_cmpfloat (zoomed.scale.max, ==, full.scale.max);
  image = cep_test_render (WIDTH, HEIGHT, draw_plot, &fixture.plot);
  cep_test_keep_image (image, "spectrogram-window.png");
  for (guint f = 30; f < 55; f++)
    for (guint c = 0; c < N_COEFFICIENTS; c++)
      cep_test_assert_rgb (cell_pixel (image, &zoomed, f, c),
                           expected_color (&zoomed, cell_level (f, c)), 0);
  cell_center (&zoomed, 42, 5, &x, &y);
  g_assert_true (cep_spectrogram_layout_locate (&zoomed, &fixture.plot, x, y, &frame,
                                                &coefficient));
  g_assert_cmpuint (frame, ==, 42);
  g_assert_cmpuint (coefficient, ==, 5);
  cairo_surface_destroy (image);

  /* A window past the end is clipped to the data. */
  fixture.plot.first_frame = 110;
  fixture.plot.n_visible = 50;
  compute_layout (&fixture.plot, &zoomed);
  g_assert_cmpuint (zoomed.first_frame, ==, 110);
  g_assert_cmpuint (zoomed.n_visible, ==, 10);
}

static const CepSpectrogramMask test_masks[] = {
  { .kind = CEP_SPECTROGRAM_MASK_TIME, .start = 40, .width = 6 },
  { .kind = CEP_SPECTROGRAM_MASK_FREQUENCY, .start = 3, .width = 4, .frame_start = 70,
    .n_frames = 21 },
};

static gboolean
in_test_mask (guint frame,
              guint coefficient)
{
  return (frame >= 40 && frame < 46)
         || (coefficient >= 3 && coefficient < 7 && frame >= 70 && frame < 91);
}

/* Translucent bands veil exactly the masked cells and nothing else: lighter on a sequential
 * map, darker on a diverging one (whose centre is already light). */
static void
check_mask_veil (CepColormap colormap,
                 gboolean    lighter)
{
  Fixture fixture;
  CepSpectrogramLayout layout;
  cairo_surface_t *plain, *masked;

  fixture_init (&fixture);
  fixture.plot.colormap = colormap;
  compute_layout (&fixture.plot, &layout);
  plain = cep_test_render (WIDTH, HEIGHT, draw_plot, &fixture.plot);
  fixture.plot.masks = test_masks;
  fixture.plot.n_masks = G_N_ELEMENTS (test_masks);
  masked = cep_test_render (WIDTH, HEIGHT, draw_plot, &fixture.plot);
  cep_test_keep_image (masked, lighter ? "spectrogram-masks.png" : "spectrogram-masks-dark.png");
  for (guint f = 0; f < N_FRAMES; f++)
    for (guint c = 0; c < N_COEFFICIENTS; c++)
      {
        guint before = cep_test_brightness (cell_pixel (plain, &layout, f, c));
        guint after = cep_test_brightness (cell_pixel (masked, &layout, f, c));

        g_assert_true (cep_spectrogram_plot_is_masked (&fixture.plot, f, c) == in_test_mask (f, c));
        /* A veil of alpha a moves brightness a of the way to white or black (a = 0.55 and
         * 0.45); demand most of that. */
        if (in_test_mask (f, c) && lighter)
          g_assert_cmpfloat (after, >=, before + 0.45 * (765 - before));
        else if (in_test_mask (f, c))
          g_assert_cmpfloat (after, <=, before - 0.35 * before);
        else
          cep_test_assert_rgb (cell_pixel (masked, &layout, f, c),
                               cell_pixel (plain, &layout, f, c), 0);
      }
  cairo_surface_destroy (plain);
  cairo_surface_destroy (masked);
}

static void
test_mask_veil (void)
{
  check_mask_veil (CEP_COLORMAP_VIRIDIS, TRUE);
  check_mask_veil (CEP_COLORMAP_MAGMA, TRUE);
  check_mask_veil (CEP_COLORMAP_COOLWARM, FALSE);
}

/* "As the model sees it": masked cells show the colour of 0, the others are untouched. */
static void
test_mask_zeroed (void)
{
  Fixture fixture;
  CepSpectrogramLayout layout;
  cairo_surface_t *image;

  fixture_init (&fixture);
  fixture.plot.masks = test_masks;
  fixture.plot.n_masks = G_N_ELEMENTS (test_masks);
  fixture.plot.zero_masked = TRUE;
  compute_layout (&fixture.plot, &layout);
  image = cep_test_render (WIDTH, HEIGHT, draw_plot, &fixture.plot);
  cep_test_keep_image (image, "spectrogram-zeroed.png");
  for (guint f = 0; f < N_FRAMES; f++)
    for (guint c = 0; c < N_COEFFICIENTS; c++)
      {
        double value = in_test_mask (f, c) ? 0.0 : cell_level (f, c);

        cep_test_assert_rgb (cell_pixel (image, &layout, f, c), expected_color (&layout, value), 0);
      }
  cairo_surface_destroy (image);
}

/* The label track shows each frame's class colour beneath its column; the prediction track
 * marks the frames that differ with a red strip. */
static void
test_label_tracks (void)
{
  Fixture fixture;
  CepSpectrogramLayout layout;
  cairo_surface_t *image;
  const CepPlotStyle *style = cep_plot_style_get_default ();

  fixture_init (&fixture);
  fixture.plot.labels = fixture.labels;
  fixture.plot.predicted = fixture.predicted;
  fixture.plot.label_names = names;
  fixture.plot.n_label_names = G_N_ELEMENTS (names);
  compute_layout (&fixture.plot, &layout);
  g_assert_cmpfloat (layout.labels.height, >, 8);
  g_assert_cmpfloat (layout.labels.y, >=, layout.matrix.y + layout.matrix.height);
  g_assert_cmpfloat (layout.predicted.y, >=, layout.labels.y + layout.labels.height);
  image = cep_test_render (WIDTH, HEIGHT, draw_plot, &fixture.plot);
  cep_test_keep_image (image, "spectrogram-tracks.png");
  for (guint f = 0; f < N_FRAMES; f++)
    {
      double x, y;
      CepRgba expected = cep_label_track_color (style, fixture.labels[f]);
      guint32 strip;

      /* Near the track's top edge: away from the printed names. */
      cell_center (&layout, f, 0, &x, &y);
      cep_test_assert_rgb (cep_test_pixel_at (image, x, layout.labels.y + 1),
                           cep_rgba_to_argb (&expected), 0);
      strip = cep_test_pixel_at (image, x, layout.predicted.y + layout.predicted.height - 1);
      if (f >= 50 && f < 55)
        cep_test_assert_rgb (strip, 0xffe01b24, 0);
      else
        g_assert_cmpuint (cep_test_rgb_distance (strip, 0xffe01b24), >, 30);
    }
  cairo_surface_destroy (image);
}

static void
test_locate (void)
{
  Fixture fixture;
  CepSpectrogramLayout layout;
  guint frame, coefficient;

  fixture_init (&fixture);
  fixture.plot.labels = fixture.labels;
  compute_layout (&fixture.plot, &layout);
  for (guint f = 0; f < N_FRAMES; f += 7)
    for (guint c = 0; c < N_COEFFICIENTS; c++)
      {
        double x, y;

        cell_center (&layout, f, c, &x, &y);
        g_assert_true (cep_spectrogram_layout_locate (&layout, &fixture.plot, x, y, &frame,
                                                      &coefficient));
        g_assert_cmpuint (frame, ==, f);
        g_assert_cmpuint (coefficient, ==, c);
        /* Over the label track: the frame, and no coefficient. */
        g_assert_true (cep_spectrogram_layout_locate (&layout, &fixture.plot, x,
                                                      layout.labels.y + 2, &frame,
                                                      &coefficient));
        g_assert_cmpuint (frame, ==, f);
        g_assert_cmpuint (coefficient, ==, G_MAXUINT);
      }
  g_assert_false (cep_spectrogram_layout_locate (&layout, &fixture.plot, 1, 1, &frame, NULL));
}

/* More frames than pixels: columns are averaged, not skipped. Alternating extremes must come
 * out as the middle of the map rather than as either end. */
static void
test_downscale_averages (void)
{
  guint n = 4000;
  g_autofree float *values = g_new (float, n);
  CepSpectrogramPlot plot;
  CepSpectrogramLayout layout;
  cairo_surface_t *image;

  for (guint f = 0; f < n; f++)
    values[f] = f % 2 == 0 ? -1.0f : 1.0f;
  cep_spectrogram_plot_init (&plot);
  plot.values = values;
  plot.n_frames = n;
  plot.n_coefficients = 1;
  plot.colormap = CEP_COLORMAP_COOLWARM;
  compute_layout (&plot, &layout);
  g_assert_cmpfloat (layout.matrix.width, <, n / 4);
  image = cep_test_render (WIDTH, HEIGHT, draw_plot, &plot);
  for (double x = layout.matrix.x + 2; x < layout.matrix.x + layout.matrix.width - 2; x += 5)
    {
      guint32 pixel = cep_test_pixel_at (image, x, layout.matrix.y + layout.matrix.height / 2);

      guint32 low = cep_colormap_get_argb (plot.colormap, 0.0);
      guint32 high = cep_colormap_get_argb (plot.colormap, 1.0);

      g_assert_cmpuint (cep_test_rgb_distance (pixel, low), >, 60);
      g_assert_cmpuint (cep_test_rgb_distance (pixel, high), >, 60);
    }
  cairo_surface_destroy (image);
}

/* A cached image, built once for all frames, serves any window. */
static void
test_cached_image (void)
{
  Fixture fixture;
  cairo_surface_t *direct, *cached;

  fixture_init (&fixture);
  fixture.plot.first_frame = 17;
  fixture.plot.n_visible = 60;
  direct = cep_test_render (WIDTH, HEIGHT, draw_plot, &fixture.plot);
  fixture.plot.image = cep_spectrogram_plot_create_image (&fixture.plot);
  g_assert_cmpint (cairo_image_surface_get_width (fixture.plot.image), ==, N_FRAMES);
  g_assert_cmpint (cairo_image_surface_get_height (fixture.plot.image), ==, N_COEFFICIENTS);
  cached = cep_test_render (WIDTH, HEIGHT, draw_plot, &fixture.plot);
  for (int y = 0; y < HEIGHT; y += 2)
    for (int x = 0; x < WIDTH; x += 2)
      g_assert_cmphex (cep_test_pixel (direct, x, y), ==, cep_test_pixel (cached, x, y));
  cairo_surface_destroy (fixture.plot.image);
  cairo_surface_destroy (direct);
  cairo_surface_destroy (cached);
}

/* Past cairo's image size (32767 frames): no cached image, yet windows and the whole
 * utterance still draw, with the right colours. */
static void
test_long_utterance (void)
{
  guint n = 40000, dim = 2;
  g_autofree float *values = g_new (float, n * dim);
  CepSpectrogramPlot plot;
  CepSpectrogramLayout layout;
  cairo_surface_t *image;

  for (guint f = 0; f < n; f++)
    for (guint c = 0; c < dim; c++)
      values[f * dim + c] = cell_level (f, c);
  cep_spectrogram_plot_init (&plot);
  plot.values = values;
  plot.n_frames = n;
  plot.n_coefficients = dim;
  g_assert_null (cep_spectrogram_plot_create_image (&plot));
  image = cep_test_render (WIDTH, HEIGHT, draw_plot, &plot);
  cairo_surface_destroy (image);
  plot.first_frame = 30000;
  plot.n_visible = 100;
  compute_layout (&plot, &layout);
  image = cep_test_render (WIDTH, HEIGHT, draw_plot, &plot);
  for (guint f = 30000; f < 30100; f++)
    for (guint c = 0; c < dim; c++)
      {
        double x = layout.matrix.x + (f - 30000 + 0.5) * layout.matrix.width / 100;
        double y = layout.matrix.y + layout.matrix.height - (c + 0.5) * layout.matrix.height / dim;

        cep_test_assert_rgb (cep_test_pixel_at (image, x, y),
                             expected_color (&layout, cell_level (f, c)), 0);
      }
  cairo_surface_destroy (image);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/plot/spectrogram/orientation-and-colors", test_orientation_and_colors);
  g_test_add_func ("/plot/spectrogram/window", test_window);
  g_test_add_func ("/plot/spectrogram/mask-veil", test_mask_veil);
  g_test_add_func ("/plot/spectrogram/mask-zeroed", test_mask_zeroed);
  g_test_add_func ("/plot/spectrogram/label-tracks", test_label_tracks);
  g_test_add_func ("/plot/spectrogram/locate", test_locate);
  g_test_add_func ("/plot/spectrogram/downscale-averages", test_downscale_averages);
  g_test_add_func ("/plot/spectrogram/cached-image", test_cached_image);
  g_test_add_func ("/plot/spectrogram/long-utterance", test_long_utterance);

  return g_test_run ();
}
