#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# gen-colormaps.py: writes cep-colormap-tables.c, the 256-entry colormap tables and the
# categorical palette of the plot tier. Pure Python (no matplotlib needed); run it again only
# when a table should change:
#
#   /usr/bin/python3 core/plot/gen-colormaps.py > core/plot/cep-colormap-tables.c
#
# - viridis and magma: the published degree-6 polynomial fits of matplotlib's perceptual maps
#   by Matt Zucker ("Polynomial fits of matplotlib colormaps", shadertoy WlfXRN, CC0), which
#   stay within a few 1/255 steps of the originals (6 at worst, at the ends).
# - coolwarm: Kenneth Moreland's diverging map ("Diverging Color Maps for Scientific
#   Visualization", 2009), computed here from its two end colours by interpolating in his Msh
#   space (a polar form of CIELAB) through a neutral white midpoint.
# - categorical: hues spaced by the golden angle in CIELCh at alternating lightness, so that
#   neighbouring class ids get clearly different colours; chroma is reduced until the colour
#   fits into sRGB.

import math
import sys

VIRIDIS = [
  (0.2777273272234177, 0.005407344544966578, 0.3340998053353061),
  (0.1050930431085774, 1.404613529898575, 1.384590162594685),
  (-0.3308618287255563, 0.214847559468213, 0.09509516302823659),
  (-4.634230498983486, -5.799100973351585, -19.33244095627987),
  (6.228269936347081, 14.17993336680509, 56.69055260068105),
  (4.776384997670288, -13.74514537774601, -65.35303263337234),
  (-5.435455855934631, 4.645852612178535, 26.3124352495832),
]

MAGMA = [
  (-0.002136485053939582, -0.000749655052795221, -0.005386127855323933),
  (0.2516605407371642, 0.6775232436837668, 2.494026599312351),
  (8.353717279216625, -3.577719514958484, 0.3144679030132573),
  (-27.66873308576866, 14.26473078096533, -13.64921318813922),
  (52.17613981234068, -27.94360607168351, 12.94416944238394),
  (-50.76852536473588, 29.04658282127291, 4.23415299384598),
  (18.65570506591883, -11.48977351997711, -5.601961508734096),
]

COOLWARM_LOW = (59, 76, 192)
COOLWARM_HIGH = (180, 4, 38)

N_CATEGORICAL = 48  # CEP_PALETTE_SIZE in cep-colormap-private.h
GOLDEN_ANGLE = 137.50776405003785
CATEGORICAL_LIGHTNESS = (68.0, 52.0, 80.0)
CATEGORICAL_CHROMA = 48.0

WHITE_D65 = (0.95047, 1.0, 1.08883)


def clamp01(v):
  return min(1.0, max(0.0, v))


def to_byte(v):
  return int(round(clamp01(v) * 255.0))


def polynomial(coefficients, t):
  rgb = [0.0, 0.0, 0.0]
  for c in reversed(coefficients):
    rgb = [rgb[i] * t + c[i] for i in range(3)]
  return rgb


def polynomial_table(coefficients):
  return [[to_byte(v) for v in polynomial(coefficients, i / 255.0)] for i in range(256)]


def srgb_to_linear(c):
  return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def linear_to_srgb(c):
  return 12.92 * c if c <= 0.0031308 else 1.055 * c ** (1.0 / 2.4) - 0.055


def lab_f(t):
  return t ** (1.0 / 3.0) if t > 216.0 / 24389.0 else (24389.0 / 27.0 * t + 16.0) / 116.0


def lab_f_inverse(t):
  return t ** 3 if t ** 3 > 216.0 / 24389.0 else (116.0 * t - 16.0) * 27.0 / 24389.0


def rgb_to_lab(rgb):
  r, g, b = (srgb_to_linear(c) for c in rgb)
  x = 0.4124564 * r + 0.3575761 * g + 0.1804375 * b
  y = 0.2126729 * r + 0.7151522 * g + 0.0721750 * b
  z = 0.0193339 * r + 0.1191920 * g + 0.9503041 * b
  fx, fy, fz = (lab_f(v / w) for v, w in zip((x, y, z), WHITE_D65))
  return (116.0 * fy - 16.0, 500.0 * (fx - fy), 200.0 * (fy - fz))


def lab_to_linear_rgb(lab):
  l, a, b = lab
  fy = (l + 16.0) / 116.0
  fx = fy + a / 500.0
  fz = fy - b / 200.0
  x, y, z = (lab_f_inverse(f) * w for f, w in zip((fx, fy, fz), WHITE_D65))
  return (3.2404542 * x - 1.5371385 * y - 0.4985314 * z,
          -0.9692660 * x + 1.8760108 * y + 0.0415560 * z,
          0.0556434 * x - 0.2040259 * y + 1.0572252 * z)


def lab_to_rgb(lab):
  return [linear_to_srgb(c) for c in lab_to_linear_rgb(lab)]


def lab_to_msh(lab):
  l, a, b = lab
  m = math.sqrt(l * l + a * a + b * b)
  return (m, math.acos(l / m), math.atan2(b, a))


def msh_to_lab(msh):
  m, s, h = msh
  return (m * math.cos(s), m * math.sin(s) * math.cos(h), m * math.sin(s) * math.sin(h))


def hue_towards_unsaturated(saturated, m_unsaturated):
  # Moreland's hue spin: keeps the perceived hue when a saturated colour fades to grey.
  m, s, h = saturated
  if m >= m_unsaturated:
    return h
  spin = s * math.sqrt(m_unsaturated ** 2 - m ** 2) / (m * math.sin(s))
  return h + spin if h > -math.pi / 3.0 else h - spin


def msh_mix(a, b, t):
  a = list(a)
  b = list(b)
  if a[1] < 0.05 < b[1]:
    a[2] = hue_towards_unsaturated(b, a[0])
  elif b[1] < 0.05 < a[1]:
    b[2] = hue_towards_unsaturated(a, b[0])
  return tuple((1.0 - t) * x + t * y for x, y in zip(a, b))


def diverging_colour(low, high, t):
  m_mid = max(low[0], high[0], 88.0)
  white = (m_mid, 0.0, 0.0)
  if t < 0.5:
    return msh_mix(low, white, 2.0 * t)
  return msh_mix(white, high, 2.0 * t - 1.0)


def coolwarm_table():
  low = lab_to_msh(rgb_to_lab([c / 255.0 for c in COOLWARM_LOW]))
  high = lab_to_msh(rgb_to_lab([c / 255.0 for c in COOLWARM_HIGH]))
  table = []
  for i in range(256):
    lab = msh_to_lab(diverging_colour(low, high, i / 255.0))
    table.append([to_byte(v) for v in lab_to_rgb(lab)])
  return table


def in_gamut(linear_rgb):
  return all(-1e-6 <= c <= 1.0 + 1e-6 for c in linear_rgb)


def lch_to_rgb_in_gamut(l, c, h):
  while c > 0.0:
    lab = (l, c * math.cos(h), c * math.sin(h))
    if in_gamut(lab_to_linear_rgb(lab)):
      return lab_to_rgb(lab)
    c -= 0.5
  return lab_to_rgb((l, 0.0, 0.0))


def categorical_table():
  table = []
  for i in range(N_CATEGORICAL):
    hue = math.radians((20.0 + i * GOLDEN_ANGLE) % 360.0)
    lightness = CATEGORICAL_LIGHTNESS[i % len(CATEGORICAL_LIGHTNESS)]
    table.append([to_byte(v) for v in lch_to_rgb_in_gamut(lightness, CATEGORICAL_CHROMA, hue)])
  return table


def emit_table(out, name, size, table):
  out.write("const guint8 %s[%s][3] = {\n" % (name, size))
  for i in range(0, len(table), 4):
    row = " ".join("{ %3d, %3d, %3d }," % tuple(rgb) for rgb in table[i:i + 4])
    out.write("  %s\n" % row)
  out.write("};\n")


def main():
  out = sys.stdout
  out.write("/* SPDX-License-Identifier: GPL-3.0-or-later\n"
            " *\n"
            " * cep-colormap-tables.c: GENERATED by gen-colormaps.py; do not edit by hand.\n"
            " * sRGB bytes: viridis and magma from published polynomial fits, coolwarm from\n"
            " * Moreland's Msh interpolation, a golden-angle categorical palette.\n"
            " */\n"
            "#include \"cep-colormap-private.h\"\n\n")
  emit_table(out, "cep_colormap_viridis_table", "256", polynomial_table(VIRIDIS))
  out.write("\n")
  emit_table(out, "cep_colormap_magma_table", "256", polynomial_table(MAGMA))
  out.write("\n")
  emit_table(out, "cep_colormap_coolwarm_table", "256", coolwarm_table())
  out.write("\n")
  emit_table(out, "cep_colormap_categorical_table", "CEP_PALETTE_SIZE", categorical_table())


if __name__ == "__main__":
  main()
