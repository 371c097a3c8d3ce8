"""Colour arithmetic for the palette tests: sRGB → CIELAB, CIEDE2000, CVD simulation.

Pure Python, no dependencies, checked against published data in
tests/paint/test_note_palette.py:

- CIEDE2000 exactly as in G. Sharma, W. Wu and E. N. Dalal, "The CIEDE2000
  color-difference formula: implementation notes, supplementary test data, and
  mathematical observations", Color Research & Application 30(1), 2005
  (equations 1–22; kL = kC = kH = 1), verified on the paper's 34 test pairs.
- Colour-vision deficiency: G. M. Machado, M. M. Oliveira and L. A. F.
  Fernandes, "A physiologically-based model for simulation of color vision
  deficiency", IEEE TVCG 15(6), 2009 — the severity-1.0 matrices (dichromacy),
  applied to *linear* RGB (decode the sRGB curve, multiply, clip, encode).
- Contrast ratio: WCAG 2.x relative luminance, (L1 + 0.05) / (L2 + 0.05).
"""

from __future__ import annotations

import math

Lab = tuple[float, float, float]
RGB = tuple[float, float, float]

#: Machado, Oliveira & Fernandes (2009), severity 1.0, linear RGB rows.
MACHADO_1_0: dict[str, tuple[RGB, RGB, RGB]] = {
    "protanopia": ((0.152286, 1.052583, -0.204868),
                   (0.114503, 0.786281, 0.099216),
                   (-0.003882, -0.048116, 1.051998)),
    "deuteranopia": ((0.367322, 0.860646, -0.227968),
                     (0.280085, 0.672501, 0.047413),
                     (-0.011820, 0.042940, 0.968881)),
    "tritanopia": ((1.255528, -0.076749, -0.178779),
                   (-0.078411, 0.930809, 0.147602),
                   (0.004733, 0.691367, 0.303900)),
}


def hex_rgb(spec: str) -> RGB:
    s = spec.strip().lstrip("#")
    return (int(s[0:2], 16) / 255, int(s[2:4], 16) / 255, int(s[4:6], 16) / 255)


def to_linear(c: float) -> float:
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def from_linear(c: float) -> float:
    c = min(1.0, max(0.0, c))
    return 12.92 * c if c <= 0.0031308 else 1.055 * c ** (1 / 2.4) - 0.055


def simulate(rgb: RGB, kind: str) -> RGB:
    """How `rgb` (sRGB, 0..1) looks to a dichromat of `kind`, or itself for "normal"."""
    if kind == "normal":
        return rgb
    m = MACHADO_1_0[kind]
    lin = [to_linear(c) for c in rgb]
    return tuple(from_linear(sum(m[i][j] * lin[j] for j in range(3))) for i in range(3))


def rgb_lab(rgb: RGB) -> Lab:
    """sRGB (D65) → CIE 1976 L*a*b* (D65 white)."""
    r, g, b = (to_linear(c) for c in rgb)
    x = 0.4124564 * r + 0.3575761 * g + 0.1804375 * b
    y = 0.2126729 * r + 0.7151522 * g + 0.0721750 * b
    z = 0.0193339 * r + 0.1191920 * g + 0.9503041 * b
    xn, yn, zn = 0.95047, 1.0, 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > (6 / 29) ** 3 else t / (3 * (6 / 29) ** 2) + 4 / 29

    fx, fy, fz = f(x / xn), f(y / yn), f(z / zn)
    return (116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz))


def ciede2000(lab1: Lab, lab2: Lab) -> float:
    """ΔE00 (Sharma, Wu & Dalal 2005), kL = kC = kH = 1."""
    L1, a1, b1 = lab1
    L2, a2, b2 = lab2
    c_bar = (math.hypot(a1, b1) + math.hypot(a2, b2)) / 2
    g = 0.5 * (1 - math.sqrt(c_bar ** 7 / (c_bar ** 7 + 25 ** 7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1p, c2p = math.hypot(a1p, b1), math.hypot(a2p, b2)
    h1p = math.degrees(math.atan2(b1, a1p)) % 360 if c1p else 0.0
    h2p = math.degrees(math.atan2(b2, a2p)) % 360 if c2p else 0.0
    dLp = L2 - L1
    dCp = c2p - c1p
    if c1p * c2p == 0:
        dhp = 0.0
    elif abs(h2p - h1p) <= 180:
        dhp = h2p - h1p
    elif h2p - h1p > 180:
        dhp = h2p - h1p - 360
    else:
        dhp = h2p - h1p + 360
    dHp = 2 * math.sqrt(c1p * c2p) * math.sin(math.radians(dhp / 2))
    Lbp = (L1 + L2) / 2
    Cbp = (c1p + c2p) / 2
    if c1p * c2p == 0:
        hbp = h1p + h2p
    elif abs(h1p - h2p) <= 180:
        hbp = (h1p + h2p) / 2
    elif h1p + h2p < 360:
        hbp = (h1p + h2p + 360) / 2
    else:
        hbp = (h1p + h2p - 360) / 2
    t = (1 - 0.17 * math.cos(math.radians(hbp - 30)) + 0.24 * math.cos(math.radians(2 * hbp))
         + 0.32 * math.cos(math.radians(3 * hbp + 6))
         - 0.20 * math.cos(math.radians(4 * hbp - 63)))
    d_theta = 30 * math.exp(-(((hbp - 275) / 25) ** 2))
    rc = 2 * math.sqrt(Cbp ** 7 / (Cbp ** 7 + 25 ** 7))
    sl = 1 + 0.015 * (Lbp - 50) ** 2 / math.sqrt(20 + (Lbp - 50) ** 2)
    sc = 1 + 0.045 * Cbp
    sh = 1 + 0.015 * Cbp * t
    rt = -math.sin(math.radians(2 * d_theta)) * rc
    return math.sqrt((dLp / sl) ** 2 + (dCp / sc) ** 2 + (dHp / sh) ** 2
                     + rt * (dCp / sc) * (dHp / sh))


def delta_e(hex1: str, hex2: str, vision: str = "normal") -> float:
    """ΔE00 between two sRGB colours as seen with `vision`."""
    return ciede2000(rgb_lab(simulate(hex_rgb(hex1), vision)),
                     rgb_lab(simulate(hex_rgb(hex2), vision)))


def relative_luminance(rgb: RGB) -> float:
    r, g, b = (to_linear(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(hex1: str, hex2: str) -> float:
    la, lb = sorted((relative_luminance(hex_rgb(hex1)), relative_luminance(hex_rgb(hex2))),
                    reverse=True)
    return (la + 0.05) / (lb + 0.05)
