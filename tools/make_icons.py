"""Draw the app icons (static/icons/*.png) with ImageMagick: a calm green tile, a white note bubble.

Run from the repository root: python tools/make_icons.py. The PNGs are committed; this
script is only needed to change them.
"""
import os
import subprocess

GREEN = "#2f6f5e"
OUT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "static", "icons")


def bubble(size, scale):
    """ImageMagick draw arguments for a speech bubble with three lines, centred, scale of size."""
    s = size * scale / 100.0
    ox = (size - s) / 2
    oy = (size - s) / 2

    def p(x, y):
        return f"{ox + x * s:.1f},{oy + y * s:.1f}"

    white = [
        "-fill", "#ffffff", "-stroke", "none",
        "-draw", f"roundrectangle {p(0.0, 0.05)} {p(1.0, 0.78)} {s * 0.16:.1f},{s * 0.16:.1f}",
        "-draw", f"polygon {p(0.22, 0.74)} {p(0.22, 0.98)} {p(0.46, 0.74)}",
    ]
    lines = ["-fill", GREEN]
    for y, right in ((0.22, 0.80), (0.38, 0.80), (0.54, 0.58)):
        lines += ["-draw", f"roundrectangle {p(0.18, y)} {p(right, y + 0.08)} {s * 0.04:.1f},{s * 0.04:.1f}"]
    return white + lines


def make(name, size, maskable):
    """Write one icon: a rounded tile for 'any', a full-bleed square for 'maskable'."""
    if maskable:
        # Maskable icons are cropped to a circle of 80%: keep the mark well inside it.
        base = ["-size", f"{size}x{size}", f"xc:{GREEN}"]
        mark = bubble(size, 52)
    else:
        r = size * 0.2
        base = ["-size", f"{size}x{size}", "xc:none", "-fill", GREEN,
                "-draw", f"roundrectangle 0,0 {size - 1},{size - 1} {r:.0f},{r:.0f}"]
        mark = bubble(size, 62)
    target = os.path.join(OUT, name)
    subprocess.run(["convert", *base, *mark, "-strip", "-colors", "24",
                    "PNG8:" + target], check=True)
    print(target, os.path.getsize(target), "bytes")


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    make("icon-192.png", 192, maskable=False)
    make("icon-512.png", 512, maskable=False)
    make("icon-maskable-512.png", 512, maskable=True)
