"""Draw the social-sharing image and the logo used in Open Graph and JSON-LD.

Run once when the brand changes: python scripts/make_brand_images.py
The PNGs are committed under theme/static/images/.
"""

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

OUT = Path(__file__).resolve().parent.parent / "theme" / "static" / "images"
GREEN, DARK, WHITE = (11, 92, 74), (7, 61, 49), (255, 255, 255)
SERIF = "/usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf"
SANS = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def _font(path, size):
    try:
        return ImageFont.truetype(path, size)
    except OSError:
        return ImageFont.load_default(size)


def logo(size=512, background=WHITE):
    image = Image.new("RGB", (size, size), background)
    draw = ImageDraw.Draw(image)
    draw.ellipse((16, 16, size - 16, size - 16), fill=GREEN)
    draw.text((size / 2, size / 2), "N", font=_font(SERIF, int(size * 0.55)), fill=WHITE,
              anchor="mm")
    return image


def social(width=1200, height=630):
    image = Image.new("RGB", (width, height), DARK)
    draw = ImageDraw.Draw(image)
    image.paste(logo(200, DARK), (90, 90))
    draw.text((90, 350), "Normkraft", font=_font(SERIF, 96), fill=WHITE)
    draw.text((90, 470), "ISO 9001 · ISO 14001 · ISO/IEC 27001 · ISO 45001 · ISO/IEC 42001",
              font=_font(SANS, 30), fill=WHITE)
    return image


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    logo().save(OUT / "logo.png", optimize=True)
    social().save(OUT / "social.png", optimize=True)
    print("wrote", OUT / "logo.png", OUT / "social.png")
